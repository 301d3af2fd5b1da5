//! The changes lookout can make in a tracker, typed so each connector maps them exactly.

use std::fmt;

/// One change to one ticket, addressed by the tracker's own id (and key, for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerAction {
    pub ticket: u64,
    pub key: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `login` is a member's login as the source reports it (`Member::login`).
    Assign {
        login: String,
    },
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
            Change::Transition { status } => write!(f, "move {key} to {status:?}"),
            Change::SetPriority { priority } => write!(f, "set {key} to priority {priority}"),
            Change::AddLabel { label } => write!(f, "label {key} {label:?}"),
            Change::Comment { .. } => write!(f, "comment on {key}"),
        }
    }
}
