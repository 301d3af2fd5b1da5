//! Flag a project at risk, from three signals (any one is enough): the forecast gives its
//! target date less than an even chance (the health's delivery evidence), delivery in the
//! last four weeks fell below half of the (up to) twelve weeks before (at least four of them,
//! at least one a week usually),
//! or four weeks brought at least eight new tickets and half again as many as were
//! delivered (the health's flow-balance evidence). Advisory: nothing is written.

use super::candidate::{Draft, evidence};
use super::context::Context;
use crate::domain::{Evidence, Kind, Signal, Subject, Unit};

/// A target chance under this is at risk.
pub const TARGET_CHANCE: f64 = 0.5;
/// Recent delivery under this share of the usual is a drop...
pub const THROUGHPUT_DROP: f64 = 0.5;
/// ...when the usual is at least this many a week.
pub const MIN_USUAL_PER_WEEK: f64 = 1.0;
/// Arrivals at least this many times the deliveries...
pub const SCOPE_GROWTH: f64 = 1.5;
/// ...and at least this many arrivals in four weeks.
pub const MIN_ARRIVALS: f64 = 8.0;

/// Delivered per week in the last 4 weeks of `w` (oldest first), and in the (up to) 12
/// weeks before them; `None` with fewer than 8 weeks.
pub fn throughput(w: &[u32]) -> Option<(f64, f64)> {
    let n = w.len();
    if n < 8 {
        return None;
    }
    let mean = |s: &[u32]| s.iter().map(|x| f64::from(*x)).sum::<f64>() / s.len() as f64;
    Some((mean(&w[n - 4..]), mean(&w[n.saturating_sub(16)..n - 4])))
}

fn component_evidence(c: Option<&crate::analysis::health::Component>) -> Option<&Evidence> {
    c?.evidence.first()
}

pub fn flag(c: &Context<'_>, out: &mut Vec<Draft>) {
    for p in &c.analysis.projects {
        let mut found = Vec::new();
        let mut weight = 0.0;
        if let Some(e) = component_evidence(p.health.delivery.as_ref())
            .filter(|e| e.signal == Signal::TargetChance && e.value < TARGET_CHANCE)
        {
            weight += 1.0 + (TARGET_CHANCE - e.value) * 2.0;
            found.push(e.clone());
        }
        if let Some((recent, usual)) = throughput(&p.weekly_delivered)
            && usual >= MIN_USUAL_PER_WEEK
            && recent < THROUGHPUT_DROP * usual
        {
            weight += 1.0 - recent / usual;
            found.push(evidence(
                Signal::Throughput,
                recent,
                Some(usual),
                Unit::PerWeek,
            ));
        }
        if let Some(e) = component_evidence(p.health.balance.as_ref()).filter(|e| {
            let delivered = e.baseline.unwrap_or(0.0);
            e.signal == Signal::ScopeGrowth
                && e.value >= MIN_ARRIVALS
                && e.value >= SCOPE_GROWTH * delivered.max(1.0)
        }) {
            weight += (e.value / e.baseline.unwrap_or(0.0).max(1.0) / 3.0).min(1.0);
            found.push(e.clone());
        }
        if found.is_empty() {
            continue;
        }
        // Little history makes every one of these signals less certain.
        let thin = p
            .health
            .data
            .as_ref()
            .and_then(|d| d.risk)
            .is_some_and(|r| r >= 1.0);
        let confidence = 0.45 + 0.15 * found.len() as f64 - if thin { 0.15 } else { 0.0 };
        let open = (p.todo + p.in_progress) as f64;
        out.push(Draft {
            kind: Kind::FlagRisk,
            subject: Subject::Project {
                source: p.source.clone(),
                key: p.key.clone(),
            },
            related: None,
            proposal: None,
            evidence: found,
            confidence,
            impact: weight * (1.0 + open.ln_1p() / 2.0),
            lead: format!("{} is at risk", p.name),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::throughput;

    #[test]
    fn recent_weeks_against_up_to_twelve_before() {
        assert_eq!(throughput(&[3; 7]), None, "too few weeks");
        assert_eq!(throughput(&[2, 2, 2, 2, 1, 1, 1, 1]), Some((1.0, 2.0)));
        let mut w = vec![9; 10];
        w.extend([4; 12]);
        w.extend([0, 1, 0, 1]);
        assert_eq!(throughput(&w), Some((0.5, 4.0)), "older weeks are left out");
    }
}
