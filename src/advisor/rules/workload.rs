//! Who holds the work: the rules about people's work in progress.
//!
//! Reassign a stalled ticket: a flagged stall (not one waiting for review or blocked, which
//! other rules ask about) is offered to the project's members who hold less work in progress
//! than its assignee and have delivered similar tickets in this project.
//!
//! Similar means sharing a label or a title word with the ticket; how similar a member's
//! experience is counts the tickets delivered in the last six months behind the best-shared one of
//! those (older work says little about who knows the code now). Work in progress counts a
//! person's in-progress tickets across the source (a person's load does not stop at a
//! project's edge), and is judged against the median of the source's people who hold any.
//!
//! Rebalance work in progress: in a project where at least three people hold in-progress
//! work, one holding at least twice the median and three tickets more than it. Advisory: it
//! names who and how much; moving the work is left to the people.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use super::words::{self, MixBuild};
use crate::analysis::StalledTicket;
use crate::analysis::baseline::FnvBuild;
use crate::analysis::stalled::{Severity, is_blocked_status};
use crate::analysis::workload::median;
use crate::domain::{Change, Kind, Member, Signal, Subject, Ticket, Unit};

/// At most this many other members are offered besides the best.
pub const MAX_ALTERNATIVES: usize = 5;
/// Deliveries older than this many days do not count as experience.
pub const EXPERIENCE_DAYS: i64 = 180;

/// Who delivered what in one project in the last six months: for each title word or label that
/// some stalled ticket there has, each person (numbered) with how many of their deliveries
/// had it.
#[derive(Default)]
struct Experience<'a> {
    people: HashMap<&'a str, u32, FnvBuild>,
    done: HashMap<u64, Vec<(u32, u32)>, MixBuild>,
}

/// The ticket's title words and labels, as hashes, into `out`.
fn features(t: &Ticket, out: &mut Vec<u64>) {
    words::hashes(&t.title, out);
    out.extend(t.labels.iter().map(|l| words::hash(words::LABEL, l)));
}

impl<'a> Experience<'a> {
    fn of(tickets: &[&'a Ticket], wanted: &HashSet<u64, MixBuild>, now: DateTime<Utc>) -> Self {
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
            for f in found.iter().filter(|f| wanted.contains(f)) {
                let by = e.done.entry(*f).or_default();
                match by.iter_mut().find(|(p, _)| *p == who) {
                    Some((_, n)) => *n += 1,
                    None => by.push((who, 1)),
                }
            }
        }
        e
    }

    /// Per person (by number), the most deliveries behind any one of `features`.
    fn similar(&self, features: &[u64], into: &mut Vec<u32>) {
        into.clear();
        into.resize(self.people.len(), 0);
        for by in features.iter().filter_map(|f| self.done.get(f)) {
            for &(p, n) in by {
                into[p as usize] = into[p as usize].max(n);
            }
        }
    }

    /// `m`'s numbers here, under either of their names: what `similar` is indexed by.
    fn numbers(&self, m: &Member) -> [Option<u32>; 2] {
        names(m).map(|n| self.people.get(n).copied())
    }
}

fn names(m: &Member) -> [&str; 2] {
    [m.display_name.as_str(), m.login.as_str()]
}

/// A flagged stall with members holding less work than its assignee.
struct Stall<'a> {
    stalled: &'a StalledTicket,
    ticket: &'a Ticket,
    current: &'a str,
    current_wip: usize,
    features: Vec<u64>,
    /// How many of the project's members, lightest first, hold less than the assignee.
    lighter: usize,
}

/// Each project's members with the work each holds, lightest first: worked out once per
/// project, not once per stalled ticket (a project of thousands of members and tickets).
type Benches<'a> = HashMap<(&'a str, &'a str), Vec<(&'a Member, usize)>>;

fn bench<'a>(c: &Context<'a>, source: &'a str, project: &'a str) -> Vec<(&'a Member, usize)> {
    let mut held: Vec<(&Member, usize)> = c
        .members_of(source, project)
        .iter()
        .map(|m| {
            let [d, l] = names(m);
            let other = if l != d {
                c.workload.of_person(source, l)
            } else {
                0
            };
            (*m, c.workload.of_person(source, d) + other)
        })
        .collect();
    held.sort_by_key(|&(_, n)| n);
    held
}

fn stalls<'a>(c: &Context<'a>, benches: &mut Benches<'a>) -> Vec<Stall<'a>> {
    let mut out = Vec::new();
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
        let current_wip = c.workload.of_person(&t.source, current);
        let held = benches
            .entry((t.source.as_str(), t.project.as_str()))
            .or_insert_with(|| bench(c, &t.source, &t.project));
        // The assignee is never among them: a member's count includes what they hold under
        // the name the ticket shows, so it is at least the assignee's own.
        let lighter = held.partition_point(|&(_, n)| n < current_wip);
        if lighter == 0 {
            continue;
        }
        let mut wanted = Vec::new();
        features(t, &mut wanted);
        out.push(Stall {
            stalled: s,
            ticket: t,
            current,
            current_wip,
            features: wanted,
            lighter,
        });
    }
    out
}

pub fn reassign(c: &Context<'_>, out: &mut Vec<Draft>) {
    let mut benches = Benches::new();
    let stalls = stalls(c, &mut benches);
    // Only the words and labels of the project's stalled tickets are ever asked about.
    let mut wanted: HashMap<(&str, &str), HashSet<u64, MixBuild>> = HashMap::new();
    for x in &stalls {
        wanted
            .entry((x.ticket.source.as_str(), x.ticket.project.as_str()))
            .or_default()
            .extend(x.features.iter().copied());
    }
    let experience: HashMap<(&str, &str), Experience<'_>> = wanted
        .iter()
        .map(|(&(source, project), words)| {
            let e = Experience::of(c.tickets_of(source, project), words, c.now);
            ((source, project), e)
        })
        .collect();
    // Each bench member's numbers in the project's experience, found once per project.
    let numbered: HashMap<(&str, &str), Vec<[Option<u32>; 2]>> = benches
        .iter()
        .filter_map(|(k, held)| {
            let exp = experience.get(k)?;
            Some((*k, held.iter().map(|(m, _)| exp.numbers(m)).collect()))
        })
        .collect();
    // The median of the people holding work in each source, found once per source.
    let mut usual_in: HashMap<&str, f64> = HashMap::new();
    let mut by_person = Vec::new();
    for x in stalls {
        let (s, t, current, current_wip) = (x.stalled, x.ticket, x.current, x.current_wip);
        let at = (t.source.as_str(), t.project.as_str());
        let (Some(exp), Some(held), Some(numbers)) =
            (experience.get(&at), benches.get(&at), numbered.get(&at))
        else {
            continue;
        };
        exp.similar(&x.features, &mut by_person);
        let mut offered: Vec<(&Member, usize, u32)> = held[..x.lighter]
            .iter()
            .zip(numbers)
            .map(|(&(m, held), n)| {
                let similar = n.iter().flatten().map(|p| by_person[*p as usize]).max();
                (m, held, similar.unwrap_or(0))
            })
            .filter(|(_, _, similar)| *similar >= 1)
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
        found.extend(s.readings.first().map(|r| r.evidence(&s.status)));
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
