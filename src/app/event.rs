//! What reaches the event loop: key presses, terminal changes, and owned results of
//! background work.

use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::analysis::Analysis;
use crate::analysis::forecast::Method;
use crate::analysis::projection::{Question, ThroughputForecast};
use crate::domain::{Portfolio, Snapshot};
use crate::sync::SyncEvent;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Resize,
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
    LoadFailed {
        generation: u64,
        error: String,
    },
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
    /// Compute a forecast off the UI task.
    Forecast(ForecastJob),
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
