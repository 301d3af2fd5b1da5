//! What "usual" means for a project: the percentiles of its own completed cycle times and of
//! its completed stays in each status, with the portfolio's as a fallback where a project has
//! too little history.

use std::collections::{HashMap, HashSet};

use super::flow::{days, dwell_periods};
use super::quantile::inverted_cdf;
use crate::domain::{Portfolio, StatusCategory, Transition};

/// Sorted samples and whether they are the project's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Yardstick<'a> {
    pub samples: &'a [f64],
    pub own: bool,
}

impl Yardstick<'_> {
    pub fn quantile(&self, p: f64) -> Option<f64> {
        inverted_cdf(self.samples, p)
    }

    /// How the reason names where the percentile came from.
    pub fn basis(&self) -> &'static str {
        if self.own {
            "here"
        } else {
            "across the portfolio (too little history here)"
        }
    }
}

type ProjectKey<'a> = (&'a str, &'a str);

#[derive(Debug, Default)]
pub struct Baselines<'a> {
    dwell: HashMap<(&'a str, &'a str, &'a str), Vec<f64>>,
    dwell_all: HashMap<&'a str, Vec<f64>>,
    cycle: HashMap<ProjectKey<'a>, Vec<f64>>,
    cycle_all: Vec<f64>,
    /// Status names that count as done somewhere in the portfolio (for reopen detection).
    pub done_statuses: HashSet<&'a str>,
    min_samples: usize,
}

impl<'a> Baselines<'a> {
    pub fn build(
        p: &'a Portfolio,
        index: &HashMap<(&'a str, u64), std::ops::Range<usize>>,
        min_samples: usize,
    ) -> Baselines<'a> {
        let mut b = Baselines {
            min_samples,
            ..Baselines::default()
        };
        for t in &p.tickets {
            if t.category == StatusCategory::Done {
                b.done_statuses.insert(t.status.as_str());
            }
            let project = (t.source.as_str(), t.project.as_str());
            if t.delivered()
                && let (Some(s), Some(r)) = (t.started, t.resolved)
                && r >= s
            {
                let d = days(r - s);
                b.cycle.entry(project).or_default().push(d);
                b.cycle_all.push(d);
            }
            let Some(range) = index.get(&(t.source.as_str(), t.id)) else {
                continue;
            };
            for (status, d) in dwell_periods(&p.transitions[range.clone()]) {
                b.dwell
                    .entry((project.0, project.1, status))
                    .or_default()
                    .push(d);
                b.dwell_all.entry(status).or_default().push(d);
            }
        }
        for v in b
            .dwell
            .values_mut()
            .chain(b.dwell_all.values_mut())
            .chain(b.cycle.values_mut())
        {
            v.sort_by(f64::total_cmp);
        }
        b.cycle_all.sort_by(f64::total_cmp);
        b
    }

    fn pick<'s>(
        &'s self,
        own: Option<&'s Vec<f64>>,
        all: Option<&'s Vec<f64>>,
    ) -> Option<Yardstick<'s>> {
        match own {
            Some(v) if v.len() >= self.min_samples => Some(Yardstick {
                samples: v,
                own: true,
            }),
            _ => all.filter(|v| !v.is_empty()).map(|v| Yardstick {
                samples: v,
                own: false,
            }),
        }
    }

    /// Completed stays in `status` for the project (or the portfolio).
    pub fn dwell(
        &self,
        source: &'a str,
        project: &'a str,
        status: &'a str,
    ) -> Option<Yardstick<'_>> {
        self.pick(
            self.dwell.get(&(source, project, status)),
            self.dwell_all.get(status),
        )
    }

    /// Cycle times (start to delivery) for the project (or the portfolio).
    pub fn cycle(&self, source: &'a str, project: &'a str) -> Option<Yardstick<'_>> {
        self.pick(self.cycle.get(&(source, project)), Some(&self.cycle_all))
    }

    /// Times a history went from a done status back to work.
    pub fn reopenings(&self, history: &[Transition]) -> usize {
        history
            .iter()
            .filter(|t| t.field == crate::domain::Field::Status)
            .filter(|t| {
                t.from
                    .as_deref()
                    .is_some_and(|f| self.done_statuses.contains(f))
                    && !t
                        .to
                        .as_deref()
                        .is_some_and(|to| self.done_statuses.contains(to))
            })
            .count()
    }
}
