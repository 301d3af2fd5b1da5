//! `kind = "gitlab"`: instance address, token by environment variable name and how it is
//! sent, the projects and groups to sync, label scopes and their meaning, and the sweep.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Auth, GitLabSource, Settings};
use crate::config::{ConfigError, Entry, SourceKind, UrlRoot};
use crate::domain::StatusCategory;
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::http::Policy;
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "gitlab",
    keys: &[
        "url",
        "token_env",
        "auth",
        "projects",
        "groups",
        "status_scope",
        "status_categories",
        "priority_scope",
        "not_delivered",
        "sweep",
    ],
    default_interval: Duration::from_secs(300),
    read,
};

/// gitlab.com, when the table names no self-managed instance.
const DEFAULT_URL: &str = "https://gitlab.com";
/// How often to look for deleted issues when the table does not say.
const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let url = match entry.string("url")? {
        // A self-managed instance may live below a path (`https://host/gitlab`).
        Some(_) => entry.url(UrlRoot::PathAllowed)?,
        None => DEFAULT_URL.to_string(),
    };
    let auth = match entry.string("auth")? {
        None => Auth::PrivateToken,
        Some(a) => match a.get_ref().as_str() {
            "private_token" => Auth::PrivateToken,
            "bearer" => Auth::Bearer,
            other => {
                return Err(entry.err(
                    a.span(),
                    format!(
                        "unknown auth {other:?}; use \"private_token\" (PRIVATE-TOKEN header) \
                         or \"bearer\" (Authorization: Bearer)"
                    ),
                ));
            }
        },
    };
    let projects = entry.strings("projects")?;
    let groups = entry.strings("groups")?;
    if projects.is_empty() && groups.is_empty() {
        return Err(entry.missing(
            "projects",
            "project paths (group/project), or `groups` with group paths",
        ));
    }
    let status_scope = scope(entry, "status_scope")?;
    let mut status_categories = Vec::new();
    if let Some(table) = entry.get::<BTreeMap<String, String>>("status_categories")? {
        if status_scope.is_none() {
            return Err(entry.err(
                table.span(),
                "`status_categories` needs `status_scope`: the label scope whose values are \
                 statuses"
                    .to_string(),
            ));
        }
        for (value, category) in table.get_ref() {
            let category = match category.as_str() {
                "to do" => StatusCategory::Todo,
                "in progress" => StatusCategory::InProgress,
                "done" => StatusCategory::Done,
                other => {
                    return Err(entry.err(
                        table.span(),
                        format!(
                            "status {value:?} has category {other:?}; use \"to do\", \
                             \"in progress\" or \"done\""
                        ),
                    ));
                }
            };
            status_categories.push((value.clone(), category));
        }
    }
    Ok(SourceKind::new(Settings {
        url,
        token_env: entry.env_name("token_env")?,
        auth,
        projects,
        groups,
        status_scope,
        priority_scope: scope(entry, "priority_scope")?,
        status_categories,
        not_delivered: entry.strings("not_delivered")?,
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

/// A label scope: the part before the last `::`, so neither blank nor ending in one.
fn scope(entry: &Entry<'_>, key: &str) -> Result<Option<String>, ConfigError> {
    let Some(s) = entry.string(key)? else {
        return Ok(None);
    };
    let value = s.get_ref().trim();
    if value.is_empty() || value.ends_with(':') {
        return Err(entry.err(
            s.span(),
            format!(
                "`{key}` is the label scope alone (`workflow` for `workflow::review`), not {:?}",
                s.get_ref()
            ),
        ));
    }
    Ok(Some(value.to_string()))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        let mut what: Vec<String> = self.projects.clone();
        what.extend(self.groups.iter().map(|g| format!("group {g}")));
        format!("gitlab, {} ({})", self.url, what.join(", "))
    }

    fn access(&self) -> Option<String> {
        let sent = match self.auth {
            super::Auth::PrivateToken => "as PRIVATE-TOKEN; auth = \"bearer\" for OAuth tokens",
            super::Auth::Bearer => "as Authorization: Bearer",
        };
        Some(format!(
            "a GitLab personal, group or project access token in {} with scope read_api (api \
             to change issues), of a member (Reporter or above) of each project or group; sent \
             {sent}",
            self.token_env
        ))
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        Box::new(GitLabSource::new(at.name, self.clone(), Policy::default()))
    }
}
