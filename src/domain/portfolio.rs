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

    /// Keeps only what came from `sources`: a source removed from the config (the demo, once
    /// a real tracker is set up) stays in the store but leaves the screen.
    pub fn retain_sources(&mut self, sources: &[String]) {
        let keep = |s: &str| sources.iter().any(|n| n == s);
        self.projects.retain(|x| keep(&x.source));
        self.members.retain(|x| keep(&x.source));
        self.tickets.retain(|x| keep(&x.source));
        self.transitions.retain(|x| keep(&x.source));
        self.time_entries.retain(|x| keep(&x.source));
        self.notes.retain(|x| keep(&x.source));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Project, Transition};
    use chrono::Utc;

    #[test]
    fn retain_sources_drops_unconfigured_sources() {
        let project = |source: &str| Project {
            source: source.into(),
            key: "P".into(),
            name: "P".into(),
            description: String::new(),
            created: Utc::now(),
            url: None,
            target: None,
        };
        let change = |source: &str| Transition {
            source: source.into(),
            ticket: 1,
            at: Utc::now(),
            field: crate::domain::Field::Status,
            from: None,
            to: None,
        };
        let mut p = Portfolio {
            projects: vec![project("demo"), project("ops")],
            transitions: vec![change("demo"), change("ops")],
            ..Portfolio::default()
        };
        p.retain_sources(&["ops".to_string()]);
        assert_eq!(p.projects.len(), 1);
        assert_eq!(p.projects[0].source, "ops");
        assert_eq!(&*p.transitions[0].source, "ops");
        assert_eq!(p.history_index().len(), 1);
    }
}
