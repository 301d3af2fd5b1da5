//! Stalled work: tickets in progress that stopped moving, judged against the project's own
//! history.
//!
//! Five signals, each with its numbers in the reason: time in the current status against the
//! project's completed stays in that status, work item age against its cycle times (both warn
//! above P70 and flag above P85), no activity at all (no change, note or time logged), a
//! blocked or waiting status, and reopen loops. A project with too little history borrows the
//! portfolio's percentiles and says so.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::baseline::Baselines;
use super::flow::{days, status_since};
pub use super::stall_signal::{Measure, Reading};
use super::stall_signal::{Signal, against};
use crate::domain::{Evidence, Histories, Portfolio, Signal as Sign, StatusCategory, Unit};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StallPolicy {
    pub warn_quantile: f64,
    pub flag_quantile: f64,
    /// Completed samples a project needs before its own percentiles are trusted.
    pub min_samples: usize,
    /// Nothing under this many days counts as stalled, whatever the percentiles.
    pub min_days: f64,
    /// Days without any activity before silence itself is a signal.
    pub quiet_days: f64,
}

impl Default for StallPolicy {
    fn default() -> Self {
        StallPolicy {
            warn_quantile: 0.70,
            flag_quantile: 0.85,
            min_samples: 8,
            min_days: 1.0,
            quiet_days: 14.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Warn,
    Flag,
}

/// Short fields as on `Ticket`: a large portfolio stalls by the tens of thousands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StalledTicket {
    pub source: CompactString,
    pub id: u64,
    pub project: CompactString,
    pub key: CompactString,
    pub title: String,
    pub status: CompactString,
    pub assignee: Option<CompactString>,
    pub in_status_days: f64,
    /// How far past its threshold the worst signal is (1.0 = at the threshold).
    pub ratio: f64,
    pub severity: Severity,
    /// Every signal that fired, worst first, with its numbers: made from its evidence.
    pub reason: String,
    /// Every signal that fired, worst first, as typed values. Time in status and age carry
    /// the flag percentile (P85) as their baseline, silence the quiet limit, reopenings the
    /// count that first raises them (2); a blocked status has none.
    /// (Read them as `domain::Evidence` with `evidence()`.)
    #[serde(default)]
    pub readings: Box<[Reading]>,
}

impl StalledTicket {
    /// Every signal that fired, worst first, as typed evidence.
    pub fn evidence(&self) -> Vec<Evidence> {
        self.readings
            .iter()
            .map(|r| r.evidence(&self.status))
            .collect()
    }

    /// The first reading of `measure`, as evidence.
    pub fn evidence_of(&self, measure: Measure) -> Option<Evidence> {
        self.readings
            .iter()
            .find(|r| r.measure == measure)
            .map(|r| r.evidence(&self.status))
    }
}

pub use crate::domain::dates::format_days;

/// A status name that means the work is waiting on something outside the team. Waiting has
/// no category of its own (the store keeps to do, in progress and done), so it is known by
/// name: "Awaiting Customer", "Wait for Vendor" and "Pending Approval" as much as "Blocked".
pub fn is_blocked_status(status: &str) -> bool {
    let s = status.to_ascii_lowercase();
    ["block", "on hold", "wait", "pending", "impeded", "paused"]
        .iter()
        .any(|w| s.contains(w))
}

/// The percentile levels stall detection and health ask the baselines for.
pub fn levels(policy: &StallPolicy) -> [f64; 4] {
    [0.5, policy.warn_quantile, policy.flag_quantile, 0.85]
}

/// Every in-progress ticket past a threshold, most severe first.
pub fn find_stalled(p: &Portfolio, now: DateTime<Utc>, policy: &StallPolicy) -> Vec<StalledTicket> {
    let histories = p.histories();
    let baselines = Baselines::build(p, &histories, policy.min_samples, &levels(policy));
    stalled_with(p, &histories, &baselines, now, policy)
}

/// `find_stalled` with histories and baselines the caller already built.
pub fn stalled_with(
    p: &Portfolio,
    histories: &Histories<'_>,
    baselines: &Baselines<'_>,
    now: DateTime<Utc>,
    policy: &StallPolicy,
) -> Vec<StalledTicket> {
    let mut last_touch: HashMap<(&str, u64), DateTime<Utc>> = HashMap::new();
    for (key, at) in p
        .notes
        .iter()
        .map(|n| ((n.source.as_str(), n.ticket), n.at))
        .chain(
            p.time_entries
                .iter()
                .map(|e| ((e.source.as_str(), e.ticket), e.at)),
        )
    {
        let slot = last_touch.entry(key).or_insert(at);
        *slot = (*slot).max(at);
    }

    let mut out = Vec::new();
    for (i, t) in p.tickets.iter().enumerate() {
        if t.category != StatusCategory::InProgress {
            continue;
        }
        let history = histories.of(i);
        let since = status_since(t, history);
        let in_status = days(now - since);
        let mut signals: Vec<Signal> = Vec::new();
        let dwell = baselines.dwell(&t.source, &t.project, &t.status);
        let in_status_signal = Sign::InStatus {
            status: t.status.to_string(),
        };
        signals.extend(against(in_status, dwell, policy, in_status_signal));
        if let Some(started) = t.started {
            let cycle = baselines.cycle(&t.source, &t.project);
            signals.extend(against(days(now - started), cycle, policy, Sign::Age));
        }
        let touched = [
            history.last().map(|h| h.at),
            last_touch.get(&(t.source.as_str(), t.id)).copied(),
        ]
        .into_iter()
        .flatten()
        .fold(t.created, DateTime::max);
        let quiet = days(now - touched);
        if quiet >= policy.quiet_days {
            let flag = dwell
                .and_then(|d| d.quantile(policy.flag_quantile))
                .unwrap_or(policy.quiet_days)
                .max(policy.quiet_days);
            signals.push(Signal {
                severity: if quiet > flag {
                    Severity::Flag
                } else {
                    Severity::Warn
                },
                ratio: quiet / policy.quiet_days,
                evidence: Evidence {
                    signal: Sign::Inactive,
                    value: quiet,
                    baseline: Some(policy.quiet_days),
                    unit: Unit::Days,
                },
                crossed: None,
            });
        }
        if is_blocked_status(&t.status) && in_status >= policy.min_days {
            signals.push(Signal {
                severity: if in_status >= 3.0 * policy.min_days.max(1.0) {
                    Severity::Flag
                } else {
                    Severity::Warn
                },
                ratio: in_status,
                evidence: Evidence {
                    signal: Sign::Blocked {
                        status: t.status.to_string(),
                    },
                    value: in_status,
                    baseline: None,
                    unit: Unit::Days,
                },
                crossed: None,
            });
        }
        let reopened = baselines.reopenings(history);
        if reopened >= 2 {
            signals.push(Signal {
                severity: if reopened >= 3 {
                    Severity::Flag
                } else {
                    Severity::Warn
                },
                ratio: reopened as f64 / 2.0,
                evidence: Evidence {
                    signal: Sign::Reopened,
                    value: reopened as f64,
                    baseline: Some(2.0),
                    unit: Unit::Count,
                },
                crossed: None,
            });
        }
        if signals.is_empty() {
            continue;
        }
        signals.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.ratio.total_cmp(&a.ratio))
        });
        out.push(StalledTicket {
            source: t.source.clone(),
            id: t.id,
            project: t.project.clone(),
            key: t.key.clone(),
            title: t.title.clone(),
            status: t.status.clone(),
            assignee: t.assignee.clone(),
            in_status_days: in_status,
            ratio: signals[0].ratio,
            severity: signals[0].severity,
            reason: signals
                .iter()
                .map(Signal::text)
                .collect::<Vec<_>>()
                .join("; "),
            readings: signals
                .iter()
                .filter_map(|s| Reading::of(&s.evidence))
                .collect(),
        });
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.ratio.total_cmp(&a.ratio))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, Note, Ticket, Transition};
    use chrono::{Duration, TimeZone};

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid")
            + Duration::days(day)
    }

    fn ticket(
        id: u64,
        project: &str,
        status: &str,
        category: StatusCategory,
        started: Option<i64>,
        resolved: Option<i64>,
    ) -> Ticket {
        Ticket {
            project: project.into(),
            key: compact_str::format_compact!("{project}-{id}"),
            status: status.into(),
            category,
            started: started.map(at),
            resolved: resolved.map(at),
            ..Ticket::stub(id, at(0))
        }
    }

    fn moved(id: u64, day: i64, from: &str, to: &str) -> Transition {
        Transition {
            source: "s".into(),
            ticket: id,
            at: at(day),
            field: Field::Status,
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    /// `n` finished tickets in project P that each spent one day in review and four in progress.
    fn history(n: u64, project: &str) -> Portfolio {
        let mut p = Portfolio::default();
        for id in 1..=n {
            let base = id as i64;
            p.tickets.push(ticket(
                id,
                project,
                "Done",
                StatusCategory::Done,
                Some(base),
                Some(base + 5),
            ));
            p.transitions.push(moved(id, base, "To Do", "In Progress"));
            p.transitions
                .push(moved(id, base + 4, "In Progress", "In Review"));
            p.transitions.push(moved(id, base + 5, "In Review", "Done"));
        }
        p
    }

    fn add(p: &mut Portfolio, t: Ticket, moves: Vec<Transition>) {
        p.tickets.push(t);
        p.transitions.extend(moves);
    }

    #[test]
    fn nothing_in_progress_nothing_stalled() {
        assert!(find_stalled(&Portfolio::default(), at(10), &StallPolicy::default()).is_empty());
        assert!(find_stalled(&history(20, "P"), at(60), &StallPolicy::default()).is_empty());
    }

    /// Twenty delivered tickets of `P`, and one in review since day 41.
    fn in_review_since_day_41() -> Portfolio {
        let mut p = history(20, "P");
        add(
            &mut p,
            ticket(
                100,
                "P",
                "In Review",
                StatusCategory::InProgress,
                Some(40),
                None,
            ),
            vec![
                moved(100, 40, "To Do", "In Progress"),
                moved(100, 41, "In Progress", "In Review"),
            ],
        );
        p
    }

    #[test]
    fn long_review_is_flagged_with_its_numbers() {
        let p = in_review_since_day_41();
        let s = find_stalled(&p, at(46), &StallPolicy::default());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].severity, Severity::Flag);
        assert!(
            s[0].reason
                .starts_with("In Review 5d; P85 of In Review here: 1d"),
            "{}",
            s[0].reason
        );
        assert!(
            s[0].reason
                .contains("in progress 6d; P85 of cycle time here: 5d"),
            "{}",
            s[0].reason
        );
    }

    #[test]
    fn the_reason_is_read_from_typed_evidence() {
        let p = in_review_since_day_41();
        let s = find_stalled(&p, at(46), &StallPolicy::default());
        let e = &s[0].evidence();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            e[0].signal,
            Sign::InStatus {
                status: "In Review".into()
            }
        );
        assert_eq!((e[0].value, e[0].baseline), (5.0, Some(1.0)));
        assert_eq!(
            (&e[1].signal, e[1].value, e[1].baseline),
            (&Sign::Age, 6.0, Some(5.0))
        );
        assert_eq!(e[0].unit, Unit::Days);
    }

    #[test]
    fn a_project_with_little_history_borrows_the_portfolios() {
        let mut p = history(20, "BIG");
        add(
            &mut p,
            ticket(
                100,
                "NEW",
                "In Review",
                StatusCategory::InProgress,
                Some(40),
                None,
            ),
            vec![
                moved(100, 40, "To Do", "In Progress"),
                moved(100, 41, "In Progress", "In Review"),
            ],
        );
        let s = find_stalled(&p, at(46), &StallPolicy::default());
        assert!(
            s[0].reason
                .contains("across the portfolio (too little history here)"),
            "{}",
            s[0].reason
        );
    }

    #[test]
    fn blocked_quiet_and_reopened_tickets_say_so() {
        let mut p = history(20, "P");
        add(
            &mut p,
            ticket(
                200,
                "P",
                "Blocked",
                StatusCategory::InProgress,
                Some(60),
                None,
            ),
            vec![
                moved(200, 60, "To Do", "In Progress"),
                moved(200, 61, "In Progress", "Blocked"),
            ],
        );
        add(
            &mut p,
            ticket(
                201,
                "P",
                "In Progress",
                StatusCategory::InProgress,
                Some(30),
                None,
            ),
            vec![
                moved(201, 30, "To Do", "In Progress"),
                moved(201, 32, "In Progress", "Done"),
                moved(201, 33, "Done", "In Progress"),
                moved(201, 35, "In Progress", "Done"),
                moved(201, 36, "Done", "In Progress"),
                moved(201, 38, "In Progress", "Done"),
                moved(201, 39, "Done", "In Progress"),
            ],
        );
        let s = find_stalled(&p, at(65), &StallPolicy::default());
        let reason = |id| {
            s.iter()
                .find(|x| x.id == id)
                .map(|x| x.reason.clone())
                .unwrap_or_default()
        };
        assert!(
            reason(200).contains("blocked (Blocked) for 4d"),
            "{}",
            reason(200)
        );
        assert!(reason(201).contains("reopened 3 times"), "{}", reason(201));
        assert!(
            reason(201).contains("no change, note or time logged for 26d"),
            "{}",
            reason(201)
        );
    }

    #[test]
    fn a_recent_note_is_activity() {
        let mut p = history(20, "P");
        add(
            &mut p,
            ticket(
                300,
                "P",
                "In Progress",
                StatusCategory::InProgress,
                Some(40),
                None,
            ),
            vec![moved(300, 40, "To Do", "In Progress")],
        );
        p.notes.push(Note {
            source: "s".into(),
            ticket: 300,
            id: 1,
            at: at(59),
            author: "a".into(),
            body: String::new(),
        });
        let s = find_stalled(&p, at(60), &StallPolicy::default());
        assert!(!s[0].reason.contains("no change"), "{}", s[0].reason);
    }

    #[test]
    fn worst_first() {
        let mut p = history(20, "P");
        for (id, start) in [(400, 50), (401, 30)] {
            add(
                &mut p,
                ticket(
                    id,
                    "P",
                    "In Review",
                    StatusCategory::InProgress,
                    Some(start),
                    None,
                ),
                vec![
                    moved(id, start, "To Do", "In Progress"),
                    moved(id, start + 1, "In Progress", "In Review"),
                ],
            );
        }
        let s = find_stalled(&p, at(60), &StallPolicy::default());
        assert_eq!(s.iter().map(|x| x.id).collect::<Vec<_>>(), vec![401, 400]);
    }
}
