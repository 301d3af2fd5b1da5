//! ConnectWise's records as REST 3.0 sends them (version 2022.1), only the fields lookout
//! reads. References to other records are `{id, name}` or `{id, identifier, name}`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    /// Members and companies: the short name users know them by.
    #[serde(default)]
    pub identifier: Option<String>,
}

/// `_info`: when a record was made and last changed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    pub date_entered: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

/// A service ticket (`/service/tickets`) or a project ticket (`/project/tickets`): the two
/// share ids, boards and statuses; a project ticket also names its project and phase.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTicket {
    pub id: u64,
    pub summary: String,
    pub board: Reference,
    pub status: Reference,
    #[serde(default)]
    pub project: Option<Reference>,
    #[serde(default)]
    pub phase: Option<Reference>,
    /// Project tickets carry it; sites send `null` as often as `false`.
    #[serde(default)]
    pub closed_flag: Option<bool>,
    #[serde(default)]
    pub owner: Option<Reference>,
    #[serde(default)]
    pub priority: Option<Reference>,
    #[serde(default)]
    pub budget_hours: Option<f64>,
    #[serde(default)]
    pub closed_date: Option<DateTime<Utc>>,
    #[serde(rename = "_info")]
    pub info: Info,
}

/// `/project/projects`: a piece of project work with its manager and hours.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub status: Option<Reference>,
    #[serde(default)]
    pub closed_flag: Option<bool>,
    #[serde(default)]
    pub manager: Option<Reference>,
    #[serde(default)]
    pub company: Option<Reference>,
    #[serde(default)]
    pub board: Option<Reference>,
    #[serde(default)]
    pub estimated_hours: Option<f64>,
    #[serde(default)]
    pub actual_hours: Option<f64>,
    #[serde(default)]
    pub estimated_start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub estimated_end: Option<DateTime<Utc>>,
    /// Projects' `_info` carries `lastUpdated` and, on newer sites only, `dateEntered`.
    #[serde(rename = "_info", default)]
    pub info: Option<ProjectInfo>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfo {
    #[serde(default)]
    pub date_entered: Option<DateTime<Utc>>,
}

/// `/service/boards/{id}/statuses`: `closedStatus` says the board counts it done.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardStatus {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub closed_status: bool,
}

/// `/service/boards`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub inactive_flag: bool,
    #[serde(rename = "_info", default)]
    pub info: Option<Info>,
}

/// `/system/members`: `identifier` is the login owners and time entries name.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: u64,
    pub identifier: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub inactive_flag: bool,
}

/// `/time/entries`: `chargeToId` is the ticket when `chargeToType` is `ServiceTicket`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeEntry {
    pub id: u64,
    pub charge_to_id: u64,
    pub charge_to_type: String,
    pub member: Reference,
    pub time_start: DateTime<Utc>,
    pub actual_hours: f64,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `/service/tickets/{id}/notes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: u64,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub member: Option<Reference>,
    pub date_created: DateTime<Utc>,
}

/// `/system/audittrail?type=Ticket&id=...`: one line of the ticket's history, as prose.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub text: String,
    pub entered_date: DateTime<Utc>,
}

/// Only the id: what a sweep lists.
#[derive(Debug, Clone, Deserialize)]
pub struct Id {
    pub id: u64,
}
