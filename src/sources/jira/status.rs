//! Where a changelog's status moves sit in the flow, and so when work on a ticket started.
//!
//! A changelog names statuses as they were called then. A status renamed since keeps its
//! id, so categories are found by id first and by name second; a status retired from the
//! workflow is in neither, and takes its category from what the ticket did next. This
//! module owns that placing; it never reads the network and never drops a move.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::dto;
use crate::domain::StatusCategory;

/// The site's statuses as `/rest/api/3/status` lists them today.
#[derive(Debug, Default)]
pub struct Statuses {
    by_id: HashMap<u64, StatusCategory>,
    by_name: HashMap<String, StatusCategory>,
}

impl Statuses {
    pub fn new(listed: Vec<dto::StatusDto>) -> Statuses {
        let mut s = Statuses::default();
        for status in listed {
            let category = super::map::category(&status.status_category.key);
            if let Some(id) = status.id.as_deref().and_then(|i| i.parse().ok()) {
                s.by_id.insert(id, category);
            }
            s.by_name.insert(status.name, category);
        }
        s
    }

    fn known(&self, id: Option<u64>, name: Option<&str>) -> Option<StatusCategory> {
        id.and_then(|i| self.by_id.get(&i))
            .or_else(|| name.and_then(|n| self.by_name.get(n)))
            .copied()
    }
}

/// One move of a ticket's status, as its changelog gives it.
#[derive(Debug, Clone)]
pub struct Move {
    pub at: DateTime<Utc>,
    /// The id of the status moved to (Jira's `to`), when it is a number.
    pub to_id: Option<u64>,
    /// Its name then (Jira's `toString`).
    pub to_name: Option<Arc<str>>,
}

/// What a ticket is known to have become, for the moves its changelog cannot place.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// The category of the status it is in now.
    pub now: StatusCategory,
    /// When it was resolved, if it is.
    pub resolved: Option<DateTime<Utc>>,
}

/// When work on the ticket started: its first move to a status outside the to-do category,
/// never after its resolution. Statuses that neither id nor name place are added to
/// `unplaced`, for one warning per sync.
pub fn work_started(
    moves: &mut [Move],
    statuses: &Statuses,
    outcome: Outcome,
    unplaced: &mut BTreeSet<String>,
) -> Option<DateTime<Utc>> {
    moves.sort_by_key(|m| m.at);
    let mut categories: Vec<StatusCategory> = vec![StatusCategory::Todo; moves.len()];
    // Backwards, so what the ticket did next is already placed when a move needs it.
    let mut next: Option<StatusCategory> = None;
    for (i, m) in moves.iter().enumerate().rev() {
        let category = match statuses.known(m.to_id, m.to_name.as_deref()) {
            Some(c) => c,
            None => {
                let name = m.to_name.as_deref().map_or_else(
                    || {
                        m.to_id
                            .map_or_else(|| "?".to_string(), |id| format!("#{id}"))
                    },
                    str::to_string,
                );
                unplaced.insert(name);
                infer(m.at, next, outcome)
            }
        };
        categories[i] = category;
        next = Some(category);
    }
    let started = moves
        .iter()
        .zip(&categories)
        .find(|(_, c)| **c != StatusCategory::Todo)
        .map(|(m, _)| m.at);
    match (started, outcome.resolved) {
        (Some(s), Some(r)) if s > r => Some(r),
        (s, r) => s.or(r),
    }
}

/// The category of a status nothing names any more, from what happened after the move to it.
fn infer(at: DateTime<Utc>, next: Option<StatusCategory>, outcome: Outcome) -> StatusCategory {
    if outcome.resolved.is_some_and(|r| at >= r) {
        // Moved there as (or after) it was resolved: a done status, retired since.
        return StatusCategory::Done;
    }
    match next {
        // Still there: it is what the ticket's own status says it is.
        None => outcome.now,
        // Left for a done status: the work went on there until it was done.
        Some(StatusCategory::Done) => StatusCategory::InProgress,
        // Left for work in progress, or back to waiting: it was waiting.
        Some(StatusCategory::InProgress | StatusCategory::Todo) => StatusCategory::Todo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        format!("2024-03-{day:02}T00:00:00Z").parse().expect("time")
    }

    fn statuses() -> Statuses {
        let status = |id: &str, name: &str, key: &str| dto::StatusDto {
            id: Some(id.into()),
            name: name.into(),
            status_category: dto::Category { key: key.into() },
        };
        Statuses::new(vec![
            status("1", "To Do", "new"),
            status("3", "In Progress", "indeterminate"),
            status("10002", "Done", "done"),
        ])
    }

    fn to(day: u32, id: u64, name: &str) -> Move {
        Move {
            at: at(day),
            to_id: Some(id),
            to_name: Some(Arc::from(name)),
        }
    }

    #[test]
    fn a_renamed_status_is_placed_by_its_id() {
        let mut moves = vec![to(9, 10002, "Done"), to(2, 3, "In Development")];
        let done = Outcome {
            now: StatusCategory::Done,
            resolved: Some(at(9)),
        };
        let mut unplaced = BTreeSet::new();
        let started = work_started(&mut moves, &statuses(), done, &mut unplaced);
        assert_eq!(started, Some(at(2)));
        assert!(unplaced.is_empty(), "{unplaced:?}");
    }

    #[test]
    fn a_retired_status_takes_its_category_from_what_came_next() {
        let s = statuses();
        let resolved = Outcome {
            now: StatusCategory::Done,
            resolved: Some(at(5)),
        };
        let mut unplaced = BTreeSet::new();
        // Waiting in a retired status, then work, then a retired done status at the
        // resolution, then a bulk migration to Done long after.
        let mut moves = vec![
            to(1, 10050, "Ready for Dev"),
            to(2, 3, "In Development"),
            to(5, 10051, "Resolved"),
            to(20, 10002, "Done"),
        ];
        let started = work_started(&mut moves, &s, resolved, &mut unplaced);
        assert_eq!(started, Some(at(2)), "Ready for Dev was waiting");
        assert_eq!(
            unplaced.iter().map(String::as_str).collect::<Vec<_>>(),
            ["Ready for Dev", "Resolved"]
        );
        // Only retired statuses: the one left for a done status was work in progress.
        let mut moves = vec![to(3, 10060, "Dev"), to(5, 10051, "Resolved")];
        let started = work_started(&mut moves, &s, resolved, &mut unplaced);
        assert_eq!(started, Some(at(3)));
    }

    #[test]
    fn work_never_starts_after_the_resolution() {
        let s = statuses();
        let resolved = Outcome {
            now: StatusCategory::Done,
            resolved: Some(at(5)),
        };
        let mut unplaced = BTreeSet::new();
        // The first placeable move is a migration after the resolution.
        let mut moves = vec![to(20, 3, "In Progress"), to(21, 10002, "Done")];
        assert_eq!(
            work_started(&mut moves, &s, resolved, &mut unplaced),
            Some(at(5))
        );
        // No move at all: a resolved ticket started when it was resolved.
        assert_eq!(
            work_started(&mut [], &s, resolved, &mut unplaced),
            Some(at(5))
        );
        let open = Outcome {
            now: StatusCategory::Todo,
            resolved: None,
        };
        assert_eq!(work_started(&mut [], &s, open, &mut unplaced), None);
    }
}
