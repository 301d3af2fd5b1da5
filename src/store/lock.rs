//! Telling the user who holds the store when sled's file lock refuses us.
//!
//! sled locks its files but does not say who holds them, so each lookout that opens a store
//! leaves its process id beside it; a refused open reads that file back.

use std::path::Path;

use super::StoreError;

const HOLDER_FILE: &str = "lookout.pid";

pub fn record_holder(dir: &Path) {
    let line = format!("{}\n", std::process::id());
    if let Err(e) = std::fs::write(dir.join(HOLDER_FILE), line) {
        tracing::warn!("cannot record the store holder in {}: {e}", dir.display());
    }
}

/// Whether the last lookout to open the store in `dir` is this process.
pub fn held_by_us(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        == Some(std::process::id())
}

/// Who holds the store in `dir`, as well as lookout can tell.
pub fn holder(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .map(|pid| format!("another lookout (process {pid})"))
        .unwrap_or_else(|| "another process".to_string())
}

pub fn explain_open_error(dir: &Path, store: &Path, err: sled::Error) -> StoreError {
    let locked = match &err {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::WouldBlock
                || io.to_string().contains("could not acquire lock")
        }
        _ => false,
    };
    if !locked {
        return StoreError::from(err);
    }
    StoreError::Locked {
        path: store.to_path_buf(),
        holder: holder(dir),
    }
}
