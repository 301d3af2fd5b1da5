//! `kind = "jira"`: site address, account email, API token by environment variable name,
//! the cloud id for scoped tokens, projects and sweep.

use std::time::Duration;

use super::{JiraSource, Settings};
use crate::config::{ConfigError, Entry, SourceKind, UrlRoot};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::http::Policy;
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "jira",
    keys: &["url", "email", "token_env", "cloud_id", "projects", "sweep"],
    default_interval: Duration::from_secs(300),
    read,
};

/// How often to look for deleted issues when the table does not say.
const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let email = entry.required("email", "the Atlassian account the token belongs to")?;
    if !email.get_ref().contains('@') {
        return Err(entry.err(
            email.span(),
            format!("{:?} is not an email address", email.get_ref()),
        ));
    }
    // It becomes a path segment of every request: anything but a UUID would send them astray.
    let cloud_id = entry.string("cloud_id")?;
    if let Some(id) = &cloud_id {
        let v = id.get_ref().trim();
        let groups: Vec<usize> = v.split('-').map(str::len).collect();
        let hex = v.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-');
        if !hex || groups != [8, 4, 4, 4, 12] {
            return Err(entry.err(
                id.span(),
                format!(
                    "{v:?} is not a cloud id (a UUID; https://<site>/_edge/tenant_info shows it)"
                ),
            ));
        }
    }
    Ok(SourceKind::new(Settings {
        url: entry.url(UrlRoot::SiteRoot)?,
        cloud_id: cloud_id.map(|c| c.get_ref().trim().to_string()),
        email: email.get_ref().trim().to_string(),
        token_env: entry.env_name("token_env")?,
        projects: entry.strings("projects")?,
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        format!("jira, {}", self.url)
    }

    fn access(&self) -> Option<String> {
        Some(format!(
            "the account's email in email and a Jira API token (id.atlassian.com, Security, API \
             tokens) in {}; the account must browse the projects (and edit, transition and \
             comment to change issues)",
            self.token_env
        ))
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        Box::new(JiraSource::new(at.name, self.clone(), Policy::default()))
    }
}
