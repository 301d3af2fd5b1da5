//! The one place values are turned into bytes and back.
//!
//! JSON: self-describing, so fields added with `#[serde(default)]` read old records without a
//! migration, and a damaged record names itself. The store benchmark shows it keeps up with
//! the write and load targets, so a binary format would buy little here.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Corrupt(format!("unreadable record: {e}")))
}
