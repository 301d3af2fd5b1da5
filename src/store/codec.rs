//! The one place values are turned into bytes and back.
//!
//! postcard: compact and several times faster to decode than JSON, which matters because a
//! full load decodes every record. It is not self-describing, so any change to a stored type
//! bumps the schema version and adds a migration (see `schema`).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    // Most records (a ticket with its history) fit: growing from empty would reallocate and
    // copy each one five or six times.
    let buffer = Vec::with_capacity(256);
    postcard::to_extend(value, buffer)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

/// `value` encoded after `prefix`, into one buffer sized exactly once: for a large value (the
/// cached view of a big portfolio) a growing buffer and a copy behind the prefix held up to
/// three times its size at once.
pub fn encode_after<T: Serialize>(mut prefix: Vec<u8>, value: &T) -> Result<Vec<u8>, StoreError> {
    let size = postcard::experimental::serialized_size(value)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))?;
    prefix.reserve_exact(size);
    postcard::to_extend(value, prefix)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt(format!("unreadable record: {e}")))
}
