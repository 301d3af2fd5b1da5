//! What reaches the event loop: key presses, terminal changes, and owned results of
//! background work.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use super::advice::{AiUsage, AuditEntry, KindRate, WriteOrder};
use crate::analysis::Analysis;
use crate::analysis::forecast::Method;
use crate::analysis::projection::{Question, ThroughputForecast};
use crate::domain::{Decision, Facts, Portfolio, Snapshot, Suggestion};
use crate::sync::{BulkProgress, BulkSummary, SyncEvent, WriteRequest};

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    /// A mouse event (only with `[ui] mouse = true`) and the terminal's size (columns, rows).
    Mouse {
        event: MouseEvent,
        size: (u16, u16),
    },
    Resize,
    /// The wall clock, handed in by the loop so `update` and drawing never read it.
    Clock(DateTime<Utc>),
    Sync(SyncEvent),
    /// The analysis saved at the end of the last session: drawn until the full load lands.
    ViewCached {
        analysis: Arc<Analysis>,
    },
    Loaded {
        generation: u64,
        portfolio: Arc<Portfolio>,
        analysis: Arc<Analysis>,
        /// Daily snapshots the store does not hold yet (today's always), to persist.
        snapshots: Vec<Snapshot>,
    },
    Forecasted {
        generation: u64,
        result: Arc<ThroughputForecast>,
    },
    /// The background replays of the portfolio's track records ended; `replayed` of them
    /// were new (the health shown so far was stated at nominal levels for those).
    Tracked {
        replayed: usize,
    },
    LoadFailed {
        generation: u64,
        error: String,
    },
    /// The advisor's list for the newest load: the rules' candidates reconciled with the
    /// user's decisions, refined by the model when one is configured.
    Advised {
        generation: u64,
        suggestions: Vec<Suggestion>,
        /// Why the model's refinement was not used, when it was not.
        note: Option<String>,
        /// The day's model usage so far, when a model is configured.
        usage: Option<AiUsage>,
    },
    /// A confirmed write reached the tracker (`Ok` holds the ticket's values before it) or
    /// did not (`Err` says why; nothing was written).
    Applied {
        suggestion: String,
        result: Result<Facts, String>,
    },
    /// The write that undoes an applied suggestion, as `Applied`.
    Reverted {
        suggestion: String,
        result: Result<Facts, String>,
    },
    /// The ledger's figures after a decision was kept: acceptance per kind, the audit log
    /// (newest first) and, at start, the last decision that can still be undone.
    Feedback {
        rates: Vec<KindRate>,
        audit: Vec<AuditEntry>,
        last_undoable: Option<Decision>,
    },
    /// The statuses a ticket may move to, as its tracker answered.
    Statuses {
        /// The ticket asked about, by (source, id).
        ticket: (String, u64),
        result: Result<Vec<String>, String>,
    },
    /// One ticket of a bulk write answered.
    BulkProgress(BulkProgress),
    /// A bulk write ended.
    BulkDone(BulkSummary),
    /// What became of something done outside the dashboard (a copy, a link), for the
    /// status bar.
    Said(String),
    /// SIGTERM, SIGHUP or the terminal going away: leave cleanly.
    Terminate,
}

/// Work the event loop carries out for `update`, which itself does no I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the store and analyse it, tagging the result with this generation.
    Reload {
        generation: u64,
    },
    /// Read back the tickets a small sync wrote, patch the shown portfolio with them and
    /// analyse it again, tagging the result with this generation.
    Refresh {
        generation: u64,
        source: String,
        tickets: Vec<u64>,
    },
    /// Keep this analysis for the next start, and the daily snapshots the store lacks.
    Persist {
        analysis: Arc<Analysis>,
        snapshots: Vec<Snapshot>,
    },
    /// Wake every source's sync task now.
    SyncNow,
    /// Wake this source's sync task now.
    SyncSource {
        source: String,
    },
    /// Pause (skip its runs) or resume this source's sync task.
    PauseSource {
        source: String,
        paused: bool,
    },
    /// Compute a forecast off the UI task.
    Forecast(ForecastJob),
    /// Replay every project's track record the health reads, off the UI task.
    Track {
        portfolio: Arc<Portfolio>,
    },
    /// Start every source's sync task: asked once, after the first load is shown.
    StartSync,
    /// Build suggestions for what is shown, tagging the answer with this generation.
    Advise {
        generation: u64,
    },
    /// Keep a decision in the ledger and the audit log.
    Decide(Decision),
    /// Send a confirmed write to the tracker; the answer comes back as `Event::Applied`.
    Apply {
        suggestion: String,
        order: WriteOrder,
    },
    /// Undo the write of this accepted decision (restore its pre-image); the answer comes back
    /// as `Event::Reverted`.
    Revert {
        suggestion: String,
        decision: Decision,
    },
    /// Ask the ticket's tracker which statuses it may move to; the answer comes back as
    /// `Event::Statuses`.
    Statuses {
        source: String,
        ticket: u64,
        key: String,
    },
    /// Write these one by one; progress comes back as `Event::BulkProgress`, the end as
    /// `Event::BulkDone`.
    Bulk {
        requests: Vec<WriteRequest>,
    },
    /// Put this on the clipboard with OSC 52.
    Copy {
        text: String,
    },
    /// Open this address in a browser, or show it where none can open.
    OpenUrl {
        url: String,
    },
    /// Write the rows of a list to a file; what came of it comes back as `Event::Said`.
    Export(super::export::ExportJob),
    /// Leave with this message: the store could not be read at start.
    Fail {
        message: String,
    },
    Quit,
}

/// One forecast for the Forecasts tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastJob {
    pub generation: u64,
    pub source: String,
    pub project: String,
    pub question: Question,
    pub method: Method,
}
