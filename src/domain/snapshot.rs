use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One project's flow on one day, kept so trends survive even what history cannot rebuild
/// (how many tickets were stalled that day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub source: String,
    pub project: String,
    pub day: NaiveDate,
    /// Items delivered that day.
    pub delivered: u32,
    /// Work in progress at the end of the day.
    pub wip: u32,
    /// Open items (to do or in progress) at the end of the day.
    pub open: u32,
    /// Flagged stalled tickets, known only for days lookout was watching.
    pub stalled: Option<u32>,
}
