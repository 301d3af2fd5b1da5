//! The analysis cached for the next start: drawn at once, before the full load finishes.
//!
//! The codec is not self-describing, so a view written in another layout could decode into
//! wrong numbers rather than fail; every view is stamped with its layout and the lookout that
//! wrote it, and any other stamp reads as "no view".

use super::{META, Store, StoreError, codec};
use crate::analysis::Analysis;

const VIEW_KEY: &[u8] = b"view";

/// The layout of the cached view: raise it whenever `Analysis` or anything it holds changes
/// shape. The codec is not self-describing, so a view of another layout could decode into
/// wrong numbers rather than fail.
const VIEW_LAYOUT: u32 = 2;

/// What a cached view starts with: its layout and the lookout that wrote it, so that neither
/// an older nor a newer lookout draws numbers decoded from a layout it does not know.
fn view_stamp() -> Vec<u8> {
    format!("lookout {} view {VIEW_LAYOUT}\n", env!("CARGO_PKG_VERSION")).into_bytes()
}

impl Store {
    /// Keeps the last analysis so the next start can draw it before the full load finishes.
    /// It is stamped with the layout it was written in (see `view_stamp`).
    pub fn save_view(&self, view: &Analysis) -> Result<(), StoreError> {
        let bytes = codec::encode_after(view_stamp(), view)?;
        self.trees[META].insert(VIEW_KEY, bytes)?;
        self.trees[META].flush()?;
        Ok(())
    }

    /// The analysis saved by `save_view`; `None` when there is none, it was written by
    /// another lookout or it no longer decodes (it is only a cache: the full load replaces it
    /// moments later).
    pub fn load_view(&self) -> Option<Analysis> {
        let raw = self.trees[META].get(VIEW_KEY).ok()??;
        let body = raw.strip_prefix(view_stamp().as_slice())?;
        codec::decode(body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_of_another_layout_or_version_is_not_shown() {
        let store = Store::temporary().expect("store");
        let view = Analysis::default();
        store.save_view(&view).expect("save");
        assert!(store.load_view().is_some(), "its own view is shown");
        // As an older lookout wrote it: the bare encoding, no stamp.
        let bare = codec::encode(&view).expect("encode");
        store.trees[META].insert(VIEW_KEY, bare).expect("insert");
        assert!(store.load_view().is_none());
        // Another layout or version of lookout.
        for stamp in ["lookout 0.0.1 view 1\n", "lookout 0.1.0 view 999\n"] {
            let mut raw = stamp.as_bytes().to_vec();
            raw.extend_from_slice(&codec::encode(&view).expect("encode"));
            store.trees[META].insert(VIEW_KEY, raw).expect("insert");
            assert!(store.load_view().is_none(), "{stamp}");
        }
    }
}
