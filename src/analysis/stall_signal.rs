//! One stall signal: its typed evidence, how severe it is, and the words the Stalled screen
//! reads for it, made from that evidence ("In Review 9d; P85 of In Review here: 3d").
//!
//! Time in status and age are judged against the project's percentiles: a signal above the
//! warn percentile warns, above the flag percentile flags. Their evidence keeps the flag
//! percentile as its baseline, whichever was crossed, so every reader compares against the
//! same yardstick; the sentence names the one crossed.

use serde::{Deserialize, Serialize};

use super::baseline::Yardstick;
use super::stalled::{Severity, StallPolicy, format_days};
use crate::domain::{Evidence, Signal as Sign, Unit};

/// What a stall reading measures; the status it names is the ticket's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    InStatus,
    Age,
    Inactive,
    Blocked,
    Reopened,
}

/// One stall signal's numbers, as a stalled ticket keeps them: a large portfolio stalls by
/// the tens of thousands and each holds its readings for as long as it is shown, so they are
/// small (single precision is ample for days and counts) and name no status (the ticket
/// has it). `StalledTicket::evidence` reads them as `domain::Evidence`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub measure: Measure,
    pub value: f32,
    pub baseline: Option<f32>,
}

impl Reading {
    pub(super) fn of(e: &Evidence) -> Option<Reading> {
        let measure = match e.signal {
            Sign::InStatus { .. } => Measure::InStatus,
            Sign::Age => Measure::Age,
            Sign::Inactive => Measure::Inactive,
            Sign::Blocked { .. } => Measure::Blocked,
            Sign::Reopened => Measure::Reopened,
            _ => return None,
        };
        Some(Reading {
            measure,
            value: e.value as f32,
            baseline: e.baseline.map(|b| b as f32),
        })
    }

    /// The reading as evidence about a ticket in `status`.
    pub fn evidence(&self, status: &str) -> Evidence {
        let (signal, unit) = match self.measure {
            Measure::InStatus => (
                Sign::InStatus {
                    status: status.to_string(),
                },
                Unit::Days,
            ),
            Measure::Age => (Sign::Age, Unit::Days),
            Measure::Inactive => (Sign::Inactive, Unit::Days),
            Measure::Blocked => (
                Sign::Blocked {
                    status: status.to_string(),
                },
                Unit::Days,
            ),
            Measure::Reopened => (Sign::Reopened, Unit::Count),
        };
        Evidence {
            signal,
            value: f64::from(self.value),
            baseline: self.baseline.map(f64::from),
            unit,
        }
    }
}

pub(super) struct Signal {
    pub severity: Severity,
    pub ratio: f64,
    pub evidence: Evidence,
    /// For a percentile signal: the level crossed, its value and where it came from, which
    /// the sentence names (the evidence keeps the flag percentile).
    pub crossed: Option<(f64, f64, &'static str)>,
}

impl Signal {
    /// The reason's words for this signal, from its evidence.
    pub fn text(&self) -> String {
        let e = &self.evidence;
        match (&e.signal, self.crossed) {
            (Sign::InStatus { status }, Some((pct, threshold, basis))) => {
                percentile_text(status, e.value, pct, status, basis, threshold)
            }
            (Sign::Age, Some((pct, threshold, basis))) => {
                percentile_text("in progress", e.value, pct, "cycle time", basis, threshold)
            }
            (Sign::Blocked { status }, _) => {
                format!("blocked ({status}) for {}", format_days(e.value))
            }
            (Sign::Reopened, _) => format!("reopened {} times", e.value.round() as i64),
            (Sign::Inactive, _) => format!(
                "no change, note or time logged for {}",
                format_days(e.value)
            ),
            _ => e.sentence(),
        }
    }
}

/// "In Review 9d; P85 of In Review here: 3d".
fn percentile_text(
    subject: &str,
    value: f64,
    pct: f64,
    measure: &str,
    basis: &str,
    threshold: f64,
) -> String {
    format!(
        "{subject} {}; P{:.0} of {measure} {basis}: {}",
        format_days(value),
        pct * 100.0,
        format_days(threshold)
    )
}

/// Judges `value` days against the percentiles `y`: a signal above the warn or flag
/// percentile, carrying `signal` as its evidence.
pub(super) fn against(
    value: f64,
    y: Option<Yardstick<'_>>,
    policy: &StallPolicy,
    signal: Sign,
) -> Option<Signal> {
    let y = y?;
    let (warn, flag) = (
        y.quantile(policy.warn_quantile)?,
        y.quantile(policy.flag_quantile)?,
    );
    if value < policy.min_days {
        return None;
    }
    let (severity, threshold, pct) = if value > flag {
        (Severity::Flag, flag, policy.flag_quantile)
    } else if value > warn {
        (Severity::Warn, warn, policy.warn_quantile)
    } else {
        return None;
    };
    Some(Signal {
        severity,
        ratio: value / threshold.max(1e-9),
        evidence: Evidence {
            signal,
            value,
            baseline: Some(flag),
            unit: Unit::Days,
        },
        crossed: Some((pct, threshold, y.basis())),
    })
}
