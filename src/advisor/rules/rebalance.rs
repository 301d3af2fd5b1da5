//! Rebalance work in progress: in a project where at least three people hold in-progress
//! work, one holding at least twice the median and three tickets more than it. Advisory: it
//! names who and how much; moving the work is left to the people.

use super::candidate::{Draft, evidence};
use super::context::Context;
use crate::analysis::workload::median;
use crate::domain::{Kind, Signal, Subject, Unit};

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
