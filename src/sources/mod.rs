//! Where tickets come from: the `Source` trait and its connectors.
//!
//! A source turns a tracker's view of the world into domain change sets. It never touches the
//! store or the UI; the sync loop owns when it runs and what happens with what it returns.

pub mod connector;
pub mod connectwise;
pub mod csv;
pub mod demo;
pub mod github;
pub mod gitlab;
pub mod http;
pub mod jira;
mod lenient;
pub mod redmine;
pub mod registry;
mod sweep;
mod window;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use crate::domain::{Change, Facts, Seen, TrackerAction};
pub use http::Budget;
pub use sweep::SweepClock;
pub use window::Window;

use crate::domain::{ChangeSet, Project};
use http::HttpError;

/// Why a sync of a source failed, phrased for the status bar.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error("cannot reach the tracker: {0}")]
    Unreachable(String),
    /// Only the HTTP layer says this, and its message names the status and the URL.
    #[error("{0}")]
    Auth(String),
    #[error("the tracker answered something lookout cannot read: {0}")]
    Invalid(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("the tracker refused the change: {0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unsupported(String),
    /// The source's settings cannot work (a credential variable unset, say).
    #[error("{0}")]
    Config(String),
}

/// A credential from the environment variable the config names; `hint` says where to get one.
pub fn secret(var: &str, key: &str, hint: &str) -> Result<String, SourceError> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        _ => Err(SourceError::Config(format!(
            "the environment variable {var} ({key}) is not set; put {hint} in it"
        ))),
    }
}

/// Each message says what went wrong once: the HTTP layer's text already names the URL and
/// the cause, so it is not wrapped in a second phrase that says the same.
impl From<HttpError> for SourceError {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::Auth { .. } => SourceError::Auth(e.to_string()),
            HttpError::Unreachable { url, reason } => {
                SourceError::Unreachable(format!("{reason} ({url})"))
            }
            HttpError::TimedOut { .. } | HttpError::CrossOrigin { .. } => {
                SourceError::Unreachable(e.to_string())
            }
            HttpError::RateLimited { .. } => SourceError::RateLimited(e.to_string()),
            HttpError::Invalid { url, reason } => SourceError::Invalid(format!("{url}: {reason}")),
            HttpError::TooLarge { .. } => SourceError::Invalid(e.to_string()),
            HttpError::Status { status, .. } if status >= 500 || status == 429 => {
                SourceError::Unreachable(e.to_string())
            }
            HttpError::Status { status: 404, .. } => SourceError::NotFound(e.to_string()),
            HttpError::Status { .. } => SourceError::Refused(e.to_string()),
            HttpError::Setup { .. } => SourceError::Config(e.to_string()),
        }
    }
}

/// What a trial read found: how many tickets read as a sync reads them, and what a sync
/// would skip or could not place, a line each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trial {
    pub read: usize,
    pub warnings: Vec<String>,
}

pub trait Source: Send {
    fn name(&self) -> &str;

    /// Everything changed since `cursor` (everything, when `None`), with the cursor to resume
    /// from once the returned change set is durably stored.
    fn fetch<'a>(
        &'a mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>>;

    /// The projects the source can see (for `lookout doctor`: reachable, authenticated,
    /// something visible). By default, those of a full fetch.
    fn projects(&mut self) -> BoxFuture<'_, Result<Vec<Project>, SourceError>> {
        Box::pin(async move { Ok(self.fetch(None, Utc::now()).await?.projects) })
    }

    /// One bounded read of what a sync reads, for `lookout doctor`: a page of a few tickets
    /// with the query and fields a sync uses, and what in it a sync would skip. `None` from
    /// sources without such a query (a file is checked by reading it).
    fn trial(&mut self) -> BoxFuture<'_, Result<Option<Trial>, SourceError>> {
        Box::pin(async { Ok(None) })
    }

    /// The ticket's writable fields as the tracker has them now, read fresh (for a write's
    /// precondition and its pre-image). Sources that cannot write say so.
    fn facts<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        let name = self.name().to_string();
        let _ = ticket;
        Box::pin(async move {
            Err(SourceError::Unsupported(format!(
                "{name} is read-only; cannot read {key} back for a change"
            )))
        })
    }

    /// The statuses the tracker's workflow lets this ticket move to now, in the tracker's
    /// order and with names as tickets show them (for a "move to" picker). Sources that
    /// cannot say so.
    fn statuses<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        let name = self.name().to_string();
        let _ = ticket;
        Box::pin(async move {
            Err(SourceError::Unsupported(format!(
                "{name} cannot list the statuses {key} may move to"
            )))
        })
    }

    /// Makes one change in the tracker. Sources that cannot write say so.
    fn apply<'a>(
        &'a mut self,
        action: &'a TrackerAction,
    ) -> BoxFuture<'a, Result<(), SourceError>> {
        let name = self.name().to_string();
        Box::pin(async move {
            Err(SourceError::Unsupported(format!(
                "{name} is read-only; cannot {action}"
            )))
        })
    }

    /// The tracker's rate-limit budget as of its last answer, where it reports one.
    fn budget(&self) -> Option<Budget> {
        None
    }
}
