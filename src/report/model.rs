//! What a report says, format-free. The JSON format is this model serialised, so a field
//! renamed here is a schema change: bump `SCHEMA_VERSION` and the schema file with it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The name every JSON report carries, so a reader can tell what it holds.
pub const SCHEMA_NAME: &str = "lookout.report";
/// Bumped on any change a reader of the JSON would notice.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always `SCHEMA_NAME`.
    pub schema: String,
    /// Always `SCHEMA_VERSION`.
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    /// The last time every source was heard from (the oldest of their last syncs); `None`
    /// when a source has never synced.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Decisions taken on or after this day are in the report.
    pub since: NaiveDate,
    /// Riskiest first.
    pub projects: Vec<ProjectReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectReport {
    pub source: String,
    pub key: String,
    pub name: String,
    /// 0 (fine) to 1 (in trouble): the weighted mean of the components that could be judged.
    pub risk: f64,
    /// Delivery, aging, balance, spread and data, in that order.
    pub health: Vec<HealthComponent>,
    pub counts: Counts,
    pub throughput: Throughput,
    pub aging: Aging,
    /// Worst first.
    pub stalled: Vec<StalledRow>,
    /// When the project's open items will be done; `None` when it has none open.
    pub forecast: Option<ForecastReport>,
    /// Open suggestions about the project, most confident first.
    pub suggestions: Vec<SuggestionRow>,
    /// Decisions about the project's suggestions since `Report::since`, oldest first.
    pub decisions: Vec<DecisionRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthComponent {
    pub name: String,
    /// 0 to 1; `None` when there was too little data to judge.
    pub risk: Option<f64>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: usize,
    pub todo: usize,
    pub in_progress: usize,
    pub done_30d: usize,
    pub stalled: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Items delivered per week, oldest first; the last week ends yesterday.
    pub weeks: Vec<WeekDelivered>,
    /// The last four weeks' deliveries over the four weeks before (1.0 = steady); `None`
    /// when the earlier four delivered nothing.
    pub trend: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekDelivered {
    /// The last day of the week.
    pub week_ending: NaiveDate,
    pub delivered: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aging {
    pub wip: usize,
    pub oldest_wip_days: Option<f64>,
    /// Every ticket in progress, oldest first: the aging scatter's points.
    pub items: Vec<AgingItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgingItem {
    pub key: String,
    pub status: String,
    /// Days since work started.
    pub age_days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StalledRow {
    pub key: String,
    pub title: String,
    pub status: String,
    pub assignee: Option<String>,
    pub in_status_days: f64,
    /// `flag` or `warn`.
    pub severity: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastReport {
    /// The open items the forecast is about.
    pub items: u32,
    pub method: String,
    pub trials: usize,
    /// The first simulated day.
    pub start: NaiveDate,
    /// At 50, 70, 85 and 95 %.
    pub rows: Vec<ForecastRow>,
    pub target: Option<NaiveDate>,
    /// The chance of being done by `target`.
    pub chance_by_target: Option<f64>,
    /// Trials per bucket of days, ascending: the distribution chart.
    pub histogram: Vec<Bucket>,
    /// Days per histogram bucket.
    pub bucket_days: u32,
    pub horizon_days: u32,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// 0.5, 0.7, 0.85 or 0.95.
    pub level: f64,
    /// Days from `start`; `None` when not within the horizon.
    pub days: Option<u32>,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The bucket's first day (days from the start).
    pub from_days: u32,
    pub trials: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionRow {
    pub id: String,
    pub kind: String,
    /// The ticket's key, when the suggestion is about one ticket.
    pub ticket: Option<String>,
    /// 0 to 1.
    pub confidence: f64,
    pub rationale: String,
    /// What accepting it writes, in words; `None` for advisory kinds.
    pub action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRow {
    pub at: DateTime<Utc>,
    pub suggestion: String,
    pub kind: String,
    pub ticket: Option<String>,
    /// `accept`, `reject` or `undo`.
    pub verdict: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// What was written to the tracker, in words.
    pub wrote: Option<String>,
}
