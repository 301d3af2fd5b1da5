//! The one HTTP policy every tracker connector uses.
//!
//! Connect and read timeouts, an overall deadline per request, and a size limit per answer;
//! retries with full-jitter exponential backoff on connection errors, timeouts, 5xx and
//! 429 (a POST only when it surely never reached the tracker, see `repeat`); `Retry-After`
//! (seconds or a date, on 429 and 503) honoured but capped (a tracker asking for an hour
//! must not freeze a sync task for an hour); 401 and 403 reported as
//! credential problems and never retried; redirects followed only within the origin the
//! request went to, since credentials travel in its headers; the tracker's rate-limit
//! headers kept as a budget the status bar can show, and a spent budget waited out until a
//! near reset instead of spent further into 429s.
//!
//! Connectors get whole, bounded bodies from here and never a `Response` to read on their
//! own, so no answer escapes the deadline or the limit.

mod body;
mod budget;
mod error;
mod policy;
mod redirect;
mod repeat;

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::rng::Rng;
use error::{Timeouts, transport};

pub use body::Body;
pub use budget::{Budget, reset_at, retry_after};
pub use error::{HttpError, Waiting};
pub use policy::Policy;
pub use repeat::Repeat;

/// An answer the shared policy would judge by its status alone, shown to a connector first:
/// trackers signal some things their own way (GitHub's spent rate limit is a 403 with
/// `x-ratelimit-remaining: 0`, Linear's a 400 that says `RATELIMITED`).
pub struct Answer<'a> {
    pub status: u16,
    pub headers: &'a reqwest::header::HeaderMap,
    /// The start of the body, cleaned (see `Body::error_snippet`).
    pub body: &'a str,
}

impl Answer<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// What a connector makes of an unsuccessful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The shared policy decides (401/403 credentials, 429/5xx retried, other final).
    Policy,
    /// A rate limit: wait this long, then ask again (a wait past the policy's cap fails the
    /// request with `RateLimited` instead of holding the sync).
    Wait(Duration),
    /// A rate limit without a stated wait: back off, at least this long.
    BackOff(Duration),
    /// The credentials were refused: never retried.
    Auth,
    /// Final, as any other refusal.
    Final,
}

/// A connector's reading of unsuccessful answers; see `Verdict`.
pub type Classify = dyn Fn(&Answer<'_>) -> Verdict + Send + Sync;

pub struct Http {
    client: reqwest::Client,
    policy: Policy,
    jitter: Mutex<Rng>,
    budget: Mutex<Budget>,
}

/// How one attempt ended, when it did not bring an answer.
enum Failure {
    /// Worth another attempt after a backoff.
    Retry(HttpError),
    /// Worth another attempt after a backoff, and the request surely never reached the
    /// tracker: even a change sent once may go again.
    Unsent(HttpError),
    /// Worth another attempt after the wait the tracker asked for.
    RetryAfter(HttpError, Duration),
    /// Worth another attempt after a backoff of at least this long.
    RetryNoSooner(HttpError, Duration),
    Final(HttpError),
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
            .redirect(redirect::policy())
            .user_agent(concat!("lookout/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Setup {
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

    pub fn budget(&self) -> Budget {
        *self.budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The budget, if the tracker has reported one at all.
    pub fn reported_budget(&self) -> Option<Budget> {
        Some(self.budget()).filter(|b| b.remaining.is_some())
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: self.policy.connect_timeout,
            read: self.policy.read_timeout,
        }
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
    /// GitHub keeps separate budgets (`x-ratelimit-resource`: `core` for REST, `graphql`,
    /// `search`, ...); only the REST one is kept, or a spent GraphQL budget would hold off
    /// the REST requests that have budget left. A spent budget of another kind is still
    /// waited out when that request itself is refused.
    fn note_budget(&self, r: &Response) {
        if header(r, &["x-ratelimit-resource"])
            .is_some_and(|k| !k.trim().eq_ignore_ascii_case("core"))
        {
            return;
        }
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

    /// Sends the request `build` makes (again on each retry) and returns the successful
    /// answer's body, read whole within the policy's size limit.
    pub async fn body(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Body, HttpError> {
        self.body_classified(build, None).await
    }

    /// `body`, with the connector's `classify` judging unsuccessful answers before the
    /// shared policy does.
    pub async fn body_classified(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
        classify: Option<&Classify>,
    ) -> Result<Body, HttpError> {
        self.body_as(Repeat::ByMethod, build, classify).await
    }

    /// `body_classified`, with `repeat` saying whether the request may be sent again after
    /// an attempt that may have reached the tracker (see `Repeat`).
    pub async fn body_as(
        &self,
        repeat: Repeat,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
        classify: Option<&Classify>,
    ) -> Result<Body, HttpError> {
        let mut attempt = 0;
        loop {
            self.hold_off().await;
            let request = build(&self.client);
            let (url, method) = request
                .try_clone()
                .and_then(|r| r.build().ok())
                .map(|r| (r.url().to_string(), r.method().clone()))
                .unwrap_or_default();
            let once = repeat.once(&method);
            let end = |e: HttpError| if once { repeat::ended_once(e) } else { e };
            // The deadline covers one exchange, not the waits between attempts: those are
            // lookout's own choice and bounded by the policy already.
            let exchange =
                tokio::time::timeout(self.policy.deadline, self.exchange(request, &url, classify));
            let failure = match exchange.await {
                Ok(Ok(body)) => return Ok(body),
                // A server still answering at the deadline is not asked again: another
                // attempt would most likely hold the sync as long once more.
                Err(_) => {
                    return Err(end(HttpError::TimedOut {
                        url,
                        after: self.policy.deadline,
                        waiting: Waiting::Deadline,
                    }));
                }
                Ok(Err(Failure::Final(e))) => return Err(end(e)),
                Ok(Err(Failure::Retry(e))) if once => return Err(end(e)),
                // Put off without a stated wait: refused, not applied, and not worth a guess
                // at when the tracker takes it.
                Ok(Err(Failure::RetryNoSooner(e, _))) if once => return Err(e),
                Ok(Err(Failure::RetryAfter(e, wait))) => {
                    if wait > self.policy.retry_after_cap {
                        return Err(HttpError::RateLimited {
                            seconds: wait.as_secs_f64().ceil() as u64,
                        });
                    }
                    if attempt >= self.policy.retries {
                        return Err(e);
                    }
                    tracing::info!(%url, ?wait, "asked to wait; waiting as asked");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                Ok(Err(Failure::Retry(e) | Failure::Unsent(e))) => (e, Duration::ZERO),
                Ok(Err(Failure::RetryNoSooner(e, floor))) => (e, floor),
            };
            let (failure, floor) = failure;
            if attempt >= self.policy.retries {
                return Err(failure);
            }
            let wait = self.backoff(attempt).max(floor);
            if wait > self.policy.retry_after_cap {
                return Err(HttpError::RateLimited {
                    seconds: wait.as_secs_f64().ceil() as u64,
                });
            }
            tracing::info!(%failure, ?wait, attempt, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// `body`, for requests whose answer says nothing beyond its status (writes).
    pub async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(), HttpError> {
        self.body(build).await.map(drop)
    }

    /// `body`, then parsed as JSON of type `T`.
    pub async fn json<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<T, HttpError> {
        self.body(build).await?.parse()
    }

    /// One attempt: the request, its answer's status, and its body.
    async fn exchange(
        &self,
        request: RequestBuilder,
        url: &str,
        classify: Option<&Classify>,
    ) -> Result<Body, Failure> {
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                let err = transport(&e, url, self.timeouts(), false);
                return Err(if e.is_connect() {
                    Failure::Unsent(err)
                } else if e.is_timeout() || e.is_request() {
                    Failure::Retry(err)
                } else {
                    Failure::Final(err)
                });
            }
        };
        self.note_budget(&response);
        let status = response.status();
        if status.is_success() {
            // A write that succeeded must not be sent again over a lost body: the failure
            // to read it is final.
            return Body::read(response, self.policy.max_body, self.timeouts())
                .await
                .map_err(Failure::Final);
        }
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Body::empty(&response));
        }
        if let Some(refused) = redirect::refused(&response) {
            return Err(Failure::Final(refused));
        }
        if let Some(classify) = classify {
            let headers = response.headers().clone();
            let body = Body::error_snippet(response).await;
            let answer = Answer {
                status: status.as_u16(),
                headers: &headers,
                body: &body,
            };
            let verdict = classify(&answer);
            let err = || HttpError::Status {
                status: status.as_u16(),
                url: url.to_string(),
                body: body.clone(),
            };
            match verdict {
                Verdict::Policy => {}
                Verdict::Wait(wait) => return Err(Failure::RetryAfter(err(), wait)),
                Verdict::BackOff(floor) => return Err(Failure::RetryNoSooner(err(), floor)),
                Verdict::Auth => {
                    return Err(Failure::Final(HttpError::Auth {
                        status: status.as_u16(),
                        url: url.to_string(),
                    }));
                }
                Verdict::Final => return Err(Failure::Final(err())),
            }
            return Err(Self::by_status(status, &headers, err()));
        }
        let headers = response.headers().clone();
        let err = HttpError::Status {
            status: status.as_u16(),
            url: url.to_string(),
            body: Body::error_snippet(response).await,
        };
        Err(Self::by_status(status, &headers, err))
    }

    /// The shared policy: 401 and 403 are credentials (never retried), 429 and 503 wait as
    /// `Retry-After` asks, 429 and 5xx are retried, anything else is final.
    fn by_status(
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        err: HttpError,
    ) -> Failure {
        let url = match &err {
            HttpError::Status { url, .. } => url.clone(),
            _ => String::new(),
        };
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Failure::Final(HttpError::Auth {
                status: status.as_u16(),
                url,
            });
        }
        let retry_after = headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, Utc::now()));
        let asks_to_wait =
            status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE;
        match retry_after.filter(|_| asks_to_wait) {
            Some(wait) => Failure::RetryAfter(err, wait),
            None if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() => {
                Failure::Retry(err)
            }
            None => Failure::Final(err),
        }
    }
}
