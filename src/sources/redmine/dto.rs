//! Redmine's JSON, as its REST API sends it; private to the connector.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::sources::lenient::{Lenient, Listing};

#[derive(Debug, Deserialize)]
pub struct Named {
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct ProjectsPage {
    pub projects: Vec<Project>,
    #[serde(default)]
    pub total_count: usize,
}

#[derive(Debug, Deserialize)]
pub struct Project {
    pub id: u64,
    pub name: String,
    pub identifier: String,
    #[serde(default)]
    pub description: Option<String>,
    pub created_on: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct Statuses {
    pub issue_statuses: Vec<Status>,
}

#[derive(Debug, Deserialize)]
pub struct Status {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub is_closed: bool,
}

#[derive(Debug, Deserialize)]
pub struct Trackers {
    pub trackers: Vec<Tracker>,
}

#[derive(Debug, Deserialize)]
pub struct Tracker {
    #[serde(default)]
    pub default_status: Option<Named>,
}

#[derive(Debug, Deserialize)]
pub struct Priorities {
    pub issue_priorities: Vec<PriorityDto>,
}

#[derive(Debug, Deserialize)]
pub struct PriorityDto {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
}

/// A page of the issue list: only where each issue stands, since the issue itself is read
/// again with its journals. One that does not read costs only itself.
#[derive(Debug, Deserialize)]
pub struct IssuesPage {
    pub issues: Lenient<Listed>,
}

#[derive(Debug, Deserialize)]
pub struct Listed {
    pub id: u64,
    pub updated_on: DateTime<Utc>,
}

/// A page of issue ids, for a deletion sweep.
#[derive(Debug, Deserialize)]
pub struct IdsPage {
    pub issues: Lenient<IdOnly>,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    pub id: u64,
    pub project: Named,
    pub status: Named,
    pub priority: Named,
    #[serde(default)]
    pub assigned_to: Option<Named>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub estimated_hours: Option<f64>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    #[serde(default)]
    pub closed_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub journals: Vec<Journal>,
}

#[derive(Debug, Deserialize)]
pub struct OneIssue {
    pub issue: Issue,
}

#[derive(Debug, Deserialize)]
pub struct Journal {
    pub id: u64,
    #[serde(default)]
    pub user: Option<Named>,
    #[serde(default)]
    pub notes: Option<String>,
    pub created_on: DateTime<Utc>,
    #[serde(default)]
    pub details: Vec<Detail>,
}

#[derive(Debug, Deserialize)]
pub struct Detail {
    pub property: String,
    pub name: String,
    #[serde(default)]
    pub old_value: Option<String>,
    #[serde(default)]
    pub new_value: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Memberships {
    pub memberships: Listing<Membership>,
    #[serde(default)]
    pub total_count: usize,
}

#[derive(Debug, Deserialize)]
pub struct Membership {
    #[serde(default)]
    pub user: Option<Named>,
}

#[derive(Debug, Deserialize)]
pub struct TimeEntries {
    pub time_entries: Lenient<TimeEntryDto>,
    #[serde(default)]
    pub total_count: usize,
}

#[derive(Debug, Deserialize)]
pub struct TimeEntryDto {
    pub id: u64,
    #[serde(default)]
    pub issue: Option<IdOnly>,
    pub user: Named,
    pub hours: f64,
    #[serde(default)]
    pub comments: Option<String>,
    pub spent_on: NaiveDate,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct IdOnly {
    pub id: u64,
}

/// An issue read with `include=allowed_statuses`: Redmine 5.1 and later list the statuses
/// its workflow lets the API user move it to; older servers leave the field out.
#[derive(Debug, Deserialize)]
pub struct IssueMoves {
    pub issue: Moves,
}

#[derive(Debug, Deserialize)]
pub struct Moves {
    pub status: Named,
    #[serde(default)]
    pub allowed_statuses: Option<Vec<Status>>,
}
