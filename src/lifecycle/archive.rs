//! Moving closed tickets to an archive file and putting them back.
//!
//! The order is what makes it safe: select, write the file whole and durably, read it back
//! and compare, and only then remove the tickets from the store, in one transaction. A kill
//! before the removal leaves the store as it was (and at worst a `.partial` file, or a
//! complete archive of tickets still in the store, whose restore keeps the store's copies);
//! the removal itself is atomic.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

use super::FileError;
use super::archive_file::{self, Counts, Header};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{path} was written but does not read back as written ({what}); the store was not \
         changed", path = .path.display()
    )]
    Unverified { path: PathBuf, what: String },
    #[error(
        "the store may have removed the tickets archived in {path} ({cause}); keep that file: \
         `lookout restore` puts them back", path = .path.display()
    )]
    AfterWrite { path: PathBuf, cause: StoreError },
}

/// What an archive run did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Archived {
    /// No ticket was closed before the cut-off: no file, no change.
    Nothing,
    /// A dry run: what would move.
    WouldMove(Counts),
    Moved {
        counts: Counts,
        file: PathBuf,
    },
}

/// Where archives go unless told otherwise.
pub fn default_folder(data_dir: &Path) -> PathBuf {
    data_dir.join("archives")
}

/// `archive-YYYYMMDD-HHMMSS.jsonl.zst` in `folder`, for an archive made at `now` (UTC).
pub fn default_file(folder: &Path, now: DateTime<Utc>) -> PathBuf {
    folder.join(format!("archive-{}.jsonl.zst", now.format("%Y%m%d-%H%M%S")))
}

/// The cut-off for tickets closed more than `days` days before `now`.
pub fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(days))
}

/// Archives the tickets closed before `cutoff` into `file` (dry: only counts them).
pub fn archive(
    store: &Store,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    file: &Path,
    dry_run: bool,
) -> Result<Archived, ArchiveError> {
    let works = store.closed_before(cutoff)?;
    if works.is_empty() {
        return Ok(Archived::Nothing);
    }
    let counts = Counts::of(&works);
    if dry_run {
        return Ok(Archived::WouldMove(counts));
    }
    let header = Header::new(now, cutoff, counts);
    archive_file::write(file, &header, &works)?;
    let unverified = |what: String| ArchiveError::Unverified {
        path: file.to_path_buf(),
        what,
    };
    let (read_header, read_back) =
        archive_file::read(file).map_err(|e| unverified(e.to_string()))?;
    if read_header != header || read_back != works {
        return Err(unverified("its records differ from the store's".into()));
    }
    if let Err(e) = store.remove_archived(&works) {
        // Refused before the transaction: nothing was removed, and a file of tickets still
        // in the store would only mislead. Any other failure may come after the commit (the
        // flush): the file may then be the only copy, and stays.
        if matches!(e, StoreError::ChangedWhileArchiving { .. }) {
            let _ = std::fs::remove_file(file);
            return Err(e.into());
        }
        return Err(ArchiveError::AfterWrite {
            path: file.to_path_buf(),
            cause: e,
        });
    }
    tracing::info!(file = %file.display(), "archived {}", counts.line());
    Ok(Archived::Moved {
        counts,
        file: file.to_path_buf(),
    })
}

/// What a restore put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    pub counts: Counts,
    /// Tickets the store held again (sent again by their tracker): the store's copy stayed.
    pub kept: usize,
}

/// Reads and checks the whole archive `file`, then puts its tickets back in one write.
pub fn restore(store: &Store, file: &Path) -> Result<Restored, ArchiveError> {
    let (header, works) = archive_file::read(file)?;
    let kept = store.put_back(&works)?;
    tracing::info!(file = %file.display(), kept, "restored {}", header.counts.line());
    Ok(Restored {
        counts: header.counts,
        kept,
    })
}
