//! What doctor sees of the store: everything a full open would find, with nothing changed.
//!
//! sled has no read-only mode, and opening it writes even to a healthy store (a snapshot file,
//! the `db` file padded to a segment: measured, see `guard`). So "read-only" here means:
//! lookout's files are only ever read; sled opens, recovers, migrates and reads a private copy
//! in a scratch directory beside the store, which goes away with the `Inspection`. The cost
//! is the copy (as much disk and time as the store's size); the gain is that a diagnosis can
//! never be what damaged a store, migrated it, or took it from a running lookout. A store held
//! by another lookout is not copied at all (its files are being written): that holder is the
//! finding.

use std::path::Path;

use super::guard::{self, Trust};
use super::{META, Store, StoreError, schema, seal};

/// A readable private copy of a store, and what the original would need on a real open.
pub struct Inspection {
    /// The copy, migrated when the original would be; for reading.
    pub store: Store,
    /// The schema the original was written with.
    pub found_schema: u32,
    /// Whether the original was closed cleanly (an open would not need to check it first).
    pub closed_cleanly: bool,
    // After `store`: the copy is removed once sled has let go of it.
    _scratch: tempfile::TempDir,
}

impl Inspection {
    /// The schema an open would migrate the store to, when it would.
    pub fn migration(&self) -> Option<(u32, u32)> {
        (self.found_schema < schema::CURRENT).then_some((self.found_schema, schema::CURRENT))
    }
}

impl Store {
    /// Looks at the store under `dir` without changing it. `Ok(None)` when there is none yet
    /// (nothing is created); `Locked` when another lookout holds it.
    pub fn inspect(dir: &Path) -> Result<Option<Inspection>, StoreError> {
        let path = guard::store_dir(dir);
        let Some(held) = guard::hold(dir, &path)? else {
            return Ok(None);
        };
        guard::require_conf(&path)?;
        let seal = seal::read(&path);
        let closed_cleanly =
            seal.closed.is_some() && seal.closed == seal::Fingerprint::of(&path.join("db")).ok();
        let scratch = guard::copy_aside(dir, &path)?;
        // The copy is whole: the original may go back to whoever wants it.
        drop(held);
        let db = guard::verify(&scratch.path().join("store"), &path, &seal)?;
        let store = Store::from_db(db, None, Trust::Verified)?;
        let found_schema = schema::found(&store.trees[META], store.is_empty())?;
        schema::ensure_current(&store.db, &store.trees[META], store.is_empty())?;
        Ok(Some(Inspection {
            store,
            found_schema,
            closed_cleanly,
            _scratch: scratch,
        }))
    }
}
