use std::path::PathBuf;

/// What can go wrong with the store, phrased so the user knows what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store at {path} is in use by {holder}.\n  Quit that lookout first, or run another \
         instance on its own store with --data-dir <DIR> (or try --demo)."
    )]
    Locked { path: PathBuf, holder: String },
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the store was written by a newer lookout (schema {found}); this lookout reads schema \
         {supported} or older. Upgrade lookout, or point --data-dir at another directory."
    )]
    TooNew { found: u32, supported: u32 },
    /// Found before sled was let loose on the files: they are as they were.
    #[error(
        "the store at {path} is damaged: {what}.\n  Nothing was changed. Restore that directory \
         from a backup, or move it aside (lookout then starts an empty store, and the next sync \
         fetches everything again)."
    )]
    Damaged { path: PathBuf, what: String },
    /// The store was not closed cleanly and checking it needs a copy that cannot be made.
    #[error(
        "the store was not closed cleanly and cannot be checked before use: copying {path} \
         failed: {source}.\n  Nothing was changed. Free some disk space (the check needs as \
         much again as the store), then start lookout again."
    )]
    CannotCheck {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a stored record is damaged: {0}. Move the data directory aside and sync again.")]
    Corrupt(String),
    /// A sync wrote a ticket between an archive's read and its removal.
    #[error(
        "ticket {key} changed while it was being archived; nothing was removed from the store. \
         Run the archive again."
    )]
    ChangedWhileArchiving { key: String },
    // Not a `source`: its text is already in this message, and a report that prints causes
    // would print it twice.
    #[error("the store failed: {0}")]
    Sled(sled::Error),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Corruption { .. } => {
                StoreError::Corrupt(format!("sled cannot read it back ({e})"))
            }
            other => StoreError::Sled(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleds_text_is_said_once() {
        let e = StoreError::from(sled::Error::Unsupported("a raw sled complaint".into()));
        let report = format!("{:#}", anyhow::Error::from(e));
        assert_eq!(
            report.matches("a raw sled complaint").count(),
            1,
            "{report}"
        );
    }
}
