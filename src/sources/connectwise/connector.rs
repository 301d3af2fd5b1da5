//! `kind = "connectwise"`: the site, the company id, the API member's keys by environment
//! variable name, the integration's client id, the service boards and the sweep.

use std::time::Duration;

use super::{ConnectWiseSource, Projects, Settings};
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
        "projects",
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
    let projects = projects(entry)?;
    if boards.iter().all(|b| b.trim().is_empty()) && projects == Projects::None {
        return Err(entry.missing(
            "boards",
            "the service boards to sync, by name (boards = [\"Help Desk\"]), or `projects` \
             for project work (projects = [\"Website Redesign\"] or \"open\")",
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
        projects,
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

/// `projects`: a list of project names, or `"open"` for every project not closed.
fn projects(entry: &Entry<'_>) -> Result<Projects, ConfigError> {
    let Some(value) = entry.get::<toml::Value>("projects")? else {
        return Ok(Projects::None);
    };
    let wrong = |what: &str| {
        entry.err(
            value.span(),
            format!(
                "`projects` {what}; write the projects' names (projects = [\"Website \
                 Redesign\"]) or \"open\" for every project not closed"
            ),
        )
    };
    match value.get_ref() {
        toml::Value::String(s) if s.trim().eq_ignore_ascii_case("open") => Ok(Projects::Open),
        toml::Value::String(s) => Err(wrong(&format!("is {s:?}"))),
        toml::Value::Array(items) => {
            let mut names = Vec::new();
            for item in items {
                match item.as_str().map(str::trim) {
                    Some("") => return Err(wrong("holds an empty name")),
                    Some(name) if !names.iter().any(|n: &String| n == name) => {
                        names.push(name.to_string());
                    }
                    Some(_) => {}
                    None => return Err(wrong(&format!("holds {item}, not a name"))),
                }
            }
            Ok(if names.is_empty() {
                Projects::None
            } else {
                Projects::Named(names)
            })
        }
        other => Err(wrong(&format!("is {}", other.type_str()))),
    }
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
