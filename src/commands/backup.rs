//! `lookout backup` and `lookout restore-backup`: the whole store to one file and back.
//!
//! Both run before the usual open of the store: a store held by another lookout is refused
//! with who holds it and what to do, and a restore must be able to replace a store that
//! cannot be opened at all.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;

use crate::lifecycle::backup_file;
use crate::store::{Store, StoreError, replace_store};

/// `Locked` in the words of the command that was refused.
fn refused(what: &str, e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Locked { path, holder } => anyhow::anyhow!(
            "cannot {what}: the store at {} is in use by {holder}. Quit that lookout (or stop \
             `lookout sync`), then run this again.",
            path.display()
        ),
        other => other.into(),
    }
}

/// Writes the whole store of `data_dir` to `file`.
pub fn backup(data_dir: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open(data_dir).map_err(|e| refused("back up", e))?;
    let trees = store.dump()?;
    let header = backup_file::write(file, Utc::now(), &trees)?;
    let entries: usize = header.trees.iter().map(|t| t.entries).sum();
    println!(
        "backed up {entries} entries of {} trees to {}",
        header.trees.len(),
        crate::text::Clean::new(file.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Replaces the store of `data_dir` by the backup `file`; a store that holds data is
/// replaced only with `force`.
pub fn restore(data_dir: &Path, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    // The whole file is read and checked before the store is looked at.
    let (header, trees) = backup_file::read(file)?;
    if !force {
        let store = match Store::open(data_dir) {
            Ok(store) => store,
            Err(e @ StoreError::Locked { .. }) => return Err(refused("restore", e)),
            Err(e) => {
                return Err(anyhow::Error::from(e).context(
                    "the store cannot be opened to see whether it holds data; --force \
                     replaces it with the backup without looking",
                ));
            }
        };
        if store.holds_data()? {
            anyhow::bail!(
                "the store in {} holds data, which restoring would replace. Run again with \
                 --force to replace it (a `lookout backup FILE` first keeps a copy).",
                data_dir.display()
            );
        }
    }
    replace_store(data_dir, &trees).map_err(|e| refused("restore", e))?;
    let entries: usize = trees.iter().map(|t| t.entries.len()).sum();
    println!(
        "restored {entries} entries of {} trees from {} (written by lookout {} on {})",
        trees.len(),
        crate::text::Clean::new(file.display().to_string()),
        crate::text::Clean::new(header.lookout),
        header.created.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(ExitCode::SUCCESS)
}
