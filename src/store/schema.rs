//! The schema version and the migrations that bring an older store up to date, and the
//! write generation the seal holds the store to.

use sled::Tree;

use super::StoreError;

pub const CURRENT: u32 = 3;
pub const KEY: &[u8] = b"schema_version";
/// Counts durable writes; `seal` remembers the last one, so a store that reads back an older
/// count has lost writes.
pub const GENERATION: &[u8] = b"generation";

/// The generation of the last write in `meta` (0 before the first, or before generations).
pub fn generation(meta: &Tree) -> Result<u64, sled::Error> {
    Ok(meta
        .get(GENERATION)?
        .and_then(|raw| <[u8; 8]>::try_from(raw.as_ref()).ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0))
}

/// A migration from version `from` to `from + 1`, run in order on open. It rewrites what it
/// must and stamps `from + 1` in one transaction.
type Migration = fn(&sled::Db) -> Result<(), StoreError>;

/// Index `i` migrates from version `i + 1`.
const MIGRATIONS: &[Migration] = &[super::legacy::v1_to_v2, super::legacy::v2_to_v3];

/// The schema the store was written with; reads only.
pub fn found(meta: &Tree, store_is_empty: bool) -> Result<u32, StoreError> {
    let found = match meta.get(KEY)? {
        Some(raw) => {
            let bytes: [u8; 4] = raw.as_ref().try_into().map_err(|_| {
                StoreError::Corrupt("schema version is not a 4-byte number".to_string())
            })?;
            u32::from_be_bytes(bytes)
        }
        None if store_is_empty => CURRENT,
        None => {
            return Err(StoreError::Corrupt(
                "data without a schema version".to_string(),
            ));
        }
    };
    if found == 0 {
        return Err(StoreError::Corrupt(
            "schema version 0 is not one lookout wrote".to_string(),
        ));
    }
    if found > CURRENT {
        return Err(StoreError::TooNew {
            found,
            supported: CURRENT,
        });
    }
    Ok(found)
}

/// Brings the store to the current schema, migrating and stamping it.
pub fn ensure_current(db: &sled::Db, meta: &Tree, store_is_empty: bool) -> Result<(), StoreError> {
    let found = found(meta, store_is_empty)?;
    for version in found..CURRENT {
        let step = MIGRATIONS
            .get(version as usize - 1)
            .ok_or_else(|| StoreError::Corrupt(format!("no migration from schema {version}")))?;
        step(db)?;
    }
    meta.insert(KEY, &CURRENT.to_be_bytes())?;
    meta.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_newer_store() {
        let db = sled::Config::new().temporary(true).open().expect("temp db");
        let meta = db.open_tree("meta").expect("tree");
        meta.insert(KEY, &(CURRENT + 1).to_be_bytes())
            .expect("insert");
        let err = ensure_current(&db, &meta, false).expect_err("must refuse");
        assert!(err.to_string().contains("newer lookout"), "{err}");
    }

    #[test]
    fn stamps_a_new_store() {
        let db = sled::Config::new().temporary(true).open().expect("temp db");
        let meta = db.open_tree("meta").expect("tree");
        ensure_current(&db, &meta, true).expect("fresh store");
        let raw = meta.get(KEY).expect("get").expect("stamped");
        assert_eq!(raw.as_ref(), &CURRENT.to_be_bytes());
    }
}
