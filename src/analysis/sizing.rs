//! How big a project's work usually is: the P90 of its delivered cycle times and of its
//! estimates, the yardsticks an oversized item is judged against.
//!
//! The stall baselines keep only the percentiles stall detection asks for (P50 to P85); this
//! is the one further number the split rule needs, counted the same way (inverted CDF,
//! delivered work only).

use super::flow::cycle_times;
use super::quantile;
use crate::domain::Ticket;

/// The percentile an item is judged oversized against.
pub const LEVEL: f64 = 0.9;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sizing {
    /// P90 of delivered cycle times, in days, with the number of samples behind it.
    pub cycle_p90: Option<f64>,
    pub cycle_samples: usize,
    /// P90 of every estimate the project's tickets carry, with the number of them.
    pub estimate_p90: Option<f64>,
    pub estimate_samples: usize,
}

impl Sizing {
    pub fn of(tickets: &[&Ticket]) -> Sizing {
        let cycles = cycle_times(tickets);
        let estimates: Vec<f64> = tickets
            .iter()
            .filter_map(|t| t.estimate)
            .filter(|e| e.is_finite() && *e > 0.0)
            .collect();
        Sizing {
            cycle_p90: quantile::of(&cycles, LEVEL),
            cycle_samples: cycles.len(),
            estimate_p90: quantile::of(&estimates, LEVEL),
            estimate_samples: estimates.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StatusCategory;
    use chrono::{Duration, Utc};

    #[test]
    fn p90_of_delivered_cycle_times_and_of_estimates() {
        let now = Utc::now();
        let tickets: Vec<Ticket> = (1..=10)
            .map(|i| Ticket {
                category: StatusCategory::Done,
                status: "Done".into(),
                started: Some(now),
                resolved: Some(now + Duration::days(i)),
                estimate: Some(i as f64),
                ..Ticket::stub(i as u64, now)
            })
            .collect();
        let refs: Vec<&Ticket> = tickets.iter().collect();
        let s = Sizing::of(&refs);
        assert_eq!((s.cycle_p90, s.cycle_samples), (Some(9.0), 10));
        assert_eq!((s.estimate_p90, s.estimate_samples), (Some(9.0), 10));
        assert_eq!(Sizing::of(&[]).cycle_p90, None);
    }
}
