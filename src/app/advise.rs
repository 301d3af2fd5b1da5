//! Runs the advisor's effects for the event loop, off the UI task: building suggestions after
//! a load, keeping decisions, and tracker writes (and their undo). Results come back as events.

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc;

use super::advice::WriteOrder;
use super::event::Event;
use crate::analysis::Analysis;
use crate::domain::{Decision, Portfolio};

/// Builds the rules' suggestions for what is shown.
pub fn spawn_advice(
    portfolio: Arc<Portfolio>,
    analysis: Arc<Analysis>,
    generation: u64,
    tx: mpsc::UnboundedSender<Event>,
) {
    tokio::task::spawn_blocking(move || {
        let suggestions =
            crate::advisor::rules::suggest(&portfolio, &analysis, &portfolio.members, Utc::now());
        let _ = tx.send(Event::Advised {
            generation,
            suggestions,
            note: None,
            usage: None,
        });
    });
}

pub fn keep_decision(decision: Decision) {
    tracing::info!(
        suggestion = %decision.suggestion,
        verdict = ?decision.verdict,
        "decision"
    );
}

pub fn spawn_apply(suggestion: String, order: WriteOrder, tx: mpsc::UnboundedSender<Event>) {
    let _ = tx.send(Event::Applied {
        suggestion,
        result: Err(format!(
            "{} cannot take writes from the dashboard yet",
            order.source
        )),
    });
}

pub fn spawn_revert(suggestion: String, decision: Decision, tx: mpsc::UnboundedSender<Event>) {
    let _ = tx.send(Event::Reverted {
        suggestion,
        result: Err(format!(
            "{} cannot take writes from the dashboard yet",
            decision.subject.source()
        )),
    });
}
