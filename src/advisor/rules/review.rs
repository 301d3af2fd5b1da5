//! Nudge a reviewer: a ticket waiting in a review status longer than 85 % of the project's
//! completed reviews took (the stall evidence's P85 dwell), so someone is asked, in a comment,
//! to take a look.

use super::candidate::{Draft, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use crate::domain::{Change, Kind, Signal, Unit};

pub fn nudge(c: &Context<'_>, out: &mut Vec<Draft>) {
    for s in &c.analysis.stalled {
        if !is_review_status(&s.status) {
            continue;
        }
        let Some(e) = s.evidence.iter().find(|e| {
            matches!(&e.signal, Signal::InStatus { .. })
                && e.unit == Unit::Days
                && e.baseline.is_some_and(|b| e.value > b)
        }) else {
            continue;
        };
        let Some(t) = c.stalled_ticket(s) else {
            continue;
        };
        let p85 = e.baseline.unwrap_or(0.0);
        let ratio = e.value / p85.max(1e-9);
        let body = format!(
            "This has been in {} for {}; most reviews here finish within {}. Could a reviewer \
             take a look, or say what it still needs?",
            t.status,
            crate::domain::dates::format_days(e.value),
            crate::domain::dates::format_days(p85)
        );
        out.push(Draft {
            kind: Kind::NudgeReviewer,
            subject: ticket_subject(t),
            related: None,
            proposal: Some(proposal(t, Change::Comment { body }, Vec::new())),
            evidence: vec![e.clone()],
            confidence: 0.55 + 0.1 * (ratio - 1.0).clamp(0.0, 3.5),
            impact: ratio.min(5.0) * weight(t.priority),
            lead: "review is waiting".into(),
        });
    }
}
