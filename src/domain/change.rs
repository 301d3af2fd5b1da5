//! The changes lookout can make in a tracker, typed so each connector maps them exactly, and
//! the facts a change is checked against before it is written and restored from on undo.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Priority, Ticket};

/// One change to one ticket, addressed by the tracker's own id (and key, for messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerAction {
    pub ticket: u64,
    pub key: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// `login` is a member's login as the source reports it (`Member::login`).
    Assign {
        login: String,
    },
    /// Leave the ticket with nobody assigned (what an undo of an assignment restores when
    /// the ticket had nobody before).
    Unassign,
    /// Move to the status of this name, through whatever the tracker's workflow allows.
    Transition {
        status: String,
    },
    /// The tracker's own priority name (as tickets show it).
    SetPriority {
        priority: String,
    },
    AddLabel {
        label: String,
    },
    Comment {
        body: String,
    },
}

impl fmt::Display for TrackerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = &self.key;
        match &self.change {
            Change::Assign { login } => write!(f, "assign {key} to {login}"),
            Change::Unassign => write!(f, "unassign {key}"),
            Change::Transition { status } => write!(f, "move {key} to {status:?}"),
            Change::SetPriority { priority } => write!(f, "set {key} to priority {priority}"),
            Change::AddLabel { label } => write!(f, "label {key} {label:?}"),
            Change::Comment { .. } => write!(f, "comment on {key}"),
        }
    }
}

/// The fields of a ticket a precondition checks, as the user saw them (names as tickets show
/// them: the assignee's display name, the normalised priority).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub status: String,
    pub assignee: Option<String>,
    pub priority: Priority,
}

impl Seen {
    pub fn of(t: &Ticket) -> Seen {
        Seen {
            status: t.status.to_string(),
            assignee: t.assignee.as_ref().map(|a| a.to_string()),
            priority: t.priority,
        }
    }

    /// What moved between what the user saw and `now`, a phrase each ("status is now Done,
    /// you saw In Progress"); empty when nothing did.
    pub fn moved(&self, now: &Facts) -> Vec<String> {
        let mut out = Vec::new();
        if self.status != now.status {
            out.push(format!(
                "status is now {:?}, you saw {:?}",
                now.status, self.status
            ));
        }
        if self.assignee != now.assignee {
            let name = |a: &Option<String>| a.clone().unwrap_or_else(|| "nobody".into());
            out.push(format!(
                "assignee is now {}, you saw {}",
                name(&now.assignee),
                name(&self.assignee)
            ));
        }
        if self.priority != now.priority {
            out.push(format!(
                "priority is now {}, you saw {}",
                now.priority.label(),
                self.priority.label()
            ));
        }
        out
    }
}

/// A ticket's writable fields as the tracker has them now: what a precondition is checked
/// against, and the pre-image an undo restores (so it carries the tracker's own login and
/// priority name, which a write needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub status: String,
    pub assignee: Option<String>,
    pub assignee_login: Option<String>,
    pub priority: Priority,
    pub priority_name: String,
}
