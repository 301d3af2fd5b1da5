//! GitLab's JSON, as API v4 sends it; private to the connector.
//!
//! Ids are read from numbers or numeric strings, and texts from strings or numbers: some
//! GitLab versions and proxies in front of them have sent either where the docs promise one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// A number, or a string holding one.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        N(u64),
        S(String),
    }
    match Either::deserialize(d)? {
        Either::N(n) => Ok(n),
        Either::S(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("expected an id, found {s:?}"))),
    }
}

/// A text, a number written where a text belongs, or null (an empty text).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        S(String),
        N(serde_json::Number),
        B(bool),
        Null,
    }
    Ok(match Either::deserialize(d)? {
        Either::S(s) => s,
        Either::N(n) => n.to_string(),
        Either::B(b) => b.to_string(),
        Either::Null => String::new(),
    })
}

/// A list of texts, each as `text` reads it; null is an empty list.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct One(#[serde(deserialize_with = "text")] String);
    let list: Option<Vec<One>> = Option::deserialize(d)?;
    Ok(list.into_iter().flatten().map(|o| o.0).collect())
}

/// A weight or an estimate: a number, a numeric string, or nothing.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        N(f64),
        S(String),
        Null,
    }
    Ok(match Either::deserialize(d)? {
        Either::N(n) => Some(n),
        Either::S(s) => s.trim().parse().ok(),
        Either::Null => None,
    })
}

#[derive(Debug, Deserialize)]
pub struct User {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(default, deserialize_with = "text")]
    pub username: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
}

impl User {
    /// The name people know them by, or their username when the name is blank.
    pub fn shown(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.username
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Project {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub path_with_namespace: String,
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub web_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct References {
    #[serde(deserialize_with = "text")]
    pub full: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TimeStats {
    #[serde(default, deserialize_with = "number")]
    pub time_estimate: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(deserialize_with = "id")]
    pub iid: u64,
    #[serde(deserialize_with = "id")]
    pub project_id: u64,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    #[serde(deserialize_with = "text")]
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "texts")]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignees: Option<Vec<User>>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub references: Option<References>,
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default, deserialize_with = "number")]
    pub weight: Option<f64>,
    #[serde(default)]
    pub time_stats: Option<TimeStats>,
}

impl Issue {
    pub fn closed(&self) -> bool {
        self.state == "closed"
    }

    /// Who works on it: the first of its assignees (GitLab Free has one).
    pub fn assigned(&self) -> Option<&User> {
        self.assignees
            .as_ref()
            .and_then(|a| a.first())
            .or(self.assignee.as_ref())
    }
}

/// A page of ids and creation times, for a deletion sweep (the rest is skipped unread).
#[derive(Debug, Deserialize)]
pub struct IdOnly {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct StateEvent {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "text")]
    pub state: String,
}

/// A project event (`/projects/:id/events`): here, an issue reopened or closed.
#[derive(Debug, Deserialize)]
pub struct ProjectEvent {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub target_id: Option<u64>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
pub struct Label {
    #[serde(deserialize_with = "text")]
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct LabelEvent {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    pub created_at: DateTime<Utc>,
    /// Null when the label was deleted since.
    #[serde(default)]
    pub label: Option<Label>,
    #[serde(deserialize_with = "text")]
    pub action: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_read_either_way() {
        let issue: Issue = serde_json::from_value(serde_json::json!({
            "id": "901", "iid": 12, "project_id": "7", "title": 2024,
            "state": "opened", "created_at": "2026-01-02T10:00:00.000Z",
            "updated_at": "2026-01-03T10:00:00Z", "labels": ["bug", 5],
            "weight": "3", "assignees": null
        }))
        .expect("GitLab's shape, loosely typed");
        assert_eq!((issue.id, issue.iid, issue.project_id), (901, 12, 7));
        assert_eq!(issue.title, "2024");
        assert_eq!(issue.labels, ["bug", "5"]);
        assert_eq!(issue.weight, Some(3.0));
        assert!(issue.assigned().is_none());
        let odd = serde_json::from_value::<Issue>(serde_json::json!({
            "id": "nine", "iid": 1, "project_id": 7, "state": "opened",
            "created_at": "2026-01-02T10:00:00Z", "updated_at": "2026-01-02T10:00:00Z"
        }));
        assert!(odd.is_err(), "an id that is no number is not guessed at");
    }
}
