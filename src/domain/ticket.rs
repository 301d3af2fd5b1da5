use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a status sits in the flow, whatever the tracker calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    Todo,
    InProgress,
    Done,
}

impl StatusCategory {
    pub fn label(self) -> &'static str {
        match self {
            StatusCategory::Todo => "to do",
            StatusCategory::InProgress => "in progress",
            StatusCategory::Done => "done",
        }
    }
}

/// Priorities normalised across trackers; the tracker's own name is kept on the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Lowest,
    Low,
    Medium,
    High,
    Highest,
}

impl Priority {
    pub fn label(self) -> &'static str {
        match self {
            Priority::Lowest => "Lowest",
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Highest => "Highest",
        }
    }
}

/// A unit of work. Text fields are untrusted tracker text: sanitise before drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub source: String,
    pub id: u64,
    pub project: String,
    /// Human key as the tracker shows it, e.g. `OPS-123`.
    pub key: String,
    pub title: String,
    pub status: String,
    pub category: StatusCategory,
    pub assignee: Option<String>,
    pub priority: Priority,
    /// Story points or hours, whatever the tracker uses.
    pub estimate: Option<f64>,
    pub labels: Vec<String>,
    #[serde(with = "super::instant")]
    pub created: DateTime<Utc>,
    #[serde(with = "super::instant")]
    pub updated: DateTime<Utc>,
    /// When work first started (first move out of a to-do status).
    #[serde(with = "super::instant::optional")]
    pub started: Option<DateTime<Utc>>,
    /// When the ticket last reached a done status; `None` while it is open.
    #[serde(with = "super::instant::optional")]
    pub resolved: Option<DateTime<Utc>>,
    /// The tracker's resolution name (Fixed, Duplicate, Won't Do...), where it has one.
    pub resolution: Option<String>,
    pub url: Option<String>,
}

impl Ticket {
    pub fn reference(&self) -> super::TicketRef {
        super::TicketRef {
            source: self.source.clone(),
            id: self.id,
        }
    }

    pub fn is_open(&self) -> bool {
        self.category != StatusCategory::Done
    }

    /// Done, and done by delivering: a duplicate or a "won't fix" closes a ticket without
    /// delivering anything, so it does not count as throughput.
    pub fn delivered(&self) -> bool {
        self.category == StatusCategory::Done
            && !self.resolution.as_deref().is_some_and(is_non_delivery)
    }
}

#[cfg(test)]
impl Ticket {
    /// A plain to-do ticket of project `P` in source `s`, for unit tests to adjust with
    /// struct update syntax.
    pub(crate) fn stub(id: u64, created: DateTime<Utc>) -> Ticket {
        Ticket {
            source: "s".into(),
            id,
            project: "P".into(),
            key: format!("P-{id}"),
            title: "t".into(),
            status: "To Do".into(),
            category: StatusCategory::Todo,
            assignee: None,
            priority: Priority::Medium,
            estimate: None,
            labels: vec![],
            created,
            updated: created,
            started: None,
            resolved: None,
            resolution: None,
            url: None,
        }
    }
}

/// Resolution names that close a ticket without delivering it, as trackers spell them.
pub fn is_non_delivery(resolution: &str) -> bool {
    let r: String = resolution
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    [
        "duplicate",
        "wontfix",
        "wontdo",
        "invalid",
        "cannotreproduce",
        "cantreproduce",
        "incomplete",
        "declined",
        "rejected",
        "obsolete",
        "notabug",
        "notaproblem",
        "abandoned",
    ]
    .contains(&r.as_str())
}

#[cfg(test)]
mod tests {
    use super::is_non_delivery;

    #[test]
    fn non_delivery_resolutions_in_their_usual_spellings() {
        for r in [
            "Duplicate",
            "Won't Fix",
            "Won't Do",
            "Cannot Reproduce",
            "Not A Bug",
            "invalid",
        ] {
            assert!(is_non_delivery(r), "{r}");
        }
        for r in ["Fixed", "Done", "Resolved", "Implemented"] {
            assert!(!is_non_delivery(r), "{r}");
        }
    }
}
