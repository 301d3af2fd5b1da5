//! `kind = "demo"`: the built-in tracker, configured by its seed alone.

use std::time::Duration;

use super::DemoSource;
use crate::config::{ConfigError, Entry, SourceKind};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::registry::Connector;

/// The seed of the demo lookout runs when nothing is configured.
pub const SEED: u64 = 42;

pub const CONNECTOR: Connector = Connector {
    kind: "demo",
    keys: &["seed"],
    // Fast enough to watch the demo's world move.
    default_interval: Duration::from_secs(15),
    read,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub seed: u64,
}

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let seed = entry.get::<u64>("seed")?.map(|s| *s.get_ref());
    Ok(SourceKind::new(Settings {
        seed: seed.unwrap_or(SEED),
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        format!("demo, seed {}", self.seed)
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        let demo = DemoSource::new(at.name, self.seed, at.stored);
        match &at.desk {
            Some(desk) => Box::new(demo.with_desk(desk.clone())),
            None => Box::new(demo),
        }
    }

    fn is_demo(&self) -> bool {
        true
    }
}
