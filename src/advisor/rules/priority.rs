//! Raise or lower a ticket's priority.
//!
//! Raise (to the next level; the ones above offered as alternatives) a stalled ticket at
//! Medium or below that was reopened at least twice, or that stalls past the flag percentile
//! in a project whose target date has less than an even chance. Links and due dates are not
//! read from trackers yet, so "blocks others" and "due soon" do not count.
//!
//! Lower (to the next level down; the ones below offered) a to-do ticket above Lowest,
//! untouched for 90 days, in a project holding at least ten open tickets of higher priority
//! and at least twice as many as it delivered in the last four weeks (two months of more
//! important work ahead at its pace): work nobody will reach soon.

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, ticket_subject};
use super::risk::TARGET_CHANCE;
use crate::analysis::flow::days;
use crate::analysis::stalled::{Measure, Severity};
use crate::domain::{Change, Kind, Priority, Signal, StatusCategory, Unit};

const LEVELS: [Priority; 5] = [
    Priority::Lowest,
    Priority::Low,
    Priority::Medium,
    Priority::High,
    Priority::Highest,
];

/// Days without an update before a to-do ticket counts as idle.
pub const IDLE_DAYS: f64 = 90.0;
/// Open tickets of higher priority a project needs before lowering makes sense...
pub const MIN_HIGHER: usize = 10;
/// ...and how many times its last four weeks' deliveries they must be.
pub const TIMES_DELIVERED: f64 = 2.0;

fn set(p: Priority) -> Change {
    Change::SetPriority {
        priority: p.label().to_string(),
    }
}

/// The levels above `p`, nearest first.
fn above(p: Priority) -> Vec<Priority> {
    LEVELS.iter().copied().filter(|l| *l > p).collect()
}

/// The levels below `p`, nearest first.
fn below(p: Priority) -> Vec<Priority> {
    LEVELS.iter().rev().copied().filter(|l| *l < p).collect()
}

pub fn raise(c: &Context<'_>, out: &mut Vec<Draft>) {
    for s in &c.analysis.stalled {
        let Some(t) = c
            .stalled_ticket(s)
            .filter(|t| t.priority <= Priority::Medium)
        else {
            continue;
        };
        let mut found = Vec::new();
        let mut confidence: f64 = 0.35;
        if let Some(e) = s.evidence_of(Measure::Reopened) {
            confidence += 0.2 + 0.1 * (e.value - 2.0).clamp(0.0, 2.0);
            found.push(e);
        }
        let target = c
            .summary(&t.source, &t.project)
            .and_then(|p| p.health.delivery.as_ref())
            .and_then(|d| d.evidence.first())
            .filter(|e| e.signal == Signal::TargetChance && e.value < TARGET_CHANCE);
        if let Some(e) = target.filter(|_| s.severity == Severity::Flag) {
            confidence += 0.15 + 0.2 * (TARGET_CHANCE - e.value);
            found.push(e.clone());
        }
        if found.is_empty() {
            continue;
        }
        let up = above(t.priority);
        let change = set(up[0]);
        let alternatives = up[1..].iter().map(|p| set(*p)).collect();
        out.push(Draft {
            kind: Kind::RaisePriority,
            subject: ticket_subject(t),
            related: None,
            proposal: Some(proposal(t, change, alternatives)),
            impact: s.ratio.min(5.0) * (1.0 + found.len() as f64) / 2.0,
            confidence,
            lead: format!("stalled at {} priority", t.priority.label()),
            evidence: found,
        });
    }
}

pub fn lower(c: &Context<'_>, out: &mut Vec<Draft>) {
    for p in &c.analysis.projects {
        let recent = p.weekly_delivered.len().saturating_sub(4);
        let delivered: u32 = p.weekly_delivered[recent..].iter().sum();
        let higher_than = |level: Priority| -> usize {
            p.priorities
                .iter()
                .filter(|(q, _)| *q > level)
                .map(|(_, n)| n)
                .sum()
        };
        for t in c.tickets_of(&p.source, &p.key) {
            if t.category != StatusCategory::Todo || t.priority == Priority::Lowest {
                continue;
            }
            let idle = days(c.now - t.updated);
            let higher = higher_than(t.priority);
            if idle < IDLE_DAYS
                || higher < MIN_HIGHER
                || (higher as f64) < TIMES_DELIVERED * f64::from(delivered)
            {
                continue;
            }
            let down = below(t.priority);
            let change = set(down[0]);
            let alternatives = down[1..].iter().map(|p| set(*p)).collect();
            let pressure = higher as f64 / f64::from(delivered).max(1.0);
            out.push(Draft {
                kind: Kind::LowerPriority,
                subject: ticket_subject(t),
                related: None,
                proposal: Some(proposal(t, change, alternatives)),
                evidence: vec![
                    evidence(Signal::Inactive, idle, Some(IDLE_DAYS), Unit::Days),
                    evidence(
                        Signal::Backlog {
                            above: t.priority.label().to_string(),
                        },
                        higher as f64,
                        Some(f64::from(delivered)),
                        Unit::Count,
                    ),
                ],
                confidence: 0.45
                    + 0.1 * (idle / IDLE_DAYS - 1.0).clamp(0.0, 2.0)
                    + 0.05 * (pressure - TIMES_DELIVERED).clamp(0.0, 2.0),
                impact: (idle / IDLE_DAYS).min(3.0) * 0.5,
                lead: format!("{} priority, out of reach", t.priority.label()),
            });
        }
    }
}
