//! What the Suggestions tab holds: the advisor's list as last delivered, the user's decisions
//! this session (for undo), the popup open over the tab, and the feedback figures (acceptance
//! per kind, the day's model usage, the audit log) that the ledger reports.
//!
//! Only data lives here; `suggestions` changes it. Everything in it was cleaned where it
//! entered (`suggestions::on_advised`, `suggestions::on_feedback`), so the screens draw it as is.

use super::text_line::TextLine;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{Decision, Kind, RejectReason, Seen, Suggestion, TrackerAction};
use crate::text::Clean;

/// One write to a tracker, as the event loop hands it to the source's writer: the change, and
/// the ticket as the user saw it, which the tracker must still show when the write happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOrder {
    pub source: String,
    pub action: TrackerAction,
    pub seen: Seen,
}

/// How one kind of suggestion has been received, over every decision the ledger holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRate {
    pub kind: Kind,
    pub accepted: u32,
    pub rejected: u32,
    pub undone: u32,
}

impl KindRate {
    /// Accepted share of accepted and rejected, in whole percent; `None` before any decision.
    pub fn acceptance(&self) -> Option<u32> {
        let decided = self.accepted + self.rejected;
        (decided > 0).then(|| (self.accepted * 100 + decided / 2) / decided)
    }
}

/// The day's model calls, as the advisor counts them against the daily budget.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AiUsage {
    pub calls: u32,
    pub tokens: u64,
    /// In the currency the budget is set in.
    pub cost: f64,
}

/// One line of the audit log: a decision, or a tracker write and how it went.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditEntry {
    Decision(Decision),
    Write {
        at: DateTime<Utc>,
        source: String,
        action: TrackerAction,
        /// `Err` holds why nothing was written, already cleaned.
        result: Result<(), Clean>,
    },
}

impl AuditEntry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            AuditEntry::Decision(d) => d.at,
            AuditEntry::Write { at, .. } => *at,
        }
    }
}

/// A popup over the Suggestions tab; keys go to it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    /// Shows exactly what accepting will write, and where; Enter sends it.
    Confirm { suggestion: String },
    /// Asks why (a reason on a number key, optional free text); Enter with nothing chosen
    /// rejects without a reason.
    Reject {
        suggestion: String,
        reason: Option<RejectReason>,
        note: TextLine,
    },
    /// The audit log, newest first, scrolled by this many lines.
    Audit { scroll: usize },
}

/// One status change of the selected suggestion's ticket, for the detail pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Advice {
    /// The newest advice asked for; an older answer is dropped.
    pub generation: u64,
    /// Whether any advice has arrived yet (the tab says "thinking" until then).
    pub ready: bool,
    /// In the advisor's order (band, then impact); the screen keeps it.
    pub list: Vec<Suggestion>,
    /// Rows of `list` the Suggestions filter lets through, in order; rebuilt when the list or
    /// the filter changes.
    pub shown: Vec<usize>,
    /// An index into `list` (one of `shown` when any is).
    pub selected: usize,
    /// Why the model's refinement did not apply, when it did not (the rules' list stands).
    pub note: Option<Clean>,
    pub popup: Option<Popup>,
    /// This session's decisions that can still be undone, newest last.
    pub undo: Vec<Decision>,
    /// Suggestions whose confirmed write is on its way to the tracker, as confirmed.
    pub applying: HashMap<String, Suggestion>,
    /// Accepted decisions whose write is being undone in the tracker.
    pub reverting: HashMap<String, Decision>,
    /// Tickets (source, id) with a pending suggestion: the other tabs mark them.
    pub marked: HashSet<(String, u64)>,
    /// The selected suggestion's ticket, its last status changes (oldest first).
    pub history: Vec<HistoryLine>,
    pub rates: Vec<KindRate>,
    /// The day's model use; `None` when no model is configured (the rules' list stands).
    pub usage: Option<AiUsage>,
    /// Newest first.
    pub audit: Vec<AuditEntry>,
}

impl Advice {
    pub fn selected(&self) -> Option<&Suggestion> {
        self.list.get(self.selected)
    }

    pub fn find(&self, id: &str) -> Option<&Suggestion> {
        self.list.iter().find(|s| s.id == id)
    }

    pub fn find_mut(&mut self, id: &str) -> Option<&mut Suggestion> {
        self.list.iter_mut().find(|s| s.id == id)
    }

    /// Whether a write for this suggestion is on its way.
    pub fn in_flight(&self, id: &str) -> bool {
        self.applying.contains_key(id) || self.reverting.contains_key(id)
    }

    /// Whether a ticket has a suggestion waiting for a decision.
    pub fn marks(&self, source: &str, id: u64) -> bool {
        !self.marked.is_empty() && self.marked.contains(&(source.to_string(), id))
    }
}
