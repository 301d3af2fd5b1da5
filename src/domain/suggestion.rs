//! Suggestions and the user's decisions about them, as data.
//!
//! A suggestion is built by the rule advisor from evidence (typed values with their
//! baselines), may be re-ranked or reworded by a model, and is decided on by the user. Only
//! its typed `Proposal` can ever become a write; rationale text is for reading.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Change, Facts, Seen, TrackerAction};

/// What a suggestion proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Reassign,
    RaisePriority,
    LowerPriority,
    Split,
    AskInfo,
    CloseDuplicate,
    Rebalance,
    FlagRisk,
    NudgeReviewer,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Reassign,
        Kind::RaisePriority,
        Kind::LowerPriority,
        Kind::Split,
        Kind::AskInfo,
        Kind::CloseDuplicate,
        Kind::Rebalance,
        Kind::FlagRisk,
        Kind::NudgeReviewer,
    ];

    /// The snake_case name used in JSON, the CLI and the prompt.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Reassign => "reassign",
            Kind::RaisePriority => "raise_priority",
            Kind::LowerPriority => "lower_priority",
            Kind::Split => "split",
            Kind::AskInfo => "ask_info",
            Kind::CloseDuplicate => "close_duplicate",
            Kind::Rebalance => "rebalance",
            Kind::FlagRisk => "flag_risk",
            Kind::NudgeReviewer => "nudge_reviewer",
        }
    }

    /// A short label for narrow screens.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Reassign => "reassign",
            Kind::RaisePriority => "raise prio",
            Kind::LowerPriority => "lower prio",
            Kind::Split => "split",
            Kind::AskInfo => "ask info",
            Kind::CloseDuplicate => "duplicate",
            Kind::Rebalance => "rebalance",
            Kind::FlagRisk => "at risk",
            Kind::NudgeReviewer => "nudge review",
        }
    }
}

/// What a suggestion is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    Ticket {
        source: String,
        id: u64,
        key: String,
        project: String,
    },
    Project {
        source: String,
        key: String,
    },
}

impl Subject {
    pub fn source(&self) -> &str {
        match self {
            Subject::Ticket { source, .. } | Subject::Project { source, .. } => source,
        }
    }

    /// The project the subject belongs to (itself, for a project).
    pub fn project(&self) -> &str {
        match self {
            Subject::Ticket { project, .. } => project,
            Subject::Project { key, .. } => key,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Ticket { key, .. } => f.write_str(key),
            Subject::Project { key, .. } => write!(f, "project {key}"),
        }
    }
}

/// The unit a piece of evidence is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Days,
    Count,
    /// 0..=1, shown as a percentage.
    Share,
    Points,
    PerWeek,
    Ratio,
}

/// What a piece of evidence measures. The screens and the rules read the same values; the
/// sentence is made from them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    /// Days in the named status, against the project's P85 dwell there.
    InStatus {
        status: String,
    },
    /// Work item age, against the project's cycle-time percentile.
    Age,
    /// Days without any change, note or time logged.
    Inactive,
    /// In a blocked or waiting status.
    Blocked {
        status: String,
    },
    Reopened,
    Estimate,
    /// Open tickets of one person, against the project's median per person.
    Wip {
        member: String,
    },
    /// Lexical similarity of two tickets' text.
    Similarity {
        other: String,
    },
    /// Chance of the project's target date, by the forecast.
    TargetChance,
    /// Completions per week lately, against the longer-run rate.
    Throughput,
    /// Arrivals against departures.
    ScopeGrowth,
    /// Tickets this one blocks.
    Blocks,
    DueDate,
    /// A health component's risk (0..=1), by component name.
    Health {
        component: String,
    },
    /// Open work age against the project's P90 cycle time (an item too big for its flow).
    LongRunning,
    /// Open tickets at a priority above `above`, against what the project delivers in four
    /// weeks: more of it than the team can start soon.
    Backlog {
        above: String,
    },
}

/// One measured fact behind a suggestion or a flag: a value and what it is judged against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub signal: Signal,
    pub value: f64,
    pub baseline: Option<f64>,
    pub unit: Unit,
}

impl Evidence {
    /// A reading of the evidence: "In Review 9d (P85 here: 3d)".
    pub fn sentence(&self) -> String {
        let v = format_value(self.value, self.unit);
        let base = self
            .baseline
            .map(|b| format_value(b, self.unit))
            .unwrap_or_default();
        let with = |what: String, against: &str| {
            if base.is_empty() {
                what
            } else {
                format!("{what} ({against}: {base})")
            }
        };
        match &self.signal {
            Signal::InStatus { status } => with(format!("in {status} {v}"), "P85 here"),
            Signal::Age => with(format!("age {v}"), "P85 cycle time here"),
            Signal::Inactive => with(format!("no activity for {v}"), "quiet limit"),
            Signal::Blocked { status } => format!("waiting in {status} {v}"),
            Signal::Reopened => with(format!("reopened {v}"), "limit"),
            Signal::Estimate => with(format!("estimate {v}"), "P90 here"),
            Signal::Wip { member } => with(format!("{member} holds {v} open"), "median"),
            Signal::Similarity { other } => with(format!("{v} like {other}"), "threshold"),
            Signal::TargetChance => with(format!("{v} chance of the target date"), "wanted"),
            Signal::Throughput => with(format!("throughput {v}"), "usual"),
            Signal::ScopeGrowth => with(format!("scope grows {v}"), "delivery"),
            Signal::Blocks => format!("blocks {v}"),
            Signal::DueDate => with(format!("due in {v}"), "forecast"),
            Signal::Health { component } => with(format!("{component} risk {v}"), "usual"),
            Signal::LongRunning => with(format!("open {v}"), "P90 cycle time here"),
            Signal::Backlog { above } => {
                with(format!("{v} open above {above}"), "delivered in 4 weeks")
            }
        }
    }
}

fn format_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Days => crate::domain::dates::format_days(v),
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Share => format!("{}%", (v * 100.0).round() as i64),
        Unit::Points => format!("{v:.1} pts"),
        Unit::PerWeek => format!("{v:.1}/wk"),
        Unit::Ratio => format!("{v:.2}x"),
    }
}

/// How sure a suggestion is, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Medium,
    High,
}

impl Band {
    pub fn of(confidence: f64) -> Band {
        if confidence >= 0.75 {
            Band::High
        } else if confidence >= 0.5 {
            Band::Medium
        } else {
            Band::Low
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionState {
    Pending,
    Accepted,
    Rejected,
    Applied,
    Failed,
    /// The evidence changed or the ticket moved since the user saw it.
    Stale,
    Undone,
}

impl SuggestionState {
    pub fn label(self) -> &'static str {
        match self {
            SuggestionState::Pending => "pending",
            SuggestionState::Accepted => "accepted",
            SuggestionState::Rejected => "rejected",
            SuggestionState::Applied => "applied",
            SuggestionState::Failed => "failed",
            SuggestionState::Stale => "stale",
            SuggestionState::Undone => "undone",
        }
    }
}

/// The write a suggestion proposes: one typed change to one ticket, the alternatives the
/// model may choose among instead (other assignees, say), and the ticket as the user saw it,
/// which the tracker must still show when the write happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub source: String,
    pub action: TrackerAction,
    pub alternatives: Vec<Change>,
    pub seen: Seen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Stable across refreshes: kind and subject (and the other ticket, for duplicates).
    pub id: String,
    pub kind: Kind,
    pub subject: Subject,
    /// `None` for advisory kinds (flag a project at risk, rebalance).
    pub proposal: Option<Proposal>,
    pub evidence: Vec<Evidence>,
    /// 0..=1.
    pub confidence: f64,
    pub band: Band,
    /// How much acting on it matters, for ordering (higher first at equal confidence).
    pub impact: f64,
    /// A hash of the evidence values: a decision holds while it matches.
    pub fingerprint: u64,
    /// One line, made from the evidence (the model may reword it; display only).
    pub rationale: String,
    /// The other ticket of a duplicate pair.
    pub related: Option<Subject>,
    pub state: SuggestionState,
}

/// Why a suggestion was rejected: a short list, plus free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    Wrong,
    NotNow,
    AlreadyHandled,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 4] = [
        RejectReason::Wrong,
        RejectReason::NotNow,
        RejectReason::AlreadyHandled,
        RejectReason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RejectReason::Wrong => "wrong",
            RejectReason::NotNow => "not now",
            RejectReason::AlreadyHandled => "already handled",
            RejectReason::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accept,
    Reject,
    Undo,
}

/// One decision of the user about one suggestion, kept for good (the audit log holds it too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub suggestion: String,
    pub kind: Kind,
    pub subject: Subject,
    pub verdict: Verdict,
    pub at: DateTime<Utc>,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
    pub fingerprint: u64,
    /// The write an accept made (or an undo reverted), with the ticket's values before it.
    pub write: Option<(TrackerAction, Facts)>,
}

impl Decision {
    /// A decision about `s` taken now, with no reason, note or write yet.
    pub fn about(s: &Suggestion, verdict: Verdict) -> Decision {
        Decision {
            suggestion: s.id.clone(),
            kind: s.kind,
            subject: s.subject.clone(),
            verdict,
            at: Utc::now(),
            reason: None,
            note: None,
            fingerprint: s.fingerprint,
            write: None,
        }
    }
}
