//! Status names to categories: the source's `statuses` table first, then defaults for the
//! names trackers and service desks commonly use. A name in neither is unmapped: it is counted
//! as in progress and reported, never a failed import.
//!
//! Waiting is a class of its own here but not in the store, whose categories are to do, in
//! progress and done: a waiting status is stored as in progress under its own name, and the
//! stall analysis recognises waiting and blocked statuses by name (`is_blocked_status`). A
//! name the table maps to waiting that the analysis would not recognise is reported, so no
//! one believes it is treated as waiting when it is not. Must never read a file.

use std::collections::BTreeMap;

use crate::analysis::stalled::is_blocked_status;
use crate::domain::StatusCategory;

/// What a status means for the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Todo,
    InProgress,
    /// Waiting on someone outside the team (a customer, a vendor): open, not moving by choice.
    Waiting,
    Done,
}

impl Class {
    /// The words a `statuses` table may use, as config files write them.
    pub const WORDS: [&'static str; 4] = ["to do", "in progress", "waiting", "done"];

    pub fn parse(word: &str) -> Option<Class> {
        match word.trim().to_ascii_lowercase().as_str() {
            "to do" | "todo" => Some(Class::Todo),
            "in progress" => Some(Class::InProgress),
            "waiting" => Some(Class::Waiting),
            "done" => Some(Class::Done),
            _ => None,
        }
    }

    /// The stored category: waiting work is open work in progress (see the module note).
    pub fn category(self) -> StatusCategory {
        match self {
            Class::Todo => StatusCategory::Todo,
            Class::InProgress | Class::Waiting => StatusCategory::InProgress,
            Class::Done => StatusCategory::Done,
        }
    }
}

/// The source's table of status names, matched without regard to case or surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statuses {
    table: BTreeMap<String, Class>,
}

fn norm(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Statuses {
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, Class)>) -> Statuses {
        Statuses {
            table: entries
                .into_iter()
                .map(|(name, class)| (norm(name), class))
                .collect(),
        }
    }

    /// The class of `name`: the table's, else the default's; `None` when neither knows it.
    pub fn class_of(&self, name: &str) -> Option<Class> {
        let name = norm(name);
        self.table
            .get(&name)
            .copied()
            .or_else(|| default_class(&name))
    }

    /// The stored category of a ticket in `name`; a resolved ticket is done whatever its
    /// status says, and an unmapped name counts as in progress.
    pub fn category_of(&self, name: &str, resolved: bool) -> StatusCategory {
        if resolved {
            return StatusCategory::Done;
        }
        self.class_of(name)
            .map(Class::category)
            .unwrap_or(StatusCategory::InProgress)
    }

    /// Names the table maps to waiting that the stall analysis would judge as plain work in
    /// progress, because it knows waiting only by name.
    pub fn waiting_unrecognised(&self) -> Vec<&str> {
        self.table
            .iter()
            .filter(|(name, class)| **class == Class::Waiting && !is_blocked_status(name))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The default class of a lower-cased, trimmed status name.
fn default_class(name: &str) -> Option<Class> {
    const TODO: [&str; 13] = [
        "to do",
        "todo",
        "open",
        "new",
        "backlog",
        "reopened",
        "selected for development",
        "queued",
        "triage",
        "ready",
        "ready for development",
        "planned",
        "unassigned",
    ];
    const IN_PROGRESS: [&str; 17] = [
        "in progress",
        "in development",
        "development",
        "doing",
        "active",
        "assigned",
        "working",
        "in review",
        "review",
        "code review",
        "in testing",
        "testing",
        "qa",
        "in qa",
        "patch available",
        "scheduled",
        "dispatched",
    ];
    const DONE: [&str; 13] = [
        "done",
        "closed",
        "resolved",
        "fixed",
        "complete",
        "completed",
        "cancelled",
        "canceled",
        "rejected",
        "declined",
        "duplicate",
        "won't do",
        "won't fix",
    ];
    // "Awaiting Customer", "Wait for Vendor", "Waiting on Parts", "On Hold", "Blocked".
    const WAITING_PREFIXES: [&str; 6] = [
        "awaiting", "wait", "on hold", "blocked", "pending", "paused",
    ];
    if TODO.contains(&name) {
        Some(Class::Todo)
    } else if IN_PROGRESS.contains(&name) {
        Some(Class::InProgress)
    } else if DONE.contains(&name) {
        Some(Class::Done)
    } else if WAITING_PREFIXES.iter().any(|p| name.starts_with(p)) {
        Some(Class::Waiting)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_wins_then_the_defaults_then_nothing() {
        let s = Statuses::new([("Awaiting Customer", Class::Waiting), ("QA", Class::Todo)]);
        assert_eq!(s.class_of(" awaiting customer "), Some(Class::Waiting));
        assert_eq!(s.class_of("QA"), Some(Class::Todo), "the table overrides");
        assert_eq!(s.class_of("Queued"), Some(Class::Todo));
        assert_eq!(s.class_of("Wait for Vendor"), Some(Class::Waiting));
        assert_eq!(s.class_of("Awaiting Parts"), Some(Class::Waiting));
        assert_eq!(s.class_of("Cancelled"), Some(Class::Done));
        assert_eq!(s.class_of("Resolved"), Some(Class::Done));
        assert_eq!(s.class_of("In Review"), Some(Class::InProgress));
        assert_eq!(s.class_of("Escalated to Tier 3"), None);
        assert_eq!(
            s.category_of("Escalated to Tier 3", false),
            StatusCategory::InProgress
        );
        assert_eq!(s.category_of("Queued", true), StatusCategory::Done);
        assert_eq!(
            s.category_of("Awaiting Customer", false),
            StatusCategory::InProgress
        );
    }

    #[test]
    fn every_default_waiting_name_is_one_the_stall_analysis_recognises() {
        for name in [
            "Awaiting Customer",
            "Wait for Vendor",
            "Waiting",
            "On Hold",
            "Blocked",
            "Pending Approval",
            "Paused",
        ] {
            assert_eq!(default_class(&norm(name)), Some(Class::Waiting), "{name}");
            assert!(is_blocked_status(name), "{name}");
        }
        let s = Statuses::new([
            ("Vendor", Class::Waiting),
            ("Awaiting Parts", Class::Waiting),
        ]);
        assert_eq!(s.waiting_unrecognised(), vec!["vendor"]);
    }
}
