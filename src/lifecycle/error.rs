use std::path::PathBuf;

/// What can be wrong with an archive or backup file, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Found while reading the file, before anything was changed.
    #[error("{path} cannot be used: {what}. Nothing was changed.", path = .path.display())]
    Invalid { path: PathBuf, what: String },
    #[error("cannot read {path}: {source}", path = .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}", path = .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} already exists; name another file or move that one aside", path = .path.display())]
    Exists { path: PathBuf },
}

impl FileError {
    pub fn invalid(path: &std::path::Path, what: impl Into<String>) -> FileError {
        FileError::Invalid {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }
}
