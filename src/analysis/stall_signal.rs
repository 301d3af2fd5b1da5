//! One stall signal: its typed evidence, how severe it is, and the words the Stalled screen
//! reads for it, made from that evidence ("In Review 9d; P85 of In Review here: 3d").
//!
//! Time in status and age are judged against the project's percentiles: a signal above the
//! warn percentile warns, above the flag percentile flags. Their evidence keeps the flag
//! percentile as its baseline, whichever was crossed, so every reader compares against the
//! same yardstick; the sentence names the one crossed.

use super::baseline::Yardstick;
use super::stalled::{Severity, StallPolicy, format_days};
use crate::domain::{Evidence, Signal as Sign, Unit};

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
