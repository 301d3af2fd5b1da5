//! How GitLab says "slow down", read before the shared policy judges an answer.
//!
//! A 429 with `Retry-After` is the shared policy's case. One with only `RateLimit-Reset`
//! waits until that reset. One without either (some proxies in front of self-managed
//! instances strip headers) backs off exponentially, from the policy's base, doubling with
//! each 429 the same request meets.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::Utc;

use crate::sources::http::{Answer, Verdict, reset_at};

/// The verdict on one unsuccessful answer; `misses` counts this request's 429s so far.
pub fn classify(answer: &Answer<'_>, base: Duration, misses: &AtomicU32) -> Verdict {
    if answer.status != 429 {
        return Verdict::Policy;
    }
    if answer.header("retry-after").is_some() {
        return Verdict::Policy;
    }
    let now = Utc::now();
    if let Some(at) = answer
        .header("ratelimit-reset")
        .and_then(|v| reset_at(v, now))
    {
        return Verdict::Wait((at - now).to_std().unwrap_or(Duration::ZERO));
    }
    let n = misses.fetch_add(1, Ordering::Relaxed).min(16);
    Verdict::BackOff(base.saturating_mul(1 << n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn verdict(status: u16, headers: &[(&'static str, &str)], misses: &AtomicU32) -> Verdict {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        let answer = Answer {
            status,
            headers: &map,
            body: "",
        };
        classify(&answer, Duration::from_millis(100), misses)
    }

    #[test]
    fn a_bare_429_backs_off_longer_each_time() {
        let misses = AtomicU32::new(0);
        let ms = |v| match v {
            Verdict::BackOff(d) => d.as_millis(),
            other => panic!("expected a backoff, got {other:?}"),
        };
        assert_eq!(ms(verdict(429, &[], &misses)), 100);
        assert_eq!(ms(verdict(429, &[], &misses)), 200);
        assert_eq!(ms(verdict(429, &[], &misses)), 400);
        assert_eq!(verdict(500, &[], &misses), Verdict::Policy);
        assert_eq!(
            verdict(429, &[("retry-after", "3")], &misses),
            Verdict::Policy,
            "the shared policy honours Retry-After"
        );
        let reset = (Utc::now().timestamp() + 30).to_string();
        match verdict(429, &[("ratelimit-reset", &reset)], &misses) {
            Verdict::Wait(d) => assert!(d <= Duration::from_secs(30) && d.as_secs() >= 28),
            other => panic!("expected a wait, got {other:?}"),
        }
    }
}
