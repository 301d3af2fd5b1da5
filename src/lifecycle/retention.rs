//! `[retention]`: archiving closed tickets after a sync, at most once a day, into the
//! default archive folder.
//!
//! The day of the last run is kept in the store, so several sources (and several runs of
//! `lookout sync --once` from cron) archive once a day between them. A failed run is not
//! noted: the next sync tries again, and says why it failed until it succeeds.

use chrono::{DateTime, Utc};

use super::archive::{self, Archived};
use crate::config::Retention;
use crate::store::Store;

/// Runs the retention if it is due; `Ok(Some(line))` says what it did, `Ok(None)` that it
/// was not due, `Err(line)` why it failed (a warning for the sync's report).
pub fn after_sync(
    store: &Store,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Result<Option<String>, String> {
    let failed = |e: &dyn std::fmt::Display| format!("retention: archiving failed: {e}");
    let today = now.date_naive();
    if store.retention_ran().map_err(|e| failed(&e))? >= Some(today) {
        return Ok(None);
    }
    let dir = store
        .path()
        .and_then(|p| p.parent())
        .ok_or_else(|| failed(&"the store has no data directory"))?;
    let file = archive::default_file(&archive::default_folder(dir), now);
    let cutoff = archive::cutoff(now, retention.archive_closed_after_days);
    let done = archive::archive(store, cutoff, now, &file, false).map_err(|e| failed(&e))?;
    store.note_retention(today).map_err(|e| failed(&e))?;
    let days = retention.archive_closed_after_days;
    let line = match done {
        Archived::Moved { counts, file } => format!(
            "retention: archived {} closed more than {days} days ago to {}",
            counts.line(),
            file.display()
        ),
        _ => format!("retention: nothing closed more than {days} days ago to archive"),
    };
    tracing::info!("{line}");
    Ok(Some(line))
}
