//! The two small files the model's refinement keeps beside the store: the day's usage and
//! the answer cache. Written whole to a temporary file and renamed over the old one, so a
//! kill mid-write leaves the previous version; an unreadable file is treated as absent
//! (both only save money, neither holds the user's data).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The folder for these files, beside the store's own (`<data dir>/ai`).
pub fn folder(store: &crate::store::Store) -> Option<PathBuf> {
    store.path()?.parent().map(|p| p.join("ai"))
}

pub fn read<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "unreadable, starting afresh");
            None
        }
    }
}

pub fn write<T: Serialize>(path: &Path, value: &T) {
    if let Err(e) = try_write(path, value) {
        tracing::warn!(file = %path.display(), error = %e, "could not save");
    }
}

fn try_write<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_damage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x").join("v.json");
        assert_eq!(read::<Vec<u32>>(&path), None);
        write(&path, &vec![1u32, 2]);
        assert_eq!(read::<Vec<u32>>(&path), Some(vec![1, 2]));
        std::fs::write(&path, "{half").expect("damage");
        assert_eq!(read::<Vec<u32>>(&path), None);
    }
}
