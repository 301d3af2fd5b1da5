//! The store's lifecycle beyond syncing: closed tickets moved to archive files and back, the
//! retention that does it after a sync, and whole-store backups.
//!
//! The files are zstd-compressed JSON lines that describe themselves: a header line naming
//! the format, its version, the lookout that wrote it and how many records of each kind
//! follow. A file is always read and checked whole before the store is touched, and written
//! whole (to a side file, synced, then renamed) before anything is removed.

pub mod archive;
pub mod archive_file;
pub mod backup_file;
mod error;
mod jsonl;
pub mod retention;

pub use error::FileError;
