//! Who holds the work: the rules about people's work in progress.
//!
//! Reassign a stalled ticket: a flagged stall (not one waiting for review or blocked, which
//! other rules ask about) is offered to the project's members who hold less work in progress
//! than its assignee and have delivered similar tickets in this project.
//!
//! Similar means sharing a label or a title word with the ticket; how similar a member's
//! experience is counts the tickets delivered in the last year behind the best-shared one of
//! those (older work says little about who knows the code now). Work in progress counts a
//! person's in-progress tickets across the source (a person's load does not stop at a
//! project's edge), and is judged against the median of the source's people who hold any.
//!
//! Rebalance work in progress: in a project where at least three people hold in-progress
//! work, one holding at least twice the median and three tickets more than it. Advisory: it
//! names who and how much; moving the work is left to the people.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use super::words;
use crate::analysis::baseline::FnvBuild;
use crate::analysis::stalled::{Severity, is_blocked_status};
use crate::analysis::workload::median;
use crate::domain::{Change, Kind, Member, Signal, Subject, Ticket, Unit};

/// At most this many other members are offered besides the best.
pub const MAX_ALTERNATIVES: usize = 5;
/// Deliveries older than this many days do not count as experience.
pub const EXPERIENCE_DAYS: i64 = 365;

/// Delivered tickets per (assignee, label or title word) in one project; assignees are
/// numbered so that counting hashes a number, not a name.
#[derive(Default)]
struct Experience<'a> {
    people: HashMap<&'a str, u32, FnvBuild>,
    done: HashMap<(u32, u64), u32, FnvBuild>,
}

/// The ticket's title words and labels, as hashes, into `out`.
fn features(t: &Ticket, out: &mut Vec<u64>) {
    words::hashes(&t.title, out);
    out.extend(t.labels.iter().map(|l| words::hash(words::LABEL, l)));
}

impl<'a> Experience<'a> {
    fn of(tickets: &[&'a Ticket], now: DateTime<Utc>) -> Experience<'a> {
        let mut e = Experience::default();
        let mut found = Vec::new();
        let since = now - Duration::days(EXPERIENCE_DAYS);
        for t in tickets
            .iter()
            .filter(|t| t.delivered() && t.resolved.is_some_and(|r| r >= since))
        {
            let Some(who) = t.assignee.as_deref() else {
                continue;
            };
            let next = e.people.len() as u32;
            let who = *e.people.entry(who).or_insert(next);
            features(t, &mut found);
            for f in &found {
                *e.done.entry((who, *f)).or_default() += 1;
            }
        }
        e
    }

    fn similar(&self, who: &str, features: &[u64]) -> u32 {
        let Some(&who) = self.people.get(who) else {
            return 0;
        };
        features
            .iter()
            .filter_map(|f| self.done.get(&(who, *f)))
            .copied()
            .max()
            .unwrap_or(0)
    }
}

fn names(m: &Member) -> [&str; 2] {
    [m.display_name.as_str(), m.login.as_str()]
}

pub fn reassign(c: &Context<'_>, out: &mut Vec<Draft>) {
    let mut experience: HashMap<(&str, &str), Experience<'_>> = HashMap::new();
    // The median of the people holding work in each source, found once per source.
    let mut usual_in: HashMap<&str, f64> = HashMap::new();
    for s in &c.analysis.stalled {
        if s.severity != Severity::Flag
            || is_review_status(&s.status)
            || is_blocked_status(&s.status)
        {
            continue;
        }
        let (Some(t), Some(current)) = (c.stalled_ticket(s), s.assignee.as_deref()) else {
            continue;
        };
        let members = c.members_of(&t.source, &t.project);
        if members.is_empty() {
            continue;
        }
        let held = |m: &Member| -> usize {
            let [d, l] = names(m);
            c.workload.of_person(&t.source, d)
                + if l != d {
                    c.workload.of_person(&t.source, l)
                } else {
                    0
                }
        };
        let current_wip = c.workload.of_person(&t.source, current);
        let exp = experience
            .entry((t.source.as_str(), t.project.as_str()))
            .or_insert_with(|| Experience::of(c.tickets_of(&t.source, &t.project), c.now));
        let mut wanted = Vec::new();
        features(t, &mut wanted);
        let mut offered: Vec<(&Member, usize, u32)> = members
            .iter()
            .filter(|m| !names(m).contains(&current))
            .map(|m| {
                let [d, l] = names(m);
                let similar = exp.similar(d, &wanted).max(exp.similar(l, &wanted));
                (*m, held(m), similar)
            })
            .filter(|(_, wip, similar)| *similar >= 1 && *wip < current_wip)
            .collect();
        if offered.is_empty() {
            continue;
        }
        offered.sort_by(|a, b| {
            a.1.cmp(&b.1)
                .then(b.2.cmp(&a.2))
                .then_with(|| a.0.login.cmp(&b.0.login))
        });
        let (best, best_wip, similar) = offered[0];
        let usual = *usual_in
            .entry(t.source.as_str())
            .or_insert_with(|| median(&c.workload.in_source(&t.source)).unwrap_or(0.0));
        let wip = |who: &str, n: usize| {
            evidence(
                Signal::Wip {
                    member: who.to_string(),
                },
                n as f64,
                Some(usual),
                Unit::Count,
            )
        };
        let mut found = Vec::new();
        found.extend(s.evidence.first().cloned());
        let shown = c.display(&t.source, &t.project, current);
        found.push(wip(shown, current_wip));
        found.push(wip(&best.display_name, best_wip));
        let alternatives = offered[1..]
            .iter()
            .take(MAX_ALTERNATIVES)
            .map(|(m, _, _)| Change::Assign {
                login: m.login.to_string(),
            })
            .collect();
        let change = Change::Assign {
            login: best.login.to_string(),
        };
        let relief = (current_wip - best_wip) as f64;
        out.push(Draft {
            kind: Kind::Reassign,
            subject: ticket_subject(t),
            related: None,
            proposal: Some(proposal(t, change, alternatives)),
            evidence: found,
            confidence: 0.45 + 0.1 * f64::from(similar.min(3)) + 0.05 * relief.min(3.0),
            impact: s.ratio.min(5.0) * weight(t.priority),
            lead: format!(
                "stalled with {shown}; {} holds less and delivered {similar} similar here",
                best.display_name
            ),
        });
    }
}

/// People holding in-progress work a project needs before a median means anything.
pub const MIN_PEOPLE: usize = 3;
/// How far above the median a person must be: this many times it...
pub const TIMES_MEDIAN: f64 = 2.0;
/// ...and this many tickets more.
pub const MORE_THAN_MEDIAN: f64 = 3.0;

pub fn rebalance(c: &Context<'_>, out: &mut Vec<Draft>) {
    for p in &c.analysis.projects {
        let people = c.workload.in_project(&p.source, &p.key);
        if people.len() < MIN_PEOPLE {
            continue;
        }
        let counts: Vec<usize> = people.iter().map(|(_, n)| *n).collect();
        let Some(usual) = median(&counts) else {
            continue;
        };
        let heavy: Vec<_> = people
            .iter()
            .filter(|(_, n)| {
                let n = *n as f64;
                n >= TIMES_MEDIAN * usual && n - usual >= MORE_THAN_MEDIAN
            })
            .map(|(who, n)| {
                evidence(
                    Signal::Wip {
                        member: c.display(&p.source, &p.key, who).to_string(),
                    },
                    *n as f64,
                    Some(usual),
                    Unit::Count,
                )
            })
            .collect();
        let Some(top) = heavy.first() else {
            continue;
        };
        let times = top.value / usual.max(1.0);
        let excess: f64 = heavy.iter().map(|e| e.value - usual).sum();
        out.push(Draft {
            kind: Kind::Rebalance,
            subject: Subject::Project {
                source: p.source.clone(),
                key: p.key.clone(),
            },
            related: None,
            proposal: None,
            confidence: 0.5 + 0.1 * (times - TIMES_MEDIAN).clamp(0.0, 3.5),
            impact: excess.min(20.0) / 2.0,
            lead: "work in progress is uneven".into(),
            evidence: heavy,
        });
    }
}
