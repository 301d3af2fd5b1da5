//! Opening and closing the store: sled only after `guard` allows it, migrations on open,
//! and the seal that the last handle leaves behind.
//!
//! Must never open sled on files `guard` has not cleared.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::guard::{self, Trust};
use super::{CACHE_BYTES, META, Store, StoreError, TREE_NAMES, lock, schema, seal};

/// Seals the store as cleanly closed when the last handle goes.
pub(super) struct Closer {
    path: PathBuf,
    generation: Arc<AtomicU64>,
    db: Option<sled::Db>,
    /// Sealed already by `Store::close_for_exit`: sled is left to the exiting process.
    sealed_for_exit: AtomicBool,
}

impl Drop for Closer {
    fn drop(&mut self) {
        if self.sealed_for_exit.load(Ordering::SeqCst) {
            // Shutting sled down joins its threads and frees its cache node by node; the
            // process is ending and everything is on disk.
            std::mem::forget(self.db.take());
            return;
        }
        // sled's own drop flushes and pads the file: let it finish before noting the file.
        if let Some(db) = self.db.take() {
            if let Err(e) = db.flush() {
                tracing::warn!("cannot flush the store on close: {e}");
                return;
            }
            drop(db);
        }
        seal::close(&self.path, self.generation.load(Ordering::SeqCst));
    }
}

pub(super) fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE_BYTES)
        .mode(sled::Mode::HighThroughput)
        // Every write flushes itself before it returns (a change set, a decision, a
        // snapshot, the view), so sled's own flusher has nothing to add; left on, it wakes
        // twice a second to collect garbage, which is most of an idle dashboard's CPU.
        .flush_every_ms(None)
}

impl Store {
    /// Opens (or creates) the store under `dir`, refusing politely when another lookout holds
    /// it, and with a clear message, the files untouched, when they are damaged.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        // A restore a kill interrupted leaves its old store aside: put it back first. The
        // lock keeps a restore from swapping directories until sled holds this one.
        let _swapping = super::backup::recover_swap(dir)?;
        let path = guard::store_dir(dir);
        let trust = guard::check(dir, &path)?;
        let db = guard::quietly(|| sled_config(&path).open())
            .map_err(|why| guard::damaged(&path, why))?
            .map_err(|e| lock::explain_open_error(dir, &path, e))?;
        lock::record_holder(dir);
        let mut store = Store::from_db(db, Some(path.clone()), trust)?;
        schema::ensure_current(&store.db, &store.trees[META], store.is_empty())?;
        // Open now: until the last handle seals it again, a crash means "check first".
        seal::write(
            &path,
            &seal::Seal {
                generation: store.generation.load(Ordering::SeqCst),
                closed: None,
            },
        );
        store.closer = Some(Arc::new(Closer {
            path,
            generation: store.generation.clone(),
            db: Some(store.db.clone()),
            sealed_for_exit: Default::default(),
        }));
        tracing::info!(?trust, "store opened");
        Ok(store)
    }

    /// A store that lives only as long as this process: used by tests.
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .temporary(true)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        let store = Store::from_db(db, None, Trust::New)?;
        schema::ensure_current(&store.db, &store.trees[META], store.is_empty())?;
        Ok(store)
    }

    /// Flushes and seals the store for a process about to exit: when the last handle goes,
    /// sled is then left to the exit instead of shut down (which took a third of a second
    /// after a large load). A write still in flight after this only costs the next start a
    /// check of the store (the seal no longer matches), never data.
    pub fn close_for_exit(&self) -> Result<(), StoreError> {
        let Some(closer) = &self.closer else {
            return Ok(());
        };
        self.db.flush()?;
        seal::close(&closer.path, self.generation.load(Ordering::SeqCst));
        closer.sealed_for_exit.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// How this store came to be trusted when it was opened.
    pub fn trust(&self) -> Trust {
        self.trust
    }

    pub(super) fn from_db(
        db: sled::Db,
        path: Option<PathBuf>,
        trust: Trust,
    ) -> Result<Store, StoreError> {
        let open = |i: usize| db.open_tree(TREE_NAMES[i]);
        let trees = [
            open(0)?,
            open(1)?,
            open(2)?,
            open(3)?,
            open(4)?,
            open(5)?,
            open(6)?,
            open(7)?,
        ];
        let generation = schema::generation(&trees[META])?;
        Ok(Store {
            db,
            trees,
            path,
            consistency: Arc::default(),
            generation: Arc::new(AtomicU64::new(generation)),
            trust,
            closer: None,
        })
    }
}
