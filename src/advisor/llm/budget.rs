//! What the model cost today: calls, tokens in and out, and their cost at the configured
//! prices, per UTC day and kept across restarts, so the daily budget holds however often
//! lookout is started.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One UTC day of model calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub day: NaiveDate,
    pub calls: u32,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// In the currency of the configured prices.
    pub cost: f64,
}

impl Usage {
    pub fn none(day: NaiveDate) -> Usage {
        Usage {
            day,
            calls: 0,
            tokens_in: 0,
            tokens_out: 0,
            cost: 0.0,
        }
    }
}

impl std::fmt::Display for Usage {
    /// The status line's reading: "AI today: 3 calls, 12.4k tokens in, 1.2k out, cost 0.04".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tokens = |n: u64| {
            if n >= 1000 {
                format!("{:.1}k", n as f64 / 1000.0)
            } else {
                n.to_string()
            }
        };
        write!(
            f,
            "AI today: {} call{}, {} tokens in, {} out, cost {:.2}",
            self.calls,
            if self.calls == 1 { "" } else { "s" },
            tokens(self.tokens_in),
            tokens(self.tokens_out),
            self.cost
        )
    }
}

pub struct Ledger {
    file: Option<PathBuf>,
    today: Mutex<Usage>,
}

impl Ledger {
    pub fn open(file: Option<PathBuf>, now: DateTime<Utc>) -> Ledger {
        let usage = file
            .as_deref()
            .and_then(super::files::read::<Usage>)
            .unwrap_or_else(|| Usage::none(now.date_naive()));
        Ledger {
            file,
            today: Mutex::new(usage),
        }
    }

    /// The usage of `now`'s day (nothing yet, once the day has turned).
    pub fn usage(&self, now: DateTime<Utc>) -> Usage {
        let day = now.date_naive();
        match self.today.lock() {
            Ok(u) if u.day == day => u.clone(),
            _ => Usage::none(day),
        }
    }

    /// Whether today's calls already cost `budget` or more.
    pub fn spent(&self, budget: Option<f64>, now: DateTime<Utc>) -> bool {
        budget.is_some_and(|b| self.usage(now).cost >= b)
    }

    /// Counts one call and saves the day's total.
    pub fn record(&self, tokens_in: u64, tokens_out: u64, cost: f64, now: DateTime<Utc>) -> Usage {
        let day = now.date_naive();
        let Ok(mut u) = self.today.lock() else {
            return Usage::none(day);
        };
        if u.day != day {
            *u = Usage::none(day);
        }
        u.calls += 1;
        u.tokens_in += tokens_in;
        u.tokens_out += tokens_out;
        u.cost += cost;
        if let Some(file) = &self.file {
            super::files::write(file, &*u);
        }
        u.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn a_day_adds_up_and_the_next_starts_at_zero() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("usage.json");
        let ledger = Ledger::open(Some(file.clone()), at(1, 9));
        ledger.record(1000, 200, 0.5, at(1, 9));
        ledger.record(1000, 200, 0.6, at(1, 23));
        assert!(ledger.spent(Some(1.0), at(1, 23)));
        assert!(!ledger.spent(None, at(1, 23)));
        let reopened = Ledger::open(Some(file), at(1, 23));
        let u = reopened.usage(at(1, 23));
        assert_eq!((u.calls, u.tokens_in, u.tokens_out), (2, 2000, 400));
        assert!(!reopened.spent(Some(1.0), at(2, 0)));
        assert_eq!(reopened.record(1, 1, 0.1, at(2, 1)).calls, 1);
    }

    #[test]
    fn reads_as_one_line() {
        let mut u = Usage::none(at(1, 0).date_naive());
        u.calls = 3;
        u.tokens_in = 12_400;
        u.tokens_out = 950;
        u.cost = 0.041;
        assert_eq!(
            u.to_string(),
            "AI today: 3 calls, 12.4k tokens in, 950 out, cost 0.04"
        );
    }
}
