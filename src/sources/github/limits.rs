//! GitHub's rate limits, read from its answers before the shared policy sees them.
//!
//! GitHub says "rate limited" with 403 as well as 429. The primary limit is spent when
//! `x-ratelimit-remaining` is 0: wait until `x-ratelimit-reset`. A secondary limit comes with
//! `retry-after` (wait that long) or without it (wait at least a minute, doubling each time
//! it comes back). A 403 with none of these is what it says: the token may not do this.
//! Every wait is held to the policy's cap by the HTTP layer, which fails the sync with a
//! rate-limited message instead of waiting longer.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::sources::http::{Answer, Verdict, reset_at, retry_after};

/// The least GitHub asks for after a secondary limit without `retry-after`.
pub const SECONDARY_FLOOR: Duration = Duration::from_secs(60);

/// One request's reading of GitHub's answers; it counts the secondary limits it met, for
/// the backoff to grow.
#[derive(Debug, Default)]
pub struct Limits {
    secondary: AtomicU32,
}

impl Limits {
    pub fn classify(&self, a: &Answer<'_>, now: DateTime<Utc>) -> Verdict {
        if a.status != 403 && a.status != 429 {
            return Verdict::Policy;
        }
        if let Some(wait) = a.header("retry-after").and_then(|v| retry_after(v, now)) {
            return Verdict::Wait(wait);
        }
        if a.header("x-ratelimit-remaining").map(str::trim) == Some("0") {
            let reset = a.header("x-ratelimit-reset").and_then(|v| reset_at(v, now));
            return match reset {
                // A second more: the reset is in whole seconds and clocks differ a little.
                Some(at) => Verdict::Wait(
                    (at - now).to_std().unwrap_or(Duration::ZERO) + Duration::from_secs(1),
                ),
                None => self.back_off(),
            };
        }
        let secondary = a.status == 429 || a.body.to_ascii_lowercase().contains("rate limit");
        if secondary {
            self.back_off()
        } else {
            Verdict::Auth
        }
    }

    fn back_off(&self) -> Verdict {
        let n = self.secondary.fetch_add(1, Ordering::Relaxed).min(8);
        Verdict::BackOff(SECONDARY_FLOOR * (1u32 << n))
    }
}

/// The `rel="next"` address of a `Link` header, as GitHub wrote it. Addresses are read
/// between their angle brackets, since a query may hold commas.
pub fn next_link(link: &str) -> Option<&str> {
    let mut rest = link;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let tail = &after[close + 1..];
        let params = &tail[..tail.find('<').unwrap_or(tail.len())];
        let next = params.split([';', ',']).any(|p| {
            let p: String = p
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '"')
                .collect();
            p.eq_ignore_ascii_case("rel=next")
        });
        if next {
            return Some(target);
        }
        rest = tail;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn verdict(
        limits: &Limits,
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
    ) -> Verdict {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        limits.classify(
            &Answer {
                status,
                headers: &map,
                body,
            },
            now,
        )
    }

    #[test]
    fn each_of_github_s_signals_is_read() {
        let l = Limits::default();
        assert_eq!(
            verdict(
                &l,
                403,
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1800000030")
                ],
                ""
            ),
            Verdict::Wait(Duration::from_secs(31))
        );
        assert_eq!(
            verdict(&l, 429, &[("retry-after", "7")], ""),
            Verdict::Wait(Duration::from_secs(7))
        );
        assert_eq!(
            verdict(&l, 403, &[], "You have exceeded a secondary rate limit"),
            Verdict::BackOff(Duration::from_secs(60))
        );
        assert_eq!(
            verdict(&l, 429, &[], ""),
            Verdict::BackOff(Duration::from_secs(120)),
            "again: twice as long"
        );
        assert_eq!(
            verdict(&l, 403, &[], "Resource not accessible"),
            Verdict::Auth
        );
        assert_eq!(verdict(&l, 500, &[], ""), Verdict::Policy);
    }

    #[test]
    fn the_next_page_is_the_one_github_names() {
        let link = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=9>; rel="last""#;
        assert_eq!(
            next_link(link),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(
            next_link(r#"<https://x/?labels=a,b&page=3>; rel="next""#),
            Some("https://x/?labels=a,b&page=3"),
            "a comma in the address is part of it"
        );
    }
}
