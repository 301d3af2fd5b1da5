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
    #[error("the store is damaged: {0}. Move the data directory aside and sync again.")]
    Corrupt(String),
    #[error("store error: {0}")]
    Sled(#[from] sled::Error),
}
