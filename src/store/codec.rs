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

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt(format!("unreadable record: {e}")))
}
