use chrono::{DateTime, Utc};

use super::{Member, Note, Portfolio, Project, Ticket, TimeEntry, Transition};

/// Everything one sync of one source wants written, plus the cursor that becomes valid once
/// it is durable. The store writes a change set all-or-nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    pub source: String,
    pub projects: Vec<Project>,
    pub members: Vec<Member>,
    pub tickets: Vec<Ticket>,
    pub transitions: Vec<Transition>,
    pub time_entries: Vec<TimeEntry>,
    pub notes: Vec<Note>,
    /// Opaque, source-defined position to resume from next time.
    pub cursor: Option<String>,
    /// What the source could not use (bad rows and the like), for the user; never stored.
    pub warnings: Vec<String>,
    /// What stays true of the source as a whole until it says otherwise (a file's skipped
    /// rows): when set, the store keeps these under the source, replacing the last ones, and
    /// every sync reports them, also when nothing changed.
    pub standing_warnings: Option<Vec<String>>,
    /// The source has more to send: store this batch (and its cursor), then fetch again.
    /// Long first syncs come in batches so a kill loses at most one batch of work.
    pub more: bool,
    /// Every ticket id the tracker still has, when this fetch checked for deletions.
    pub sweep: Option<Sweep>,
    /// Each ticket sent comes with its whole history (a file export, not a changelog): the
    /// store replaces the history it holds instead of adding to it.
    pub whole_histories: bool,
}

/// The result of a deletion sweep: the store marks the source's other tickets as deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    pub present: Vec<u64>,
    pub at: DateTime<Utc>,
}

impl ChangeSet {
    pub fn new(source: impl Into<String>) -> Self {
        ChangeSet {
            source: source.into(),
            ..ChangeSet::default()
        }
    }

    /// How many records this change set touches, for status lines and logs.
    pub fn len(&self) -> usize {
        self.projects.len()
            + self.members.len()
            + self.tickets.len()
            + self.transitions.len()
            + self.time_entries.len()
            + self.notes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<ChangeSet> for Portfolio {
    /// The portfolio a store would hold after writing only this change set.
    fn from(c: ChangeSet) -> Portfolio {
        Portfolio {
            projects: c.projects,
            members: c.members,
            tickets: c.tickets,
            transitions: c.transitions,
            time_entries: c.time_entries,
            notes: c.notes,
            archived: Default::default(),
        }
    }
}
