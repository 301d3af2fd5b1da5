//! `lookout archive` and `lookout restore`: closed tickets to an archive file and back, with
//! a line saying what moved.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Local, Utc};

use crate::lifecycle::archive::{self, Archived};
use crate::store::Store;

fn day(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// Archives the tickets closed more than `older_than` days ago, into `out` or the default
/// archive folder of `data_dir`.
pub fn archive(
    store: &Store,
    data_dir: &Path,
    older_than: u32,
    dry_run: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let cutoff = archive::cutoff(now, older_than);
    let file =
        out.unwrap_or_else(|| archive::default_file(&archive::default_folder(data_dir), now));
    let line = match archive::archive(store, cutoff, now, &file, dry_run)? {
        Archived::Nothing => format!(
            "nothing to archive: no ticket was closed before {} ({older_than} days ago); no \
             file written",
            day(cutoff)
        ),
        Archived::WouldMove(counts) => format!(
            "would archive {} closed before {} to {}; nothing was written (dry run)",
            counts.line(),
            day(cutoff),
            file.display()
        ),
        Archived::Moved { counts, file } => format!(
            "archived {} closed before {} to {}",
            counts.line(),
            day(cutoff),
            file.display()
        ),
    };
    println!("{}", crate::text::Clean::new(line));
    Ok(ExitCode::SUCCESS)
}

/// Puts the tickets of the archive `file` back.
pub fn restore(store: &Store, file: &Path) -> anyhow::Result<ExitCode> {
    let restored = archive::restore(store, file)?;
    let mut line = format!(
        "restored {} from {}",
        restored.counts.line(),
        file.display()
    );
    if restored.kept > 0 {
        line.push_str(&format!(
            "; the store already held {} of those tickets (synced since, or restored before) and \
             kept its own copy",
            restored.kept
        ));
    }
    println!("{}", crate::text::Clean::new(line));
    Ok(ExitCode::SUCCESS)
}
