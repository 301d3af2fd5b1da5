//! The backup file: a header line with the count of entries in each sled tree, then one line
//! per entry (tree name, key and value in base64), zstd-compressed. Everything the store
//! holds is in it, as sled holds it, so a restore gives back the same store byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FileError, jsonl};
use crate::store::TreeDump;

pub const FORMAT: &str = "lookout-backup";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeCount {
    pub name: String,
    pub entries: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub lookout: String,
    pub created: DateTime<Utc>,
    /// The store schema the entries are in.
    pub schema: u32,
    pub trees: Vec<TreeCount>,
}

/// A key and its value, as sled holds them.
type Pair = (Vec<u8>, Vec<u8>);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    tree: String,
    key: String,
    value: String,
}

/// Writes the backup `path` (which must not exist) whole and durably.
pub fn write(path: &Path, created: DateTime<Utc>, trees: &[TreeDump]) -> Result<Header, FileError> {
    let header = Header {
        format: FORMAT.to_string(),
        version: VERSION,
        lookout: env!("CARGO_PKG_VERSION").to_string(),
        created,
        schema: crate::store::SCHEMA_VERSION,
        trees: trees
            .iter()
            .map(|t| TreeCount {
                name: t.name.clone(),
                entries: t.entries.len(),
            })
            .collect(),
    };
    let mut out = jsonl::Writer::create(path)?;
    out.line(&header)?;
    for t in trees {
        for (k, v) in &t.entries {
            out.line(&Entry {
                tree: t.name.clone(),
                key: STANDARD.encode(k),
                value: STANDARD.encode(v),
            })?;
        }
    }
    out.finish()?;
    Ok(header)
}

/// Reads and checks the whole backup `path`.
pub fn read(path: &Path) -> Result<(Header, Vec<TreeDump>), FileError> {
    let mut header: Option<Header> = None;
    let mut trees: BTreeMap<String, Vec<Pair>> = BTreeMap::new();
    jsonl::read(path, |n, text| {
        if n == 1 {
            let h = parse_header(text)?;
            for t in &h.trees {
                trees.insert(t.name.clone(), Vec::with_capacity(t.entries));
            }
            header = Some(h);
            return Ok(());
        }
        let e: Entry =
            serde_json::from_str(text).map_err(|e| format!("not a backup entry ({e})"))?;
        let decode = |what: &str, text: &str| {
            STANDARD
                .decode(text)
                .map_err(|e| format!("its {what} is not base64 ({e})"))
        };
        let entry = (decode("key", &e.key)?, decode("value", &e.value)?);
        trees
            .get_mut(&e.tree)
            .ok_or_else(|| {
                format!(
                    "an entry of tree {:?}, which the header does not list",
                    e.tree
                )
            })?
            .push(entry);
        Ok(())
    })?;
    let header = header.ok_or_else(|| FileError::invalid(path, "it is empty: no header line"))?;
    for t in &header.trees {
        let found = trees.get(&t.name).map_or(0, Vec::len);
        if found != t.entries {
            return Err(FileError::invalid(
                path,
                format!(
                    "its header promises {} entries in tree {:?} but it holds {found}: it is incomplete",
                    t.entries, t.name
                ),
            ));
        }
    }
    let dumps = trees
        .into_iter()
        .map(|(name, entries)| TreeDump { name, entries })
        .collect();
    Ok((header, dumps))
}

fn parse_header(text: &str) -> Result<Header, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| "its first line is not a header: not a lookout backup".to_string())?;
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != FORMAT {
        return Err(format!(
            "not a lookout backup (format {format:?}, expected {FORMAT:?})"
        ));
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != u64::from(VERSION) {
        return Err(format!(
            "backup format version {version}; this lookout reads version {VERSION}"
        ));
    }
    let header: Header =
        serde_json::from_value(value).map_err(|e| format!("its header is damaged ({e})"))?;
    if header.schema > crate::store::SCHEMA_VERSION {
        return Err(format!(
            "it holds a store of schema {}, written by lookout {}; this lookout reads schema {} \
             or older: upgrade lookout first",
            header.schema,
            header.lookout,
            crate::store::SCHEMA_VERSION
        ));
    }
    Ok(header)
}
