//! The one HTTP policy every tracker connector uses.
//!
//! Connect and read timeouts; retries with full-jitter exponential backoff on connection
//! errors, timeouts, 5xx and 429; `Retry-After` (seconds or a date, on 429 and 503)
//! honoured but capped (a tracker asking for an hour must not freeze a sync task for an
//! hour); 401 and 403 reported as credential problems and never retried; the tracker's
//! rate-limit headers kept as a budget the status bar can show, and a spent budget waited
//! out until a near reset instead of spent further into 429s.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
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
            retries: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(120),
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    #[error(
        "the tracker refused the credentials (HTTP {status}); check the token and its permissions"
    )]
    Auth { status: u16 },
    #[error("HTTP {status} from {url}: {body}")]
    Status {
        status: u16,
        url: String,
        body: String,
    },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the tracker asked to wait {seconds} s, longer than lookout waits; try again later")]
    RateLimited { seconds: u64 },
    #[error("the answer from {url} is not what lookout expected: {reason}")]
    Invalid { url: String, reason: String },
}

pub struct Http {
    client: reqwest::Client,
    policy: Policy,
    jitter: Mutex<Rng>,
    budget: Mutex<Budget>,
}

/// The first characters of a body, for error messages (bodies can be whole HTML pages).
fn snippet(body: &str) -> String {
    let s: String = crate::text::sanitize(body).chars().take(160).collect();
    if body.chars().count() > 160 {
        format!("{s}...")
    } else {
        s
    }
}

fn header<'a>(r: &'a Response, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| r.headers().get(*n)?.to_str().ok())
}

fn header_u64(r: &Response, names: &[&str]) -> Option<u64> {
    header(r, names)?.trim().parse().ok()
}

impl Http {
    pub fn new(policy: Policy) -> Result<Http, HttpError> {
        let client = reqwest::Client::builder()
            .connect_timeout(policy.connect_timeout)
            .read_timeout(policy.read_timeout)
            .user_agent(concat!("lookout/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Unreachable {
                url: String::new(),
                reason: e.to_string(),
            })?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Ok(Http {
            client,
            policy,
            jitter: Mutex::new(Rng::new(seed)),
            budget: Mutex::default(),
        })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn budget(&self) -> Budget {
        *self.budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The budget, if the tracker has reported one at all.
    pub fn reported_budget(&self) -> Option<Budget> {
        Some(self.budget()).filter(|b| b.remaining.is_some())
    }

    /// Full jitter: a random wait up to the exponential bound, so many clients do not retry
    /// in step.
    fn backoff(&self, attempt: u32) -> Duration {
        let bound = self
            .policy
            .backoff_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.policy.backoff_max);
        let mut rng = self.jitter.lock().unwrap_or_else(|e| e.into_inner());
        bound.mul_f64(rng.unit())
    }

    /// The budget as of this answer; one without rate-limit headers clears it, so the
    /// status bar never shows a spent budget long after it refilled.
    fn note_budget(&self, r: &Response) {
        let now = Utc::now();
        let budget = Budget {
            remaining: header_u64(r, &["x-ratelimit-remaining", "ratelimit-remaining"]),
            limit: header_u64(r, &["x-ratelimit-limit", "ratelimit-limit"]),
            reset: header(r, &["x-ratelimit-reset", "ratelimit-reset"])
                .and_then(|v| reset_at(v, now)),
        };
        *self.budget.lock().unwrap_or_else(|e| e.into_inner()) = budget;
    }

    /// Waits out a spent budget before the next request when its reset is near. A reset
    /// further off than the cap is not trusted to block: budgets can be per endpoint, clocks
    /// skew, and the request itself gets a 429 with `Retry-After` if the tracker means it.
    async fn hold_off(&self) {
        let Some(wait) = self.budget().wait(Utc::now()) else {
            return;
        };
        if wait <= self.policy.retry_after_cap {
            tracing::info!(?wait, "rate-limit budget spent; waiting for its reset");
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends the request `build` makes (again on each retry) and returns a successful answer.
    pub async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, HttpError> {
        let mut attempt = 0;
        loop {
            self.hold_off().await;
            let request = build(&self.client);
            let url = request
                .try_clone()
                .and_then(|r| r.build().ok())
                .map(|r| r.url().to_string())
                .unwrap_or_default();
            let failure = match request.send().await {
                Err(e) => {
                    let err = HttpError::Unreachable {
                        url: url.clone(),
                        reason: e.to_string(),
                    };
                    if e.is_connect() || e.is_timeout() || e.is_request() {
                        err
                    } else {
                        return Err(err);
                    }
                }
                Ok(response) => {
                    self.note_budget(&response);
                    let status = response.status();
                    if status.is_success() {
                        return Ok(response);
                    }
                    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                        return Err(HttpError::Auth {
                            status: status.as_u16(),
                        });
                    }
                    let retry_after = header(&response, &["retry-after"])
                        .and_then(|v| retry_after(v, Utc::now()));
                    let body = snippet(&response.text().await.unwrap_or_default());
                    let err = HttpError::Status {
                        status: status.as_u16(),
                        url: url.clone(),
                        body,
                    };
                    let asks_to_wait = status == StatusCode::TOO_MANY_REQUESTS
                        || status == StatusCode::SERVICE_UNAVAILABLE;
                    if let Some(wait) = retry_after.filter(|_| asks_to_wait) {
                        if wait > self.policy.retry_after_cap {
                            return Err(HttpError::RateLimited {
                                seconds: wait.as_secs_f64().ceil() as u64,
                            });
                        }
                        if attempt < self.policy.retries {
                            tracing::info!(%url, ?wait, "asked to wait; waiting as asked");
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                        err
                    } else if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                        err
                    } else {
                        return Err(err);
                    }
                }
            };
            if attempt >= self.policy.retries {
                return Err(failure);
            }
            let wait = self.backoff(attempt);
            tracing::info!(%failure, ?wait, attempt, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// `send`, then the body as JSON of type `T`.
    pub async fn json<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<T, HttpError> {
        let body = self.body(build).await?;
        body.parse()
    }

    /// A successful response's whole body, for parsing into types that borrow from it.
    pub async fn body(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Body, HttpError> {
        let mut response = self.send(build).await?;
        let url = response.url().to_string();
        let unreachable = |e: reqwest::Error| HttpError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        };
        // Sized once from Content-Length (capped: the header is the server's word), instead
        // of growing a buffer chunk by chunk and copying it into one at the end.
        let expected = response.content_length().unwrap_or(0).min(MAX_PRESIZE);
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            bytes.extend_from_slice(&chunk);
        }
        Ok(Body { url, bytes })
    }
}

/// The most a body's buffer is sized for up front.
const MAX_PRESIZE: u64 = 8 << 20;

/// A response body and where it came from.
pub struct Body {
    url: String,
    bytes: Vec<u8>,
}

impl Body {
    /// The body as JSON. JSON is UTF-8 (RFC 8259): parsing the bytes skips a copy and a
    /// second UTF-8 pass, and strings without escapes can be borrowed from them.
    pub fn parse<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, HttpError> {
        self.parse_seed(std::marker::PhantomData::<T>)
    }

    /// The body as JSON, read by a seed that carries what the reading depends on.
    pub fn parse_seed<'a, S: serde::de::DeserializeSeed<'a>>(
        &'a self,
        seed: S,
    ) -> Result<S::Value, HttpError> {
        let mut reader = serde_json::Deserializer::from_slice(&self.bytes);
        let read = seed
            .deserialize(&mut reader)
            .and_then(|value| reader.end().map(|()| value));
        read.map_err(|e| HttpError::Invalid {
            url: self.url.clone(),
            reason: format!("{e} in {}", snippet(&String::from_utf8_lossy(&self.bytes))),
        })
    }
}
