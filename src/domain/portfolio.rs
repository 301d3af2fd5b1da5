use std::collections::HashMap;

use std::ops::Range;

use super::{Member, Note, Project, Ticket, TimeEntry, Transition};

/// Everything the store holds, in memory: what the analysis and the UI work from.
///
/// Transitions are kept in store order (source, ticket, time), so each ticket's history is a
/// contiguous, chronological run; `histories` finds those runs.
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
    /// For each ticket (by position in `tickets`), the range of `transitions` that holds its
    /// history; empty when it has none.
    ///
    /// A loaded store keeps both lists in (source, id) order, so a single merge walk finds
    /// every range; any other order falls back to a hash map.
    pub fn histories(&self) -> Vec<Range<usize>> {
        fn key_t(t: &Ticket) -> (&str, u64) {
            (t.source.as_str(), t.id)
        }
        fn key_x(x: &Transition) -> (&str, u64) {
            (&x.source, x.ticket)
        }
        let sorted = self.tickets.windows(2).all(|w| key_t(&w[0]) < key_t(&w[1]))
            && self
                .transitions
                .windows(2)
                .all(|w| key_x(&w[0]) <= key_x(&w[1]));
        if sorted {
            let mut out = Vec::with_capacity(self.tickets.len());
            let mut at = 0;
            for t in &self.tickets {
                let key = key_t(t);
                while at < self.transitions.len() && key_x(&self.transitions[at]) < key {
                    at += 1;
                }
                let start = at;
                while at < self.transitions.len() && key_x(&self.transitions[at]) == key {
                    at += 1;
                }
                out.push(start..at);
            }
            return out;
        }
        let mut index: HashMap<(&str, u64), Range<usize>> =
            HashMap::with_capacity(self.tickets.len());
        for (i, x) in self.transitions.iter().enumerate() {
            index
                .entry(key_x(x))
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        self.tickets
            .iter()
            .map(|t| index.get(&key_t(t)).cloned().unwrap_or(0..0))
            .collect()
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
        assert_eq!(
            p.histories(),
            Vec::<Range<usize>>::new(),
            "no tickets, no histories"
        );
    }
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::domain::{Field, Priority, StatusCategory};
    use chrono::Utc;

    fn ticket(id: u64) -> Ticket {
        Ticket {
            source: "s".into(),
            id,
            project: "P".into(),
            key: format!("P-{id}"),
            title: String::new(),
            status: "To Do".into(),
            category: StatusCategory::Todo,
            assignee: None,
            priority: Priority::Medium,
            estimate: None,
            labels: vec![],
            created: Utc::now(),
            updated: Utc::now(),
            started: None,
            resolved: None,
            resolution: None,
            url: None,
        }
    }

    fn change(id: u64) -> Transition {
        Transition {
            source: "s".into(),
            ticket: id,
            at: Utc::now(),
            field: Field::Status,
            from: None,
            to: None,
        }
    }

    #[test]
    fn sorted_and_unsorted_portfolios_find_the_same_histories() {
        let mut p = Portfolio {
            tickets: vec![ticket(1), ticket(2), ticket(5)],
            transitions: vec![change(1), change(1), change(4), change(5)],
            ..Portfolio::default()
        };
        assert_eq!(p.histories(), vec![0..2, 2..2, 3..4]);
        p.tickets.reverse();
        assert_eq!(p.histories(), vec![3..4, 0..0, 0..2]);
    }
}
