//! Writing to the demo tracker. The demo has no server: what it holds is what lookout stored
//! of it, so a change is made there, through a `Desk` the sync layer provides over the store,
//! and logged so the demo running in this or any later process carries it on instead of
//! overwriting it with its old copy of the ticket.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::world::{DONE, IN_PROGRESS, IN_REVIEW, TODO, category_of};
use crate::domain::{Change, Facts, Field, Note, Priority, Ticket, Transition};
use crate::sources::{SourceError, TrackerAction};

/// One change made to the demo tracker: the ticket as it is after it, and its history lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskChange {
    pub source: String,
    pub ticket: Ticket,
    pub transitions: Vec<Transition>,
    pub notes: Vec<Note>,
}

/// Where the demo tracker's state lives, and the log of changes made to it.
pub trait Desk: Send + Sync {
    /// The ticket as the demo tracker holds it now.
    fn ticket(&self, source: &str, id: u64) -> Result<Option<Ticket>, String>;
    /// Makes a change durable: logged, and the ticket stored as it now is.
    fn record(&self, change: &DeskChange) -> Result<(), String>;
    /// Changes recorded after `after` (a sequence number), oldest first.
    fn since(&self, after: u64) -> Result<Vec<(u64, DeskChange)>, String>;
    /// The newest sequence number recorded (0 for none).
    fn last(&self) -> Result<u64, String>;
}

/// The demo's statuses, in workflow order; a transition may go to any of them.
const STATUSES: [&str; 4] = [TODO, IN_PROGRESS, IN_REVIEW, DONE];

/// The statuses the demo's workflow lets `t` move to: any other of its statuses (the demo
/// reopens done work and sends reviews back, so no move is barred).
pub fn moves(t: &Ticket) -> Vec<String> {
    STATUSES
        .into_iter()
        .filter(|s| !s.eq_ignore_ascii_case(&t.status))
        .map(String::from)
        .collect()
}

pub fn facts(t: &Ticket) -> Facts {
    // The demo names people by their login, so the display name is the login.
    Facts {
        status: t.status.to_string(),
        assignee: t.assignee.as_ref().map(|a| a.to_string()),
        assignee_login: t.assignee.as_ref().map(|a| a.to_string()),
        priority: t.priority,
        priority_name: t.priority.label().to_string(),
    }
}

fn priority_named(name: &str) -> Option<Priority> {
    [
        Priority::Lowest,
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Highest,
    ]
    .into_iter()
    .find(|p| p.label().eq_ignore_ascii_case(name))
}

/// `ticket` with `action` made, stamped `now`, and the history lines that records.
pub fn change(
    source: &str,
    mut ticket: Ticket,
    action: &TrackerAction,
    note_id: u64,
    now: DateTime<Utc>,
) -> Result<DeskChange, SourceError> {
    let mut transitions = Vec::new();
    let mut notes = Vec::new();
    let mut line = |field: Field, from: Option<&str>, to: Option<&str>| {
        transitions.push(Transition {
            source: source.into(),
            ticket: ticket.id,
            at: now,
            field,
            from: from.map(Into::into),
            to: to.map(Into::into),
        })
    };
    match &action.change {
        Change::Assign { login } => {
            line(Field::Assignee, ticket.assignee.as_deref(), Some(login));
            ticket.assignee = Some(login.as_str().into());
        }
        Change::Unassign => {
            line(Field::Assignee, ticket.assignee.as_deref(), None);
            ticket.assignee = None;
        }
        Change::Transition { status } => {
            let to = STATUSES
                .into_iter()
                .find(|s| s.eq_ignore_ascii_case(status))
                .ok_or_else(|| {
                    SourceError::Refused(format!(
                        "the demo has no status {status:?}; it has {}",
                        STATUSES.join(", ")
                    ))
                })?;
            line(Field::Status, Some(&ticket.status), Some(to));
            ticket.status = to.into();
            ticket.category = category_of(to);
            if to != TODO {
                ticket.started = ticket.started.or(Some(now));
            }
            ticket.resolved = (to == DONE).then_some(now);
            ticket.resolution = (to == DONE).then(|| "Done".into());
        }
        Change::SetPriority { priority } => {
            let to = priority_named(priority).ok_or_else(|| {
                SourceError::Refused(format!(
                    "the demo has no priority {priority:?}; it has Lowest, Low, Medium, High, Highest"
                ))
            })?;
            line(
                Field::Priority,
                Some(ticket.priority.label()),
                Some(to.label()),
            );
            ticket.priority = to;
        }
        Change::AddLabel { label } => {
            if !ticket.labels.iter().any(|l| l == label) {
                ticket.labels.push(label.as_str().into());
            }
        }
        Change::Comment { body } => notes.push(Note {
            source: source.to_string(),
            ticket: ticket.id,
            id: note_id,
            at: now,
            author: "lookout".to_string(),
            body: body.clone(),
        }),
    }
    ticket.updated = now;
    Ok(DeskChange {
        source: source.to_string(),
        ticket,
        transitions,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StatusCategory;

    fn ticket() -> Ticket {
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time");
        Ticket {
            source: "demo".into(),
            id: 7,
            project: "ATLAS".into(),
            key: "ATLAS-7".into(),
            title: "Fix login".into(),
            status: IN_PROGRESS.into(),
            category: StatusCategory::InProgress,
            assignee: Some("ana".into()),
            priority: Priority::Medium,
            estimate: None,
            labels: Vec::new(),
            created: t0,
            updated: t0,
            started: Some(t0),
            resolved: None,
            resolution: None,
            url: None,
        }
    }

    fn act(change: Change) -> TrackerAction {
        TrackerAction {
            ticket: 7,
            key: "ATLAS-7".into(),
            change,
        }
    }

    #[test]
    fn each_change_moves_the_ticket_and_records_its_history() {
        let now = Utc::now();
        let done = change(
            "demo",
            ticket(),
            &act(Change::Transition {
                status: "done".into(),
            }),
            1,
            now,
        )
        .expect("move");
        assert_eq!(done.ticket.status, DONE);
        assert_eq!(done.ticket.resolved, Some(now));
        assert_eq!(done.transitions[0].to.as_deref(), Some(DONE));

        let nobody = change("demo", ticket(), &act(Change::Unassign), 1, now).expect("unassign");
        assert_eq!(nobody.ticket.assignee, None);
        assert_eq!(facts(&nobody.ticket).assignee_login, None);

        let high = change(
            "demo",
            ticket(),
            &act(Change::SetPriority {
                priority: "High".into(),
            }),
            1,
            now,
        )
        .expect("priority");
        assert_eq!(facts(&high.ticket).priority, Priority::High);
        assert_eq!(high.ticket.updated, now);
    }

    #[test]
    fn a_ticket_may_move_to_any_other_status() {
        assert_eq!(moves(&ticket()), [TODO, IN_REVIEW, DONE]);
    }

    #[test]
    fn a_status_the_demo_does_not_have_is_refused() {
        let err = change(
            "demo",
            ticket(),
            &act(Change::Transition {
                status: "Limbo".into(),
            }),
            1,
            Utc::now(),
        )
        .expect_err("no such status");
        assert!(err.to_string().contains("it has To Do"), "{err}");
    }
}
