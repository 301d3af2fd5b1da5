//! The background sync loop: one tokio task per source, each on its own interval.
//!
//! A task asks its source for what changed since the stored cursor, writes the change set to
//! the store (atomically, with the new cursor, off the async threads) and reports what
//! happened as an owned `SyncEvent`. Failures back off exponentially up to the interval; a
//! failure only the user can fix (rejected credentials, broken settings) waits for the refresh
//! key instead. The app keeps working on stored data meanwhile.

mod build;
mod bulk;
mod desk;
mod failure;
mod summary;
mod writer;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

pub use build::{build_sources, build_writable_sources, build_writers};
pub use bulk::{BulkProgress, BulkSummary, bulk_results, run_bulk};
pub(crate) use desk::StoreDesk;
pub use failure::{Failure, FailureKind};
pub use summary::{PATCH_LIMIT, SyncSummary};
pub use writer::{Applied, WriteError, WriteRequest, Writers, undo_impossible, undo_request};

use crate::config::Retention;
use crate::domain::ChangeSet;
use crate::sources::{Budget, Source, SourceError};
use crate::store::{Store, StoreError, Written};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Started {
        source: String,
    },
    Synced {
        source: String,
        summary: SyncSummary,
        /// What the source could not use (bad rows and the like), a line each.
        warnings: Vec<String>,
        at: DateTime<Utc>,
        next: DateTime<Utc>,
        budget: Option<Budget>,
    },
    Failed {
        source: String,
        failure: Failure,
        /// When the task tries again on its own; `None` when it waits for the user (rejected
        /// credentials, broken settings).
        next: Option<DateTime<Utc>>,
        budget: Option<Budget>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store task stopped: {0}")]
    Task(String),
}

/// What one sync did, for the headless summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Records the tracker sent (tickets, changes, projects, ...), for tests and logs.
    pub changed: usize,
    /// What arrived, for the user.
    pub summary: SyncSummary,
    pub cursor: Option<String>,
    pub took: Duration,
    /// What the source could not use, one line each, for the user.
    pub warnings: Vec<String>,
}

/// One sync of one source: fetch since the stored cursor and write durably, batch by batch
/// while the source has more, so an interrupted sync resumes from its last stored batch.
pub async fn sync_once(
    store: &Store,
    source: &mut dyn Source,
    now: DateTime<Utc>,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let name = source.name().to_string();
    let reader = store.clone();
    let mut cursor = tokio::task::spawn_blocking(move || reader.cursor(&name))
        .await
        .map_err(|e| SyncError::Task(e.to_string()))??;
    let mut changed = 0;
    let mut summary = SyncSummary::start();
    let mut warnings = Vec::new();
    // Batch N is written while batch N+1 is fetched; writes stay in order, one at a time,
    // so each cursor is stored only after every batch before it.
    type Writing = tokio::task::JoinHandle<(ChangeSet, Result<Written, StoreError>)>;
    let mut writing: Option<Writing> = None;
    let mut finish = |w: (ChangeSet, Result<Written, StoreError>)| -> Result<(), SyncError> {
        let (changes, written) = w;
        summary.add(&changes, written?);
        Ok(())
    };
    loop {
        let fetched = source.fetch(cursor.clone(), now).await;
        if let Some(w) = writing.take() {
            finish(w.await.map_err(|e| SyncError::Task(e.to_string()))?)?;
        }
        let mut changes = fetched?.sanitized();
        // Every source's tickets, whatever their connector did: work never starts after
        // the ticket was resolved.
        changes
            .tickets
            .iter_mut()
            .for_each(crate::domain::Ticket::keep_work_in_order);
        changed += changes.len();
        warnings.append(&mut changes.warnings);
        let more = changes.more;
        if changes.cursor.is_some() {
            cursor = changes.cursor.clone();
        }
        let writer = store.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let written = writer.write(&changes);
            (changes, written)
        });
        if !more {
            finish(handle.await.map_err(|e| SyncError::Task(e.to_string()))?)?;
            break;
        }
        writing = Some(handle);
    }
    // What stands about the source as a whole (a file's skipped rows) is reported every sync,
    // also when nothing changed and after a restart.
    let reader = store.clone();
    let name = source.name().to_string();
    let standing = tokio::task::spawn_blocking(move || reader.standing_warnings(&name))
        .await
        .map_err(|e| SyncError::Task(e.to_string()))??;
    warnings.extend(standing);
    // Every batch is durable by now: the store is as current as the tracker was.
    let writer = store.clone();
    let name = source.name().to_string();
    tokio::task::spawn_blocking(move || writer.mark_synced(&name, Utc::now()))
        .await
        .map_err(|e| SyncError::Task(e.to_string()))??;
    summary.took = started.elapsed();
    Ok(SyncReport {
        changed,
        took: summary.took,
        summary,
        cursor,
        warnings,
    })
}

/// Runs `[retention]` after a successful sync when it is due: what it did (also logged), or
/// why it failed, as a warning for the sync's report.
pub async fn retain(store: &Store, retention: Option<Retention>) -> Result<Option<String>, String> {
    let Some(retention) = retention else {
        return Ok(None);
    };
    let store = store.clone();
    let ran = tokio::task::spawn_blocking(move || {
        crate::lifecycle::retention::after_sync(&store, &retention, Utc::now())
    })
    .await;
    ran.map_err(|e| format!("retention: archiving stopped: {e}"))?
}

fn later(after: Duration) -> DateTime<Utc> {
    let after = chrono::Duration::from_std(after).unwrap_or_else(|_| chrono::Duration::days(30));
    let now = Utc::now();
    now.checked_add_signed(after).unwrap_or(now)
}

/// Wakes sync tasks now (the refresh key, or one source from the sources popup), and pauses
/// or resumes one. A wake-up that arrives while a task is syncing is kept, so that task syncs
/// again as soon as it is done.
#[derive(Debug, Clone, Default)]
pub struct Refresh {
    tasks: Vec<Control>,
}

/// What the app holds of one task: its wake-up and its pause switch.
#[derive(Debug, Clone)]
struct Control {
    name: String,
    wake: Arc<Notify>,
    paused: Arc<AtomicBool>,
}

impl Refresh {
    pub fn now(&self) {
        for t in &self.tasks {
            t.wake.notify_one();
        }
    }

    /// Wakes the task of the source named `name`; returns whether there is one. A paused
    /// source stays paused: the wake-up is spent without a sync.
    pub fn now_for(&self, name: &str) -> bool {
        self.tasks
            .iter()
            .filter(|t| t.name == name)
            .map(|t| t.wake.notify_one())
            .count()
            > 0
    }

    /// Pauses (`true`) or resumes the task of the source named `name`; returns whether there
    /// is one. A paused task finishes the sync it is in, then skips its runs; resuming syncs
    /// at once, since the paused runs were missed.
    pub fn pause(&self, name: &str, paused: bool) -> bool {
        let mut found = false;
        for t in self.tasks.iter().filter(|t| t.name == name) {
            found = true;
            if t.paused.swap(paused, Ordering::SeqCst) && !paused {
                t.wake.notify_one();
            }
        }
        found
    }
}

/// Runs every source on its interval until the receiver of `events` goes away.
pub fn spawn_all(
    store: Store,
    sources: Vec<(Box<dyn Source>, Duration)>,
    events: mpsc::UnboundedSender<SyncEvent>,
) -> Refresh {
    spawn_all_retaining(store, sources, events, None)
}

/// `spawn_all`, with `[retention]` run after each successful sync (see `retention`).
pub fn spawn_all_retaining(
    store: Store,
    sources: Vec<(Box<dyn Source>, Duration)>,
    events: mpsc::UnboundedSender<SyncEvent>,
    retention: Option<Retention>,
) -> Refresh {
    let mut refresh = Refresh::default();
    for (source, interval) in sources {
        let control = Control {
            name: source.name().to_string(),
            wake: Arc::new(Notify::new()),
            paused: Arc::new(AtomicBool::new(false)),
        };
        refresh.tasks.push(control.clone());
        tokio::spawn(run_source(
            store.clone(),
            source,
            interval,
            events.clone(),
            control,
            retention,
        ));
    }
    refresh
}

async fn run_source(
    store: Store,
    mut source: Box<dyn Source>,
    interval: Duration,
    events: mpsc::UnboundedSender<SyncEvent>,
    control: Control,
    retention: Option<Retention>,
) {
    let name = source.name().to_string();
    let refresh = control.wake;
    let mut backoff = Duration::from_secs(1);
    let mut logged: Vec<String> = Vec::new();
    loop {
        if control.paused.load(Ordering::SeqCst) {
            // Resuming wakes this; any other wake-up while paused is spent here.
            refresh.notified().await;
            if events.is_closed() {
                return;
            }
            continue;
        }
        if events
            .send(SyncEvent::Started {
                source: name.clone(),
            })
            .is_err()
        {
            return;
        }
        let wait = match sync_once(&store, source.as_mut(), Utc::now()).await {
            Ok(mut report) => {
                backoff = Duration::from_secs(1);
                if let Err(warning) = retain(&store, retention).await {
                    report.warnings.push(warning);
                }
                tracing::info!(source = %name, "synced: {}", report.summary.line());
                // An unchanged file re-reports its skipped rows every sync: log them once.
                if report.warnings != logged {
                    for w in &report.warnings {
                        tracing::warn!(source = %name, "{w}");
                    }
                    logged = report.warnings.clone();
                }
                let event = SyncEvent::Synced {
                    source: name.clone(),
                    summary: report.summary,
                    warnings: report.warnings,
                    at: Utc::now(),
                    next: later(interval),
                    budget: source.budget(),
                };
                if events.send(event).is_err() {
                    return;
                }
                Some(interval)
            }
            Err(e) => {
                let failure = Failure::from(&e);
                let wait = failure.kind.retried().then(|| backoff.min(interval));
                backoff = (backoff * 2).min(interval);
                tracing::warn!(source = %name, error = %e, retry_in = ?wait, "sync failed");
                let event = SyncEvent::Failed {
                    source: name.clone(),
                    failure,
                    next: wait.map(later),
                    budget: source.budget(),
                };
                if events.send(event).is_err() {
                    return;
                }
                wait
            }
        };
        match wait {
            Some(wait) => tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = refresh.notified() => {}
            },
            // Only the user can fix what failed: trying again on a timer would resend
            // rejected credentials (and lock the account) or repeat a config error.
            None => refresh.notified().await,
        }
    }
}
