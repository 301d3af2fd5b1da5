//! Work waiting on someone: the rules that ask, in a short and polite comment, for what a
//! ticket waits on.
//!
//! Ask for information: a ticket waiting in a blocked or waiting status for a week or more,
//! or with no change, note or time logged for twice the quiet limit. Review statuses are left
//! to the reviewer nudge, which asks the right person.
//!
//! Nudge a reviewer: a ticket waiting in a review status longer than 85 % of the project's
//! completed reviews took (the stall evidence's P85 dwell), so someone takes a look.

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, is_review_status, ticket_subject, weight};
use crate::analysis::stalled::Measure;
use crate::domain::dates::format_days;
use crate::domain::{Change, Kind, Unit};

/// Days in a blocked or waiting status before asking what it waits on.
pub const BLOCKED_DAYS: f64 = 7.0;
/// Multiples of the quiet limit without any activity before asking whether work goes on.
pub const QUIET_MULTIPLE: f64 = 2.0;

pub fn ask(c: &Context<'_>, out: &mut Vec<Draft>) {
    for s in &c.analysis.stalled {
        if is_review_status(&s.status) {
            continue;
        }
        let blocked = s
            .evidence_of(Measure::Blocked)
            .filter(|e| e.value >= BLOCKED_DAYS)
            .map(|e| evidence(e.signal, e.value, Some(BLOCKED_DAYS), Unit::Days));
        let quiet = s
            .evidence_of(Measure::Inactive)
            .filter(|e| e.baseline.is_some_and(|b| e.value >= QUIET_MULTIPLE * b));
        if blocked.is_none() && quiet.is_none() {
            continue;
        }
        let Some(t) = c.stalled_ticket(s) else {
            continue;
        };
        let body = match (&blocked, &quiet) {
            (Some(b), _) => format!(
                "This has been waiting in {} for {}. What is it waiting on, and is there \
                 anything we can do to move it along?",
                t.status,
                format_days(b.value)
            ),
            (None, Some(q)) => format!(
                "Nothing has changed here for {}. Is this still being worked on, and is there \
                 anything it needs to move forward?",
                format_days(q.value)
            ),
            (None, None) => continue,
        };
        let longest = blocked
            .iter()
            .chain(quiet.iter())
            .map(|e| e.value / e.baseline.unwrap_or(1.0).max(1e-9))
            .fold(0.0, f64::max);
        let confidence =
            if blocked.is_some() { 0.7 } else { 0.5 } + 0.05 * (longest - 1.0).clamp(0.0, 4.0);
        out.push(Draft {
            kind: Kind::AskInfo,
            subject: ticket_subject(t),
            related: None,
            proposal: Some(proposal(t, Change::Comment { body }, Vec::new())),
            evidence: blocked.into_iter().chain(quiet).collect(),
            confidence,
            impact: longest.min(5.0) * weight(t.priority),
            lead: "waiting without word".into(),
        });
    }
}

pub fn nudge(c: &Context<'_>, out: &mut Vec<Draft>) {
    for s in &c.analysis.stalled {
        if !is_review_status(&s.status) {
            continue;
        }
        let Some(e) = s
            .evidence_of(Measure::InStatus)
            .filter(|e| e.baseline.is_some_and(|b| e.value > b))
        else {
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
            format_days(e.value),
            format_days(p85)
        );
        out.push(Draft {
            kind: Kind::NudgeReviewer,
            subject: ticket_subject(t),
            related: None,
            proposal: Some(proposal(t, Change::Comment { body }, Vec::new())),
            evidence: vec![e],
            confidence: 0.55 + 0.1 * (ratio - 1.0).clamp(0.0, 3.5),
            impact: ratio.min(5.0) * weight(t.priority),
            lead: "review is waiting".into(),
        });
    }
}
