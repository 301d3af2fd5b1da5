use std::collections::HashMap;

use super::{Member, Note, Project, Ticket, TimeEntry, Transition};

/// Everything the store holds, in memory: what the analysis and the UI work from.
///
/// Transitions are kept in store order (source, ticket, time), so each ticket's history is a
/// contiguous, chronological run; `history` indexes those runs.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    pub projects: Vec<Project>,
    pub members: Vec<Member>,
    pub tickets: Vec<Ticket>,
    pub transitions: Vec<Transition>,
    pub time_entries: Vec<TimeEntry>,
    pub notes: Vec<Note>,
}

impl Portfolio {
    /// For each ticket, keyed by (source, id), the range of `transitions` that holds its
    /// history.
    pub fn history_index(&self) -> HashMap<(&str, u64), std::ops::Range<usize>> {
        let mut index: HashMap<(&str, u64), std::ops::Range<usize>> =
            HashMap::with_capacity(self.tickets.len());
        for (i, t) in self.transitions.iter().enumerate() {
            index
                .entry((&*t.source, t.ticket))
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        index
    }
}
