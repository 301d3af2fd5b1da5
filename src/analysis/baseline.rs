//! What "usual" means for a project: percentiles of its own completed cycle times and of its
//! completed stays in each status, with the portfolio's as a fallback where a project has too
//! little history.
//!
//! Built once per analysis over every ticket, so it avoids per-transition hashing (projects
//! and statuses become small integers) and keeps only the percentiles it is asked for,
//! found by selection rather than by sorting every sample.

use std::collections::HashMap;

use super::flow::{days, dwell_periods};
use crate::domain::{Field, Histories, Portfolio, StatusCategory, Transition};

/// The percentiles of one group of samples.
#[derive(Debug, Clone, PartialEq)]
struct Stats {
    count: usize,
    /// (level, inverted-CDF quantile) for each level asked for.
    levels: Vec<(f64, f64)>,
}

impl Stats {
    fn of(mut samples: Vec<f64>, levels: &[f64]) -> Stats {
        let n = samples.len();
        let mut sorted_levels = levels.to_vec();
        sorted_levels.sort_by(f64::total_cmp);
        let mut out = Vec::with_capacity(levels.len());
        // Ascending ranks: each selection only searches above the previous one.
        let mut floor = 0;
        for p in sorted_levels {
            if n == 0 {
                break;
            }
            let rank = ((p * n as f64 - 1e-9).ceil() as usize).clamp(1, n) - 1;
            let v = if rank >= floor {
                let (_, v, _) =
                    samples[floor..].select_nth_unstable_by(rank - floor, f64::total_cmp);
                floor = rank;
                *v
            } else {
                samples[floor]
            };
            out.push((p, v));
        }
        Stats {
            count: n,
            levels: out,
        }
    }
}

/// Percentiles and whether they are the project's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Yardstick<'a> {
    stats: &'a Stats,
    pub own: bool,
}

impl Yardstick<'_> {
    /// The percentile at `p`, if it was one of the levels the baselines were built for.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        self.stats
            .levels
            .iter()
            .find(|(l, _)| (l - p).abs() < 1e-9)
            .map(|(_, v)| *v)
    }

    pub fn samples(&self) -> usize {
        self.stats.count
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

/// FNV-1a: the keys here are short project and source names, where SipHash's DoS resistance
/// buys nothing and costs most of the lookup.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

#[derive(Debug, Default)]
pub struct Baselines<'a> {
    projects: HashMap<(&'a str, &'a str), usize, FnvBuild>,
    /// Status names by index: a portfolio has a handful, so a scan beats hashing.
    statuses: Vec<&'a str>,
    /// [project][status]
    dwell: Vec<Vec<Option<Stats>>>,
    dwell_all: Vec<Option<Stats>>,
    cycle: Vec<Option<Stats>>,
    cycle_all: Option<Stats>,
    /// Status names that count as done somewhere in the portfolio (for reopen detection).
    pub done_statuses: Vec<&'a str>,
    min_samples: usize,
}

impl<'a> Baselines<'a> {
    /// `histories` is `Portfolio::histories()`; `levels` the percentiles callers will ask for.
    pub fn build(
        p: &'a Portfolio,
        histories: &'a Histories<'_>,
        min_samples: usize,
        levels: &[f64],
    ) -> Baselines<'a> {
        let mut b = Baselines {
            min_samples,
            ..Baselines::default()
        };
        let mut dwell: Vec<Vec<Vec<f64>>> = Vec::new();
        let mut cycle: Vec<Vec<f64>> = Vec::new();
        for (i, t) in p.tickets.iter().enumerate() {
            if t.category == StatusCategory::Done && !b.done_statuses.contains(&t.status.as_str()) {
                b.done_statuses.push(t.status.as_str());
            }
            let next = b.projects.len();
            let project = *b
                .projects
                .entry((t.source.as_str(), t.project.as_str()))
                .or_insert(next);
            if project == dwell.len() {
                dwell.push(Vec::new());
                cycle.push(Vec::new());
            }
            if t.delivered()
                && let (Some(s), Some(r)) = (t.started, t.resolved)
                && r >= s
            {
                cycle[project].push(days(r - s));
            }
            for (status, d) in dwell_periods(histories.of(i)) {
                // Loaded statuses are shared strings, so the pointer check nearly always hits.
                let status = match b
                    .statuses
                    .iter()
                    .position(|s| std::ptr::eq(*s, status) || *s == status)
                {
                    Some(i) => i,
                    None => {
                        b.statuses.push(status);
                        b.statuses.len() - 1
                    }
                };
                let row = &mut dwell[project];
                if row.len() <= status {
                    row.resize_with(status + 1, Vec::new);
                }
                row[status].push(d);
            }
        }
        let statuses = b.statuses.len();
        let mut all: Vec<Vec<f64>> = vec![Vec::new(); statuses];
        for row in &dwell {
            for (s, v) in row.iter().enumerate() {
                all[s].extend_from_slice(v);
            }
        }
        let cycle_all: Vec<f64> = cycle.iter().flatten().copied().collect();
        let stats = |v: Vec<f64>| (!v.is_empty()).then(|| Stats::of(v, levels));
        b.dwell = dwell
            .into_iter()
            .map(|row| row.into_iter().map(stats).collect())
            .collect();
        b.dwell_all = all.into_iter().map(stats).collect();
        b.cycle = cycle.into_iter().map(stats).collect();
        b.cycle_all = stats(cycle_all);
        b
    }

    fn pick<'s>(&'s self, own: Option<&'s Stats>, all: Option<&'s Stats>) -> Option<Yardstick<'s>> {
        match own {
            Some(s) if s.count >= self.min_samples => Some(Yardstick {
                stats: s,
                own: true,
            }),
            _ => all.map(|s| Yardstick {
                stats: s,
                own: false,
            }),
        }
    }

    /// Completed stays in `status` for the project (or the portfolio).
    pub fn dwell(&self, source: &str, project: &str, status: &str) -> Option<Yardstick<'_>> {
        let s = self.statuses.iter().position(|x| *x == status)?;
        let own = self
            .projects
            .get(&(source, project))
            .and_then(|&p| self.dwell.get(p)?.get(s)?.as_ref());
        self.pick(own, self.dwell_all.get(s).and_then(Option::as_ref))
    }

    /// Cycle times (start to delivery) for the project (or the portfolio).
    pub fn cycle(&self, source: &str, project: &str) -> Option<Yardstick<'_>> {
        let own = self
            .projects
            .get(&(source, project))
            .and_then(|&p| self.cycle.get(p)?.as_ref());
        self.pick(own, self.cycle_all.as_ref())
    }

    /// Times a history went from a done status back to work.
    pub fn reopenings(&self, history: &[Transition]) -> usize {
        history
            .iter()
            .filter(|t| t.field == Field::Status)
            .filter(|t| {
                t.from
                    .as_deref()
                    .is_some_and(|f| self.done_statuses.contains(&f))
                    && !t
                        .to
                        .as_deref()
                        .is_some_and(|to| self.done_statuses.contains(&to))
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::Stats;
    use crate::analysis::quantile::of;

    #[test]
    fn selected_percentiles_match_the_sorted_convention() {
        let xs: Vec<f64> = (0..101).map(|i| ((i * 37) % 101) as f64).collect();
        let s = Stats::of(xs.clone(), &[0.5, 0.7, 0.85]);
        for (p, v) in s.levels {
            assert_eq!(Some(v), of(&xs, p), "P{p}");
        }
        assert!(Stats::of(Vec::new(), &[0.5]).levels.is_empty());
    }
}
