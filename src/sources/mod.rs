//! Where tickets come from: the `Source` trait and its connectors.
//!
//! A source turns a tracker's view of the world into domain change sets. It never touches the
//! store or the UI; the sync loop owns when it runs and what happens with what it returns.

pub mod csv;
pub mod demo;
pub mod http;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use crate::domain::ChangeSet;

/// Why a sync of a source failed, phrased for the status bar.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error("cannot reach the tracker: {0}")]
    Unreachable(String),
    #[error("the tracker refused our credentials: {0}")]
    Auth(String),
    #[error("the tracker answered something lookout cannot read: {0}")]
    Invalid(String),
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
}
