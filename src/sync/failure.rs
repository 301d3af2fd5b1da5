//! Why a sync failed, as the loop and the status bar need it: what kind of failure (so the
//! loop knows whether waiting can help, and the status bar what the user should do) and the
//! message for the log and the detail.
//!
//! It never carries a tracker's credentials or raw bodies beyond the short, sanitised snippet
//! the HTTP layer already made.

use super::SyncError;
use crate::sources::SourceError;
use crate::text::Clean;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The tracker rejected the credentials: retrying can lock the account.
    Credentials,
    /// The source's settings cannot work (an unset token variable, say).
    Config,
    /// Network trouble: connection refused, timeouts, 5xx.
    Unreachable,
    /// The tracker asked lookout to slow down for longer than it waits.
    RateLimited,
    /// The tracker answered with an error lookout did not expect (404, 400, ...).
    Tracker,
    /// The tracker's answer could not be read.
    BadData,
    /// lookout's own store failed.
    Store,
}

impl FailureKind {
    /// Whether the sync loop tries again on its own. Rejected credentials are never retried
    /// (repeated bad logins lock Jira accounts) and broken settings cannot fix themselves:
    /// those wait for the user's refresh or a restart with a changed config.
    pub fn retried(self) -> bool {
        !matches!(self, FailureKind::Credentials | FailureKind::Config)
    }

    /// What the user can do about it, short enough for the status bar.
    pub fn advice(self) -> &'static str {
        match self {
            FailureKind::Credentials => "credentials rejected: fix the token, then press r",
            FailureKind::Config => "config problem: fix it, then press r",
            FailureKind::Unreachable => "tracker unreachable",
            FailureKind::RateLimited => "rate limited by the tracker",
            FailureKind::Tracker => "tracker error",
            FailureKind::BadData => "unreadable answer",
            FailureKind::Store => "store error",
        }
    }
}

/// One failed sync, owned, for the event channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// Cleaned: it may quote a tracker's answer.
    pub message: Clean,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&SourceError> for FailureKind {
    fn from(e: &SourceError) -> Self {
        match e {
            SourceError::Auth(_) => FailureKind::Credentials,
            SourceError::Config(_) => FailureKind::Config,
            SourceError::Unreachable(_) => FailureKind::Unreachable,
            SourceError::RateLimited(_) => FailureKind::RateLimited,
            SourceError::Invalid(_) => FailureKind::BadData,
            SourceError::Refused(_) | SourceError::NotFound(_) | SourceError::Unsupported(_) => {
                FailureKind::Tracker
            }
        }
    }
}

impl From<&SyncError> for Failure {
    fn from(e: &SyncError) -> Self {
        let kind = match e {
            SyncError::Source(s) => FailureKind::from(s),
            SyncError::Store(_) | SyncError::Task(_) => FailureKind::Store,
        };
        Failure {
            kind,
            message: Clean::new(e.to_string()),
        }
    }
}
