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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTicket {
    pub id: u64,
    pub summary: String,
    pub board: Reference,
    pub status: Reference,
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

/// `/service/boards/{id}/statuses`: `closedStatus` says the board counts it done.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardStatus {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub closed_status: bool,
}
