//! What can go wrong with a request, in words that say what the user can do about it.
//!
//! Turns reqwest's errors into `HttpError`s that name the URL and the cause ("connection
//! refused by ...", "timed out after 30 s waiting for ...") rather than reqwest's generic
//! "error sending request"; never decides whether to retry.

use std::error::Error as _;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    #[error(
        "the tracker refused the credentials (HTTP {status}) for {url}; check the token and its permissions"
    )]
    Auth { status: u16, url: String },
    #[error("HTTP {status} from {url}: {body}")]
    Status {
        status: u16,
        url: String,
        body: String,
    },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("timed out after {} {}", span(*after), waiting.phrase(url))]
    TimedOut {
        url: String,
        after: Duration,
        waiting: Waiting,
    },
    #[error("the tracker asked to wait {seconds} s, longer than lookout waits; try again later")]
    RateLimited { seconds: u64 },
    #[error("the answer from {url} is not what lookout expected: {reason}")]
    Invalid { url: String, reason: String },
    #[error("the answer from {url} is larger than {}, the most lookout reads of one answer", size(*limit))]
    TooLarge { url: String, limit: u64 },
    #[error(
        "{from} redirects to {to}, another origin, and lookout sends no credentials there; \
         if the tracker has moved, put its new address in the config"
    )]
    CrossOrigin { from: String, to: String },
    #[error("the HTTP client cannot start: {reason}")]
    Setup { reason: String },
    /// A change sent once (see `Repeat`) that failed after it may have reached the tracker.
    #[error("{cause}; the change may have been applied, so check the tracker before trying again")]
    MayHaveApplied { cause: Box<HttpError> },
}

/// What a request was waiting for when its time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Connection,
    Answer,
    /// More of an answer that had begun.
    RestOfAnswer,
    /// The whole exchange, past the policy's deadline.
    Deadline,
}

impl Waiting {
    fn phrase(self, url: &str) -> String {
        match self {
            Waiting::Connection => format!("connecting to {url}"),
            Waiting::Answer => format!("waiting for an answer from {url}"),
            Waiting::RestOfAnswer => format!("waiting for the rest of the answer from {url}"),
            Waiting::Deadline => {
                format!("waiting for {url} to finish answering (the deadline for one request)")
            }
        }
    }
}

/// A duration as people write it: `500 ms`, `30 s`, `2 min`.
pub fn span(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A size as people write it: `512 bytes`, `4 KiB`, `64 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, scale) in UNITS {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{} {unit}", bytes / scale);
        }
    }
    format!("{bytes} bytes")
}

/// Which timeout of the policy ran out, for a reqwest error that is one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

/// A transport failure as an `HttpError`; `answering` says whether the answer had begun.
pub(super) fn transport(e: &reqwest::Error, url: &str, t: Timeouts, answering: bool) -> HttpError {
    if e.is_timeout() {
        let (after, waiting) = if e.is_connect() {
            (t.connect, Waiting::Connection)
        } else if answering {
            (t.read, Waiting::RestOfAnswer)
        } else {
            (t.read, Waiting::Answer)
        };
        return HttpError::TimedOut {
            url: url.to_string(),
            after,
            waiting,
        };
    }
    HttpError::Unreachable {
        url: url.to_string(),
        reason: cause(e, url),
    }
}

/// The cause at the bottom of reqwest's chain, phrased for people.
fn cause(e: &reqwest::Error, url: &str) -> String {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| url.to_string());
    let mut deepest = e.to_string();
    let mut dns = false;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return format!("connection refused by {host}"),
                ConnectionReset | ConnectionAborted | BrokenPipe => {
                    return format!("{host} dropped the connection");
                }
                _ => {}
            }
        }
        let text = s.to_string();
        // hyper-util names a failed lookup only in its message.
        dns |= text == "dns error";
        deepest = text;
        source = s.source();
    }
    if dns {
        format!("cannot look up {host}: {deepest}")
    } else {
        deepest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_as_people_write_them() {
        let s = |ms| span(Duration::from_millis(ms));
        assert_eq!(
            [s(300), s(1500), s(30_000), s(120_000), s(90_000)],
            ["300 ms", "1.5 s", "30 s", "2 min", "90 s"]
        );
        assert_eq!(
            [
                size(512),
                size(4 << 10),
                size(64 << 20),
                size(1 << 30),
                size(1500)
            ],
            ["512 bytes", "4 KiB", "64 MiB", "1 GiB", "1500 bytes"]
        );
    }
}
