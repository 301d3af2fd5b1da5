use std::collections::HashMap;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::{ArchivedFlow, Member, Note, Project, Ticket, TimeEntry, Transition};

/// Everything the store holds, in memory: what the analysis and the UI work from.
///
/// Transitions are kept in store order (source, ticket, time), so each ticket's history is a
/// contiguous, chronological run; `histories` finds those runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portfolio {
    pub projects: Vec<Project>,
    pub members: Vec<Member>,
    pub tickets: Vec<Ticket>,
    pub transitions: Vec<Transition>,
    pub time_entries: Vec<TimeEntry>,
    pub notes: Vec<Note>,
    /// What tickets moved to archive files added to their projects' flow.
    pub archived: ArchivedFlow,
}

/// The change history of every ticket of a portfolio, found once per analysis.
#[derive(Debug, Clone)]
pub struct Histories<'a> {
    transitions: Cow<'a, [Transition]>,
    ranges: Vec<Range<usize>>,
}

impl Histories<'_> {
    /// The history of the ticket at position `i` in the portfolio's `tickets`.
    pub fn of(&self, i: usize) -> &[Transition] {
        self.ranges
            .get(i)
            .map(|r| &self.transitions[r.clone()])
            .unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

impl Portfolio {
    /// Each ticket's history (by position in `tickets`), oldest change first.
    ///
    /// A loaded store keeps both lists in (source, id) order, so one merge walk finds every
    /// history in place; any other order is sorted into a copy first.
    pub fn histories(&self) -> Histories<'_> {
        if let Some(ranges) = self.histories_in_order() {
            return Histories {
                transitions: Cow::Borrowed(&self.transitions),
                ranges,
            };
        }
        let mut sorted = self.transitions.clone();
        sorted.sort_by(|a, b| (&*a.source, a.ticket, a.at).cmp(&(&*b.source, b.ticket, b.at)));
        let mut index: HashMap<(&str, u64), Range<usize>> =
            HashMap::with_capacity(self.tickets.len());
        for (i, x) in sorted.iter().enumerate() {
            index
                .entry((&*x.source, x.ticket))
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        let ranges = self
            .tickets
            .iter()
            .map(|t| {
                index
                    .get(&(t.source.as_str(), t.id))
                    .cloned()
                    .unwrap_or(0..0)
            })
            .collect();
        Histories {
            transitions: Cow::Owned(sorted),
            ranges,
        }
    }

    /// The merge walk, source run by source run so the inner loops compare only ids; `None`
    /// as soon as either list turns out not to be in (source, id) order.
    fn histories_in_order(&self) -> Option<Vec<Range<usize>>> {
        let (ts, xs) = (&self.tickets, &self.transitions);
        // A loaded store shares one string per source, so the pointer check nearly always
        // answers without comparing text.
        let same = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || a == b;
        // Sources must never go backwards from one transition to the next.
        for w in xs.windows(2) {
            if !same(&w[0].source, &w[1].source) && w[0].source > w[1].source {
                return None;
            }
        }
        let mut out = Vec::with_capacity(ts.len());
        let (mut i, mut j) = (0, 0);
        let mut last_source: Option<&str> = None;
        while i < ts.len() {
            let source = ts[i].source.as_str();
            if last_source.is_some_and(|l| l >= source) {
                return None;
            }
            last_source = Some(source);
            let end = i + ts[i..]
                .iter()
                .position(|t| t.source != source)
                .unwrap_or(ts.len() - i);
            while j < xs.len() && &*xs[j].source < source {
                j += 1;
            }
            let x_start = j;
            while j < xs.len()
                && (j > x_start && same(&xs[j].source, &xs[j - 1].source)
                    || &*xs[j].source == source)
            {
                j += 1;
            }
            let run = &xs[x_start..j];
            if run.windows(2).any(|w| w[0].ticket > w[1].ticket) {
                return None;
            }
            let mut k = 0;
            let mut last_id = None;
            for t in &ts[i..end] {
                if last_id.is_some_and(|l| l >= t.id) {
                    return None;
                }
                last_id = Some(t.id);
                while k < run.len() && run[k].ticket < t.id {
                    k += 1;
                }
                let start = k;
                while k < run.len() && run[k].ticket == t.id {
                    k += 1;
                }
                out.push(x_start + start..x_start + k);
            }
            i = end;
        }
        Some(out)
    }

    /// Sets project target dates from `targets`, keyed `KEY` or `SOURCE/KEY` (the latter
    /// wins where both name a project).
    pub fn set_targets(&mut self, targets: &std::collections::BTreeMap<String, chrono::NaiveDate>) {
        for p in &mut self.projects {
            let qualified = format!("{}/{}", p.source, p.key);
            if let Some(d) = targets.get(&qualified).or_else(|| targets.get(&p.key)) {
                p.target = Some(*d);
            }
        }
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
        self.archived.retain_sources(keep);
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
        assert!(p.histories().is_empty(), "no tickets, no histories");
    }
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::domain::Field;
    use chrono::Utc;

    fn ticket(id: u64) -> Ticket {
        Ticket::stub(id, Utc::now())
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
        let ids =
            |h: &Histories<'_>, i: usize| h.of(i).iter().map(|x| x.ticket).collect::<Vec<_>>();
        let h = p.histories();
        assert_eq!(
            (ids(&h, 0), ids(&h, 1), ids(&h, 2)),
            (vec![1, 1], vec![], vec![5])
        );
        p.tickets.reverse();
        let h = p.histories();
        assert_eq!(
            (ids(&h, 0), ids(&h, 1), ids(&h, 2)),
            (vec![5], vec![], vec![1, 1])
        );
        // Interleaved changes are gathered per ticket, not spliced together.
        p.transitions = vec![change(5), change(1), change(5)];
        let h = p.histories();
        assert_eq!((ids(&h, 0), ids(&h, 2)), (vec![5, 5], vec![1]));
    }
}
