//! The limits every tracker request lives within: timeouts, the deadline of one request,
//! the size of an answer, retries and how long lookout waits when asked to.
//!
//! Only numbers live here; the code that enforces them is in the rest of `http`.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub connect_timeout: Duration,
    /// The longest silence while waiting for an answer or the rest of one.
    pub read_timeout: Duration,
    /// The longest one request may take, from connecting to the last byte of the answer.
    /// The read timeout alone cannot bound it: a server that sends a byte every few
    /// seconds is never silent for long.
    pub deadline: Duration,
    /// The most lookout reads of one answer; a larger one fails the request.
    pub max_body: u64,
    /// Retries after the first attempt.
    pub retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` lookout waits; longer requests fail the sync instead.
    pub retry_after_cap: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            // A page of Jira changelogs for a thousand issues is a few MiB; two minutes
            // leaves room for that over a slow link, and not for a server that drips.
            deadline: Duration::from_secs(120),
            max_body: 64 << 20,
            retries: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(120),
        }
    }
}
