use chrono::{DateTime, Utc};
use compact_str::CompactString;
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
    pub const ALL: [Priority; 5] = [
        Priority::Lowest,
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Highest,
    ];

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
///
/// A full load holds hundreds of thousands of these: the short fields (names, keys, statuses)
/// are `CompactString`s, kept inline up to 24 bytes instead of one heap allocation each.
/// They encode exactly as `String`, so the stored bytes do not depend on it.
pub struct Ticket {
    pub source: CompactString,
    pub id: u64,
    pub project: CompactString,
    /// Human key as the tracker shows it, e.g. `OPS-123`.
    pub key: CompactString,
    pub title: String,
    pub status: CompactString,
    pub category: StatusCategory,
    pub assignee: Option<CompactString>,
    pub priority: Priority,
    /// Story points or hours, whatever the tracker uses.
    pub estimate: Option<f64>,
    pub labels: Vec<CompactString>,
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
    pub resolution: Option<CompactString>,
    pub url: Option<String>,
}

impl Ticket {
    pub fn reference(&self) -> super::TicketRef {
        super::TicketRef {
            source: self.source.to_string(),
            id: self.id,
        }
    }

    pub fn is_open(&self) -> bool {
        self.category != StatusCategory::Done
    }

    /// Keeps work from starting after the ticket was resolved: a start recorded later (a
    /// history whose first placeable move came after the resolution, a file with the two
    /// swapped) becomes the resolution, so no cycle time is ever negative.
    pub fn keep_work_in_order(&mut self) {
        if let (Some(s), Some(r)) = (self.started, self.resolved)
            && s > r
        {
            self.started = Some(r);
        }
    }

    /// Done, and done by delivering: a duplicate or a "won't fix" closes a ticket without
    /// delivering anything, so it does not count as throughput.
    pub fn delivered(&self) -> bool {
        self.category == StatusCategory::Done && !self.closed_without_the_work()
    }

    /// Whether its resolution, or its status where it has none (trackers whose closed
    /// statuses say how it closed: "Cancelled", "Closed - Duplicate"), names a closing
    /// without the work. Read at load, so a store synced before a name was known learns it.
    pub fn closed_without_the_work(&self) -> bool {
        is_non_delivery(self.resolution.as_deref().unwrap_or(&self.status))
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
            key: compact_str::format_compact!("P-{id}"),
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

/// Resolution names that close a ticket without delivering it, as trackers spell them: on
/// their own ("Won't Fix"), or as the part of a closed status that says how it closed
/// ("Closed - Cancelled", ">Closed (Duplicate)", "Closed: not a bug"). Parts are split at a
/// spaced dash, a colon, brackets or `>`; never at a slash or comma, which join
/// alternatives ("Completed/Cancelled"), nor at a bare hyphen ("invalid-input").
pub fn is_non_delivery(resolution: &str) -> bool {
    const NAMES: [&str; 16] = [
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
        "notplanned",
        "cancelled",
        "canceled",
    ];
    let named = |part: &str| {
        let r: String = part
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        NAMES.contains(&r.as_str())
    };
    // A name without separators is its own one part.
    resolution
        .split([':', '(', ')', '[', ']', '>'])
        .flat_map(|part| part.split(" - "))
        .any(named)
}

#[cfg(test)]
mod tests {
    use super::{Ticket, is_non_delivery};

    #[test]
    fn work_started_after_the_resolution_is_taken_as_the_resolution() {
        let at = |d: u32| {
            format!("2024-03-{d:02}T00:00:00Z")
                .parse::<chrono::DateTime<chrono::Utc>>()
                .expect("time")
        };
        let mut t = Ticket {
            started: Some(at(9)),
            resolved: Some(at(5)),
            ..Ticket::stub(1, at(1))
        };
        t.keep_work_in_order();
        assert_eq!(t.started, Some(at(5)));
        let mut open = Ticket {
            started: Some(at(9)),
            ..Ticket::stub(2, at(1))
        };
        open.keep_work_in_order();
        assert_eq!(open.started, Some(at(9)), "an open ticket keeps its start");
        let mut fine = Ticket {
            started: Some(at(2)),
            resolved: Some(at(5)),
            ..Ticket::stub(3, at(1))
        };
        fine.keep_work_in_order();
        assert_eq!(fine.started, Some(at(2)));
    }

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

    #[test]
    fn non_delivery_inside_a_closed_status() {
        for r in [
            "Cancelled",
            "Canceled",
            "Closed - Cancelled",
            ">Closed (Duplicate)",
            "Closed: not a bug",
        ] {
            assert!(is_non_delivery(r), "{r}");
        }
        for r in [
            "Closed - Resolved",
            ">Closed",
            "Completed",
            "invalid-input",
            "duplicates-check",
            "Completed/Cancelled",
            "Resolved, Cancelled",
        ] {
            assert!(!is_non_delivery(r), "{r}");
        }
    }
}
