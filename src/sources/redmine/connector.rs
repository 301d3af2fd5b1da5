//! `kind = "redmine"`: address, API key by environment variable name, projects and sweep.

use std::time::Duration;

use super::{RedmineSource, Settings};
use crate::config::{ConfigError, Entry, SourceKind, UrlRoot};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::http::Policy;
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "redmine",
    keys: &["url", "api_key_env", "projects", "sweep"],
    default_interval: Duration::from_secs(300),
    read,
};

/// How often to look for deleted issues when the table does not say.
const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    Ok(SourceKind::new(Settings {
        // Redmine is often served below a path (`/redmine`).
        url: entry.url(UrlRoot::PathAllowed)?,
        api_key_env: entry.env_name("api_key_env")?,
        projects: entry.strings("projects")?,
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        format!("redmine, {}", self.url)
    }

    fn access(&self) -> Option<String> {
        Some(format!(
            "the Redmine API key (My account, API access key; the REST API enabled under \
             Administration, Settings, API) in {}",
            self.api_key_env
        ))
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        Box::new(RedmineSource::new(at.name, self.clone(), Policy::default()))
    }
}
