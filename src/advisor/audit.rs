//! The audit log's records: every decision the user made and every write lookout sent to a
//! tracker, with its result. Append-only and never pruned (see `store::journal`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Decision, Facts, TrackerAction, Verdict};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuditEvent {
    Decision {
        decision: Decision,
    },
    Write {
        source: String,
        action: TrackerAction,
        /// The ticket's fields before the write, when it was made.
        before: Option<Facts>,
        /// Why it was not made, when it was not.
        error: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub event: AuditEvent,
}

impl AuditEntry {
    /// One line for a table: what happened, to what, and how it ended.
    pub fn line(&self) -> String {
        match &self.event {
            AuditEvent::Decision { decision: d } => {
                let verb = match d.verdict {
                    Verdict::Accept => "accepted",
                    Verdict::Reject => "rejected",
                    Verdict::Undo => "undid",
                };
                let mut out = format!("{verb} {} ({}, {})", d.suggestion, d.kind.name(), d.subject);
                if let Some(r) = d.reason {
                    out.push_str(&format!(": {}", r.label()));
                }
                if let Some(n) = &d.note {
                    out.push_str(&format!(" - {n}"));
                }
                out
            }
            AuditEvent::Write {
                source,
                action,
                before,
                error,
            } => match (before, error) {
                (_, Some(e)) => format!("{source}: {action}: not written: {e}"),
                (Some(b), None) => format!(
                    "{source}: {action}: written (was {}, {}, {})",
                    b.status,
                    b.assignee.as_deref().unwrap_or("nobody"),
                    b.priority_name
                ),
                (None, None) => format!("{source}: {action}: written"),
            },
        }
    }
}
