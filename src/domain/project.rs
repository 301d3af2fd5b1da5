use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A project as the tracker describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub source: String,
    /// The tracker's short key (Jira key, Redmine identifier); unique within a source.
    pub key: String,
    pub name: String,
    pub description: String,
    pub created: DateTime<Utc>,
    pub url: Option<String>,
    /// The date the project means to finish by, from the tracker or the config.
    pub target: Option<chrono::NaiveDate>,
}
