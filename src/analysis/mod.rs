//! Pure analysis over the in-memory portfolio: flow metrics, stalled work, summaries.
//!
//! No I/O, no async, no terminal: every function takes data and a `now` and returns data, so
//! all of it is unit-tested on hand-built histories.

pub mod adaptive;
pub mod assignable;
pub mod backtest;
pub mod baseline;
mod evidence_wire;
pub mod flow;
pub mod forecast;
pub mod health;
pub mod projection;
pub mod quantile;
pub mod sizing;
pub mod stall_backtest;
mod stall_signal;
pub mod stalled;
pub mod summary;
pub mod timeline;
pub mod track;
pub mod trend;
pub mod workload;

pub use stalled::{StallPolicy, StalledTicket};
pub use summary::{Analysis, ProjectSummary, analyse};
