//! A GitHub Project (v2) as the source of status: which single-select field, what its
//! options mean, and the status rule and history it gives an issue on the project.
//!
//! The rule: a closed issue is "Closed" (done) whatever the field says; an open issue shows
//! the field's option, and with no option set it is "Open" (to do). An open issue whose
//! option means done counts as done from the moment it moved there: the team said the work
//! is finished, and closing it is bookkeeping GitHub's own workflow may do later. The same
//! rule, replayed over the closes, reopens and field changes, gives the history.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::map::{self, Mapped};
use crate::domain::{Field, StatusCategory, Transition};

/// The field GitHub creates on every project, and the only one its timeline records
/// changes of (`ProjectV2ItemStatusChangedEvent`).
pub const STATUS_FIELD: &str = "Status";

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// The organization or user that owns the project.
    pub owner: String,
    /// The project's number, as in its address (`/orgs/acme/projects/7`).
    pub number: u64,
    /// The single-select field that holds status.
    pub field: String,
    /// Option name and its category, from the config; other names go by `category`.
    pub categories: Vec<(String, StatusCategory)>,
}

impl Board {
    /// The project and field, as the sync's cursor remembers which one it read.
    pub fn identity(&self) -> String {
        format!("{}/{}/{}", self.owner, self.number, self.field)
    }

    /// Whether GitHub's timeline records this field's changes.
    pub fn field_has_events(&self) -> bool {
        self.field.eq_ignore_ascii_case(STATUS_FIELD)
    }

    /// The category of an option: the configured one, else by its name (see the README).
    pub fn category(&self, option: &str) -> StatusCategory {
        if let Some((_, c)) = self
            .categories
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(option.trim()))
        {
            return *c;
        }
        let words: String = option
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        const DONE: [&str; 11] = [
            "done",
            "closed",
            "complete",
            "completed",
            "finished",
            "resolved",
            "shipped",
            "released",
            "delivered",
            "deployed",
            "merged",
        ];
        const WAITING: [&str; 14] = [
            "todo", "backlog", "triage", "new", "open", "ready", "planning", "planned", "icebox",
            "nostatus", "inbox", "upnext", "next", "later",
        ];
        if DONE.contains(&words.as_str()) {
            StatusCategory::Done
        } else if WAITING.contains(&words.as_str()) {
            StatusCategory::Todo
        } else {
            StatusCategory::InProgress
        }
    }

    /// The status an issue shows, and its category.
    pub fn shown(&self, open: bool, option: Option<&str>) -> (String, StatusCategory) {
        match (open, option) {
            (false, _) => (map::CLOSED.to_string(), StatusCategory::Done),
            (true, Some(o)) => (o.to_string(), self.category(o)),
            (true, None) => (map::OPEN.to_string(), StatusCategory::Todo),
        }
    }
}

/// One step of an issue's status history, as GitHub's timeline tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Closed(DateTime<Utc>),
    Reopened(DateTime<Utc>),
    /// The field moved from one option to another (`None`: no option).
    Field {
        at: DateTime<Utc>,
        from: Option<String>,
        to: Option<String>,
    },
}

impl Step {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Step::Closed(at) | Step::Reopened(at) | Step::Field { at, .. } => *at,
        }
    }
}

/// What the project says of one issue on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The project item's node id, for a write.
    pub item: String,
    /// The field's option and when it was set.
    pub value: Option<(String, DateTime<Utc>)>,
    /// Closes, reopens and (for the Status field) its changes on this project.
    pub steps: Vec<Step>,
}

impl Entry {
    /// The latest moment the project (not the issue) changed for this issue.
    pub fn changed(&self) -> Option<DateTime<Utc>> {
        let field_steps = self.steps.iter().filter_map(|s| match s {
            Step::Field { at, .. } => Some(*at),
            _ => None,
        });
        self.value.iter().map(|v| v.1).chain(field_steps).max()
    }
}

/// An issue's status history on the board and what it ends in.
#[derive(Debug, Default, PartialEq)]
pub struct Replayed {
    /// (when, from, to) of each change of the status shown.
    pub moves: Vec<(DateTime<Utc>, String, String)>,
    pub started: Option<DateTime<Utc>>,
    /// When it last reached a done status, while it stays there.
    pub done_since: Option<DateTime<Utc>>,
}

/// The steps in time order, with the current value standing in where the timeline does not
/// end in it (a field other than Status, a change older than GitHub's record of them, a
/// server without it): then the value counts from its `updatedAt`.
fn steps_with_value(board: &Board, entry: &Entry) -> Vec<Step> {
    let mut steps: Vec<Step> = entry
        .steps
        .iter()
        .filter(|s| board.field_has_events() || !matches!(s, Step::Field { .. }))
        .cloned()
        .collect();
    steps.sort_by_key(Step::at);
    let last = steps.iter().rev().find_map(|s| match s {
        Step::Field { to, .. } => Some(to.clone()),
        _ => None,
    });
    let now = entry.value.as_ref().map(|(name, _)| name.clone());
    let explained = match &last {
        Some(to) => *to == now,
        None => now.is_none(),
    };
    if let (false, Some((name, at))) = (explained, &entry.value) {
        let step = Step::Field {
            at: *at,
            from: last.flatten(),
            to: Some(name.clone()),
        };
        let place = steps.partition_point(|s| s.at() <= *at);
        steps.insert(place, step);
    }
    steps
}

/// Replays `entry`'s steps under the board's rule for an issue opened at `opened`.
pub fn replay(board: &Board, entry: &Entry, opened: DateTime<Utc>) -> Replayed {
    let steps = steps_with_value(board, entry);
    let mut open = true;
    let mut option: Option<String> = steps
        .iter()
        .find_map(|s| match s {
            Step::Field { from, .. } => Some(from.clone()),
            _ => None,
        })
        .flatten();
    let mut out = Replayed::default();
    let (mut was, first) = board.shown(open, option.as_deref());
    if first != StatusCategory::Todo {
        out.started = Some(opened);
    }
    if first == StatusCategory::Done {
        out.done_since = Some(opened);
    }
    for step in steps {
        let at = step.at();
        match step {
            Step::Closed(_) => open = false,
            Step::Reopened(_) => open = true,
            Step::Field { to, .. } => option = to,
        }
        let (now, category) = board.shown(open, option.as_deref());
        if now == was {
            continue;
        }
        if out.started.is_none() && category != StatusCategory::Todo {
            out.started = Some(at);
        }
        out.done_since = match (category, out.done_since) {
            (StatusCategory::Done, Some(since)) => Some(since),
            (StatusCategory::Done, None) => Some(at),
            _ => None,
        };
        out.moves.push((at, was, now.clone()));
        was = now;
    }
    out
}

/// The ticket of an issue on the board, its status and status history from the board; its
/// other history (assignee, priority) stays as the events gave it.
pub fn overlay(board: &Board, entry: &Entry, source: &Arc<str>, mapped: &mut Mapped) {
    let t = &mut mapped.ticket;
    let open = t.category != StatusCategory::Done;
    let r = replay(board, entry, t.created);
    let (status, category) = board.shown(open, entry.value.as_ref().map(|v| v.0.as_str()));
    t.status = status.into();
    t.category = category;
    if open {
        t.resolution = None;
        t.resolved = (category == StatusCategory::Done)
            .then(|| r.done_since.or(entry.value.as_ref().map(|v| v.1)))
            .flatten();
    }
    if let Some((_, set)) = &entry.value {
        t.updated = t.updated.max(*set);
    }
    t.started = r.started.or(match category {
        StatusCategory::Todo => None,
        _ => Some(t.resolved.unwrap_or(t.updated)),
    });
    t.keep_work_in_order();
    let ticket = t.id;
    mapped.transitions.retain(|m| m.field != Field::Status);
    mapped
        .transitions
        .extend(r.moves.into_iter().map(|(at, from, to)| Transition {
            source: source.clone(),
            ticket,
            at,
            field: Field::Status,
            from: Some(Arc::from(from)),
            to: Some(Arc::from(to)),
        }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Board {
        Board {
            owner: "acme".into(),
            number: 7,
            field: STATUS_FIELD.into(),
            categories: vec![("QA".into(), StatusCategory::InProgress)],
        }
    }

    fn t(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600 + minute * 60, 0).expect("time")
    }

    fn field(minute: i64, from: &str, to: &str) -> Step {
        let name = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Step::Field {
            at: t(minute),
            from: name(from),
            to: name(to),
        }
    }

    #[test]
    fn options_fall_into_categories_by_name_unless_configured() {
        let b = board();
        assert_eq!(b.category("Done"), StatusCategory::Done);
        assert_eq!(b.category("✅ Shipped"), StatusCategory::Done);
        assert_eq!(b.category("Up next"), StatusCategory::Todo);
        assert_eq!(b.category("No Status"), StatusCategory::Todo);
        assert_eq!(b.category("In Progress"), StatusCategory::InProgress);
        assert_eq!(b.category("qa"), StatusCategory::InProgress, "configured");
        assert_eq!(
            b.shown(false, Some("In Progress")),
            (map::CLOSED.to_string(), StatusCategory::Done),
            "closed is done whatever the field says"
        );
    }

    #[test]
    fn a_reopen_and_a_move_back_from_done_end_the_done_stretch() {
        let entry = Entry {
            item: "PVTI_1".into(),
            value: Some(("In Progress".into(), t(40))),
            steps: vec![
                field(10, "", "In Progress"),
                Step::Closed(t(20)),
                Step::Reopened(t(30)),
                field(35, "In Progress", "Done"),
                field(40, "Done", "In Progress"),
            ],
        };
        let r = replay(&board(), &entry, t(0));
        let moves: Vec<(DateTime<Utc>, &str, &str)> = r
            .moves
            .iter()
            .map(|(at, a, b)| (*at, a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            moves,
            [
                (t(10), "Open", "In Progress"),
                (t(20), "In Progress", "Closed"),
                (t(30), "Closed", "In Progress"),
                (t(35), "In Progress", "Done"),
                (t(40), "Done", "In Progress"),
            ]
        );
        assert_eq!(r.started, Some(t(10)));
        assert_eq!(r.done_since, None, "back at work");
    }

    #[test]
    fn another_field_counts_from_its_value_s_update() {
        let b = Board {
            field: "Stage".into(),
            ..board()
        };
        let entry = Entry {
            item: "PVTI_1".into(),
            value: Some(("Done".into(), t(50))),
            // Status moves are not this field's.
            steps: vec![
                field(10, "", "In Progress"),
                Step::Closed(t(20)),
                Step::Reopened(t(30)),
            ],
        };
        let r = replay(&b, &entry, t(0));
        let tos: Vec<&str> = r.moves.iter().map(|m| m.2.as_str()).collect();
        assert_eq!(tos, ["Closed", "Open", "Done"]);
        assert_eq!(r.started, Some(t(20)));
        assert_eq!(r.done_since, Some(t(50)));
        assert_eq!(entry.changed(), Some(t(50)));
    }
}
