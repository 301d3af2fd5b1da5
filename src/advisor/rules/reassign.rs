//! Reassign a stalled ticket: a flagged stall (not one waiting for review or blocked, which
//! other rules ask about) is offered to the project's members who hold less work in progress
//! than its assignee and have delivered similar tickets in this project.
//!
//! Similar means sharing a label or a title word with the ticket; how similar a member's
//! experience is counts the delivered tickets behind the best-shared one of those. Work in
//! progress counts a person's in-progress tickets across the source (a person's load does
//! not stop at a project's edge), and is judged against the median of the source's people
//! who hold any.

use std::collections::HashMap;

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use super::words;
use crate::analysis::baseline::FnvBuild;
use crate::analysis::stalled::{Severity, is_blocked_status};
use crate::analysis::workload::median;
use crate::domain::{Change, Kind, Member, Signal, Ticket, Unit};

/// At most this many other members are offered besides the best.
pub const MAX_ALTERNATIVES: usize = 5;

/// Delivered tickets per (assignee, label or title word) in one project.
#[derive(Default)]
struct Experience<'a> {
    done: HashMap<(&'a str, u64), u32, FnvBuild>,
}

fn features(t: &Ticket) -> Vec<u64> {
    let lowered = words::lowered(&t.title);
    let mut out: Vec<u64> = words::words(&lowered)
        .into_iter()
        .map(|w| words::hash(0, w))
        .collect();
    out.extend(t.labels.iter().map(|l| words::hash(1, &l.to_lowercase())));
    out
}

impl<'a> Experience<'a> {
    fn of(tickets: &[&'a Ticket]) -> Experience<'a> {
        let mut e = Experience::default();
        for t in tickets.iter().filter(|t| t.delivered()) {
            let Some(who) = t.assignee.as_deref() else {
                continue;
            };
            for f in features(t) {
                *e.done.entry((who, f)).or_default() += 1;
            }
        }
        e
    }

    fn similar(&self, who: &str, features: &[u64]) -> u32 {
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
            .or_insert_with(|| Experience::of(c.tickets_of(&t.source, &t.project)));
        let wanted = features(t);
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
        let usual = median(&c.workload.in_source(&t.source)).unwrap_or(0.0);
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
