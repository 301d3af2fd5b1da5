//! The seal: lookout's own note, beside sled's files, of what the store must hold.
//!
//! sled cannot tell a torn last write (which it must drop) from a file cut in half or
//! overwritten (whose loss it must not hide): on open it truncates both to the last record it
//! can read and carries on, an emptied store and no word said. So after every durable write
//! lookout notes the write's generation here, and after a clean close also the size and
//! modification time of sled's `db` file. Before sled opens a store, `guard` compares: a
//! matching clean note means nothing touched the files since; anything else means "check a
//! copy first", and a copy that reads back an older generation than the note is damaged.
//!
//! This module only reads and writes that note; it never opens sled and never decides.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const FILE: &str = "lookout.seal";

/// What the seal says. A missing or unreadable seal is `Seal::default()`: no promise at all
/// (a store from before seals, or one whose seal was lost), so only sled's own checks apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seal {
    /// The generation of the last write known to be durable.
    pub generation: u64,
    /// Set when the store was closed cleanly: sled's `db` file as it was left.
    pub closed: Option<Fingerprint>,
}

/// Enough of a file's metadata to notice that someone wrote to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub len: u64,
    pub modified_ns: u128,
}

impl Fingerprint {
    pub fn of(file: &Path) -> std::io::Result<Fingerprint> {
        let meta = std::fs::metadata(file)?;
        let modified_ns = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Ok(Fingerprint {
            len: meta.len(),
            modified_ns,
        })
    }
}

fn path(store: &Path) -> PathBuf {
    store.join(FILE)
}

/// The seal of the sled directory `store`.
pub fn read(store: &Path) -> Seal {
    let Ok(text) = std::fs::read_to_string(path(store)) else {
        return Seal::default();
    };
    let mut seal = Seal::default();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("generation"), Some(n), None) => seal.generation = n.parse().unwrap_or(0),
            (Some("closed"), Some(len), Some(ns)) => {
                seal.closed = len
                    .parse()
                    .ok()
                    .zip(ns.parse().ok())
                    .map(|(len, modified_ns)| Fingerprint { len, modified_ns });
            }
            _ => {}
        }
    }
    seal
}

/// Replaces the seal. Written to a side file and renamed over the old one, so a kill leaves
/// either seal whole; a failure is logged, not fatal: a missing seal only costs a check.
pub fn write(store: &Path, seal: &Seal) {
    let mut text = format!("generation {}\n", seal.generation);
    if let Some(f) = seal.closed {
        text.push_str(&format!("closed {} {}\n", f.len, f.modified_ns));
    }
    let side = store.join(format!("{FILE}.new"));
    let done = std::fs::write(&side, text).and_then(|()| std::fs::rename(&side, path(store)));
    if let Err(e) = done {
        tracing::warn!("cannot update the store's seal in {}: {e}", store.display());
    }
}

/// After the last handle on the store is gone: the generation, and the `db` file as sled left
/// it, so that the next open can trust untouched files without a check.
pub fn close(store: &Path, generation: u64) {
    let closed = Fingerprint::of(&store.join("db")).ok();
    write(store, &Seal { generation, closed });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_reads_back_and_garbage_promises_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(read(dir.path()), Seal::default(), "no file");
        let seal = Seal {
            generation: 7,
            closed: Some(Fingerprint {
                len: 1024,
                modified_ns: 99,
            }),
        };
        write(dir.path(), &seal);
        assert_eq!(read(dir.path()), seal);
        std::fs::write(path(dir.path()), "\u{0}\u{1} nonsense").expect("write");
        assert_eq!(read(dir.path()), Seal::default());
    }
}
