//! Work in progress per person: who holds how much open, in-progress work, in each project
//! and across a source, and the median a project's people hold.
//!
//! Pure counting over tickets; the rule advisor reads it to offer stalled work to people with
//! less of it and to notice one person holding far more than the rest.

use std::collections::HashMap;

use super::baseline::FnvBuild;
use crate::domain::{Portfolio, StatusCategory, Ticket};

/// In-progress tickets per assignee (as tickets name them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workload<'a> {
    /// (source, project, assignee) -> open in-progress tickets.
    pub by_project: HashMap<(&'a str, &'a str, &'a str), usize, FnvBuild>,
    /// (source, assignee) -> open in-progress tickets in every project of the source: a
    /// person's load does not stop at a project's edge.
    pub by_source: HashMap<(&'a str, &'a str), usize, FnvBuild>,
}

impl<'a> Workload<'a> {
    pub fn of(p: &'a Portfolio) -> Workload<'a> {
        let mut w = Workload::default();
        p.tickets.iter().for_each(|t| w.count(t));
        w
    }

    /// Counts one ticket, for callers already walking the tickets for something else (a
    /// large portfolio is read from memory once instead of twice).
    pub fn count(&mut self, t: &'a Ticket) {
        if t.category != StatusCategory::InProgress {
            return;
        }
        let Some(who) = t.assignee.as_deref() else {
            return;
        };
        *self
            .by_project
            .entry((t.source.as_str(), t.project.as_str(), who))
            .or_default() += 1;
        *self.by_source.entry((t.source.as_str(), who)).or_default() += 1;
    }

    /// Open in-progress tickets `who` holds across `source`.
    pub fn of_person(&self, source: &str, who: &str) -> usize {
        self.by_source.get(&(source, who)).copied().unwrap_or(0)
    }

    /// How much each person holding in-progress work in `source` holds, in no set order.
    pub fn in_source(&self, source: &str) -> Vec<usize> {
        self.by_source
            .iter()
            .filter(|((s, _), _)| *s == source)
            .map(|(_, n)| *n)
            .collect()
    }

    /// Each person holding in-progress work in the project, with how much, most first (ties
    /// by name, so the order is stable).
    pub fn in_project(&self, source: &str, project: &str) -> Vec<(&'a str, usize)> {
        let mut out: Vec<(&'a str, usize)> = self
            .by_project
            .iter()
            .filter(|((s, p, _), _)| *s == source && *p == project)
            .map(|((_, _, who), n)| (*who, *n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        out
    }
}

/// The median of counts (the mean of the middle two for an even number); `None` when empty.
pub fn median(counts: &[usize]) -> Option<f64> {
    let mut v = counts.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn working(id: u64, project: &str, who: Option<&str>, category: StatusCategory) -> Ticket {
        Ticket {
            project: project.into(),
            assignee: who.map(Into::into),
            category,
            ..Ticket::stub(id, Utc::now())
        }
    }

    #[test]
    fn counts_in_progress_work_per_person_and_project() {
        let p = Portfolio {
            tickets: vec![
                working(1, "A", Some("ann"), StatusCategory::InProgress),
                working(2, "A", Some("ann"), StatusCategory::InProgress),
                working(3, "B", Some("ann"), StatusCategory::InProgress),
                working(4, "A", Some("bob"), StatusCategory::InProgress),
                working(5, "A", Some("bob"), StatusCategory::Done),
                working(6, "A", Some("cy"), StatusCategory::Todo),
                working(7, "A", None, StatusCategory::InProgress),
            ],
            ..Portfolio::default()
        };
        let w = Workload::of(&p);
        assert_eq!(w.in_project("s", "A"), vec![("ann", 2), ("bob", 1)]);
        assert_eq!((w.of_person("s", "ann"), w.of_person("s", "cy")), (3, 0));
        let mut all = w.in_source("s");
        all.sort_unstable();
        assert_eq!(all, vec![1, 3]);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[9, 1, 2]), Some(2.0));
        assert_eq!(median(&[9, 1, 2, 4]), Some(3.0));
    }
}
