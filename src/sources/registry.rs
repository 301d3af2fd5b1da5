//! Every kind of source lookout knows, in one list: the config, `lookout sync`, the dashboard
//! and `lookout doctor` all ask it, so none of them names a connector.
//!
//! # Adding a connector
//!
//! 1. Write its module under `src/sources/` (and its `pub mod` line in `sources/mod.rs`): the
//!    `Source` it syncs through, a settings type (`#[derive(Debug, Clone, PartialEq)]`) that
//!    implements `ConnectorSettings` (describe it for doctor, build its `Source`), and a
//!    `pub const CONNECTOR: Connector` saying its kind name, the keys its `[[source]]` table
//!    takes beyond `kind`, `name`, `interval` and `read_only`, its default interval, and `read`,
//!    which checks those keys through `config::Entry` (errors name file, line and key) and
//!    returns `SourceKind::new(settings)`.
//! 2. Add that `CONNECTOR` to `CONNECTORS` below.
//!
//! Nothing else changes: keys a kind does not list are refused before `read` runs, the
//! "unknown kind" error lists `CONNECTORS`, and sync and doctor go through `SourceKind`.

use std::time::Duration;

use crate::config::{ConfigError, Entry, SourceKind};

/// One kind of source, as the config names it.
pub struct Connector {
    /// `kind = "..."` in a `[[source]]` table.
    pub kind: &'static str,
    /// The keys its table takes beyond `kind`, `name`, `interval` and `read_only`.
    pub keys: &'static [&'static str],
    /// How often it syncs when the table sets no `interval`.
    pub default_interval: Duration,
    /// The table's own keys, checked, as settings (only `keys` reach it).
    pub read: fn(&Entry<'_>) -> Result<SourceKind, ConfigError>,
}

/// The connectors, in the order the "unknown kind" error lists them.
pub static CONNECTORS: &[Connector] = &[
    super::demo::CONNECTOR,
    super::csv::CONNECTOR,
    super::redmine::CONNECTOR,
    super::jira::CONNECTOR,
    super::gitlab::CONNECTOR,
    super::github::CONNECTOR,
    super::connectwise::CONNECTOR,
];

/// The connector for `kind = "..."`, if lookout has one.
pub fn find(kind: &str) -> Option<&'static Connector> {
    CONNECTORS.iter().find(|c| c.kind == kind)
}

/// Every kind name, in registry order.
pub fn kinds() -> Vec<&'static str> {
    CONNECTORS.iter().map(|c| c.kind).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_keys_never_shadow_the_common_ones() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CONNECTORS {
            assert!(seen.insert(c.kind), "{} listed twice", c.kind);
            for k in ["kind", "name", "interval", "read_only"] {
                assert!(!c.keys.contains(&k), "{} lists `{k}`", c.kind);
            }
        }
        assert_eq!(
            kinds(),
            [
                "demo",
                "csv",
                "redmine",
                "jira",
                "gitlab",
                "github",
                "connectwise"
            ]
        );
    }
}
