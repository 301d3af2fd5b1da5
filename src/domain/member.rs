use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// A person who can be assigned tickets in a project.
///
/// A store holds one per person and project (hundreds of thousands on a large tracker), all
/// loaded: its names are `CompactString`s, inline up to 24 bytes, and encode as `String`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub source: CompactString,
    pub project: CompactString,
    /// The tracker's login or account id.
    pub login: CompactString,
    pub display_name: CompactString,
}
