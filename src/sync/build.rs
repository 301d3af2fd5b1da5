//! Turning configured sources into live connectors: for the sync tasks, and for the writers
//! beside them (each its own connector, so a write never waits for a sync's paging).

use std::sync::Arc;
use std::time::Duration;

use crate::config::SourceSettings;
use crate::domain::Portfolio;
use crate::sources::Source;
use crate::sources::connector::Build;
use crate::store::Store;
use crate::sync::StoreDesk;

/// One connector per configured source, with its interval. `stored` is what the store holds
/// now (the demo tracker resumes from it).
pub fn build_sources(
    settings: &[SourceSettings],
    stored: &Portfolio,
) -> Vec<(Box<dyn Source>, Duration)> {
    build(settings, stored, None)
}

/// As `build_sources`, with the demo tracker taking writes through `store` (and carrying on
/// the changes written to it): what the app and `lookout sync` run when writes can happen.
pub fn build_writable_sources(
    settings: &[SourceSettings],
    stored: &Portfolio,
    store: &Store,
) -> Vec<(Box<dyn Source>, Duration)> {
    build(settings, stored, Some(store))
}

/// The connectors for `Writers::spawn`: one per source, with whether it is read-only
/// (`read_only` is the global setting; a source may be read-only on its own).
pub fn build_writers(
    settings: &[SourceSettings],
    stored: &Portfolio,
    store: &Store,
    read_only: bool,
) -> Vec<(String, Box<dyn Source>, bool)> {
    build(settings, stored, Some(store))
        .into_iter()
        .zip(settings)
        .map(|((source, _), s)| (s.name.clone(), source, read_only || s.read_only))
        .collect()
}

fn build(
    settings: &[SourceSettings],
    stored: &Portfolio,
    store: Option<&Store>,
) -> Vec<(Box<dyn Source>, Duration)> {
    settings
        .iter()
        .map(|s| {
            let at = Build {
                name: &s.name,
                stored,
                desk: store.map(|store| {
                    Arc::new(StoreDesk::new(store)) as Arc<dyn crate::sources::demo::Desk>
                }),
            };
            (s.kind.build(&at), s.interval)
        })
        .collect()
}
