//! Split an oversized item: work in progress for more than twice the project's P90 cycle time
//! (and at least a week), or an open ticket estimated at more than twice the project's P90
//! estimate. Each needs eight samples behind its P90. The proposal is a comment asking
//! whether the item can be split into pieces that finish on their own.
//!
//! Tickets waiting for review or blocked are left to the rules that ask about those.

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use crate::analysis::flow::days;
use crate::analysis::sizing::Sizing;
use crate::analysis::stalled::is_blocked_status;
use crate::domain::dates::format_days;
use crate::domain::{Change, Kind, Signal, StatusCategory, Unit};

/// How many times the P90 an item must reach.
pub const TIMES_P90: f64 = 2.0;
/// Samples a P90 needs to be trusted.
pub const MIN_SAMPLES: usize = 8;
/// Work younger than this is never called oversized.
pub const MIN_DAYS: f64 = 7.0;

pub fn split(c: &Context<'_>, out: &mut Vec<Draft>) {
    for p in &c.analysis.projects {
        let tickets = c.tickets_of(&p.source, &p.key);
        if !tickets.iter().any(|t| t.is_open()) {
            continue;
        }
        let size = Sizing::of(tickets);
        let cycle = size.cycle_p90.filter(|_| size.cycle_samples >= MIN_SAMPLES);
        let estimate = size
            .estimate_p90
            .filter(|_| size.estimate_samples >= MIN_SAMPLES);
        for t in tickets.iter().filter(|t| t.is_open()) {
            let mut found = Vec::new();
            let mut asks = Vec::new();
            if let (Some(p90), Some(started)) = (cycle, t.started)
                && t.category == StatusCategory::InProgress
                && !is_review_status(&t.status)
                && !is_blocked_status(&t.status)
            {
                let age = days(c.now - started);
                if age >= MIN_DAYS && age >= TIMES_P90 * p90 {
                    found.push(evidence(Signal::LongRunning, age, Some(p90), Unit::Days));
                    asks.push(format!(
                        "It has been in progress for {}, more than twice the time 90 % of work \
                         here takes ({}).",
                        format_days(age),
                        format_days(p90)
                    ));
                }
            }
            if let (Some(p90), Some(e)) = (estimate, t.estimate)
                && p90 > 0.0
                && e >= TIMES_P90 * p90
            {
                found.push(evidence(Signal::Estimate, e, Some(p90), Unit::Points));
                asks.push(format!(
                    "It is estimated at {e}, more than twice what 90 % of items here are \
                     estimated at ({p90})."
                ));
            }
            if found.is_empty() {
                continue;
            }
            let times = found
                .iter()
                .map(|e| e.value / e.baseline.unwrap_or(1.0).max(1e-9))
                .fold(0.0, f64::max);
            let body = format!(
                "{} Could it be split into smaller pieces that can finish on their own?",
                asks.join(" ")
            );
            out.push(Draft {
                kind: Kind::Split,
                subject: ticket_subject(t),
                related: None,
                proposal: Some(proposal(t, Change::Comment { body }, Vec::new())),
                confidence: 0.45
                    + 0.1 * (times - TIMES_P90).clamp(0.0, 3.0)
                    + 0.1 * (found.len() as f64 - 1.0),
                impact: times.min(6.0) * weight(t.priority),
                lead: "oversized".into(),
                evidence: found,
            });
        }
    }
}
