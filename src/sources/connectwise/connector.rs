//! `kind = "connectwise"`: the site, the company id, the API member's keys by environment
//! variable name, the integration's client id, the service boards and the sweep.

use std::time::Duration;

use super::{ConnectWiseSource, Settings};
use crate::config::{ConfigError, Entry, SourceKind, UrlRoot};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::http::Policy;
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "connectwise",
    keys: &[
        "url",
        "company",
        "public_key_env",
        "private_key_env",
        "client_id",
        "boards",
        "sweep",
    ],
    default_interval: Duration::from_secs(300),
    read,
};

/// How often to look for deleted tickets when the table does not say.
const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let company = entry.required("company", "the company id you log in to ConnectWise with")?;
    let client_id = entry.required(
        "client_id",
        "the integration's clientId from developer.connectwise.com (ConnectWise refuses \
         requests without one)",
    )?;
    let boards = entry.strings("boards")?;
    if boards.iter().all(|b| b.trim().is_empty()) {
        return Err(entry.missing(
            "boards",
            "the service boards to sync, by name (boards = [\"Help Desk\"])",
        ));
    }
    Ok(SourceKind::new(Settings {
        // Hosted sites are served from the root; on-premises ones may sit below a path.
        url: entry.url(UrlRoot::PathAllowed)?,
        company: company.get_ref().trim().to_string(),
        public_key_env: entry.env_name("public_key_env")?,
        private_key_env: entry.env_name("private_key_env")?,
        client_id: client_id.get_ref().trim().to_string(),
        boards: boards
            .into_iter()
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty())
            .collect(),
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        format!("connectwise, {} (company {})", self.url, self.company)
    }

    fn access(&self) -> Option<String> {
        Some(format!(
            "an API member's keys (System > Members > API Members > API Keys): public in {}, \
             private in {}; company = the company id you log in with; client_id = the clientId \
             issued at developer.connectwise.com; the member's security role needs Inquire All \
             on Service Tickets, Table Setup, Member Maintenance and Time Entry (Edit, Close and \
             Add on Service Tickets to change them)",
            self.public_key_env, self.private_key_env
        ))
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        Box::new(ConnectWiseSource::new(
            at.name,
            self.clone(),
            Policy::default(),
        ))
    }
}
