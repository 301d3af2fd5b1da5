//! What trackers say about their rate limits: the budget left, when it refills, and how
//! long a `Retry-After` asks lookout to wait.
//!
//! Pure parsing of header values; never sleeps, never sends.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// What the tracker said about its rate limit on the last answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub remaining: Option<u64>,
    pub limit: Option<u64>,
    /// When the budget refills, where the tracker says.
    pub reset: Option<DateTime<Utc>>,
}

impl Budget {
    /// How long to hold off before the next request: until the reset, when none is left.
    pub fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        if self.remaining != Some(0) {
            return None;
        }
        (self.reset? - now).to_std().ok().filter(|d| !d.is_zero())
    }
}

/// A `Retry-After` value: delay seconds or an HTTP date (RFC 9110 allows both).
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    // A date already past means "now".
    Some(
        (at.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A rate-limit reset header: Unix seconds or milliseconds (GitHub, GitLab), seconds from
/// now (the IETF draft's `RateLimit-Reset`) or a timestamp (Jira's `2026-11-28T13:05Z`).
pub fn reset_at(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(n) = value.parse::<i64>() {
        // No delay is a billion seconds (31 years), and no epoch time in use is below it;
        // in milliseconds, epoch times have 13 digits.
        return if n >= 100_000_000_000 {
            DateTime::from_timestamp_millis(n)
        } else if n >= 1_000_000_000 {
            DateTime::from_timestamp(n, 0)
        } else {
            now.checked_add_signed(chrono::Duration::seconds(n))
        };
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%MZ") {
        return Some(t.and_utc());
    }
    DateTime::parse_from_rfc3339(value)
        .or_else(|_| DateTime::parse_from_rfc2822(value))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
