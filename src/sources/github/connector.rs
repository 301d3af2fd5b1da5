//! `kind = "github"`: API root (GitHub or an Enterprise Server), token by environment
//! variable name, repositories, what labels mean, and sweep.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::{GithubSource, LabelRules, Settings};
use crate::config::{ConfigError, Entry, SourceKind, UrlRoot};
use crate::domain::{Priority, StatusCategory};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::http::Policy;
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "github",
    keys: &[
        "url",
        "token_env",
        "repos",
        "priority_labels",
        "estimate_labels",
        "status_labels",
        "sweep",
    ],
    default_interval: Duration::from_secs(300),
    read,
};

const DEFAULT_URL: &str = "https://api.github.com";
/// How often to look for deleted or transferred issues when the table does not say.
const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

/// An estimate label's value: a number, or `"number"` to read it from the label.
#[derive(Deserialize)]
#[serde(untagged)]
enum Estimate {
    Points(f64),
    Word(String),
}

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let url = match entry.string("url")? {
        // GitHub Enterprise Server's API lives below `/api/v3`.
        Some(_) => entry.url(UrlRoot::PathAllowed)?,
        None => DEFAULT_URL.to_string(),
    };
    let repos = entry
        .get::<Vec<String>>("repos")?
        .ok_or_else(|| entry.missing("repos", "the repositories to sync, as \"owner/name\""))?;
    let span = repos.span();
    let repos = repos.into_inner();
    if repos.is_empty() {
        return Err(entry.err(
            span,
            "`repos` is empty; list repositories as \"owner/name\"".into(),
        ));
    }
    for r in &repos {
        let parts: Vec<&str> = r.split('/').collect();
        let fine = parts.len() == 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            });
        if !fine {
            return Err(entry.err(
                span.clone(),
                format!("{r:?} is not a repository; write it as \"owner/name\""),
            ));
        }
    }

    let mut priority = Vec::new();
    if let Some(table) = entry.get::<BTreeMap<String, String>>("priority_labels")? {
        let span = table.span();
        for (label, level) in table.into_inner() {
            let found = Priority::ALL
                .into_iter()
                .find(|p| p.label().eq_ignore_ascii_case(level.trim()));
            let Some(level) = found else {
                return Err(entry.err(
                    span,
                    format!(
                        "{label:?} = {level:?}: a priority is lowest, low, medium, high or highest"
                    ),
                ));
            };
            priority.push((label, level));
        }
    }
    let mut estimate = Vec::new();
    if let Some(table) = entry.get::<BTreeMap<String, Estimate>>("estimate_labels")? {
        let span = table.span();
        for (label, value) in table.into_inner() {
            let value = match value {
                Estimate::Points(v) if v.is_finite() && v >= 0.0 => Some(v),
                Estimate::Word(w) if w == "number" && label.ends_with('*') => None,
                _ => {
                    return Err(entry.err(
                        span,
                        format!(
                            "{label:?}: an estimate is a number, or \"number\" on a pattern \
                             ending in * to read it from the label"
                        ),
                    ));
                }
            };
            estimate.push((label, value));
        }
    }
    let mut status = Vec::new();
    if let Some(table) = entry.get::<BTreeMap<String, String>>("status_labels")? {
        let span = table.span();
        for (label, category) in table.into_inner() {
            let category = match category.trim().to_ascii_lowercase().as_str() {
                "to do" | "todo" => StatusCategory::Todo,
                "in progress" => StatusCategory::InProgress,
                _ => {
                    return Err(entry.err(
                        span,
                        format!(
                            "{label:?} = {category:?}: a status label is \"to do\" or \"in progress\" \
                             (closing an issue is what makes it done)"
                        ),
                    ));
                }
            };
            status.push((label, category));
        }
    }
    Ok(SourceKind::new(Settings {
        url,
        token_env: entry.env_name("token_env")?,
        repos,
        labels: LabelRules::new(priority, estimate, status),
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        format!("github, {} ({})", self.url, self.repos.join(", "))
    }

    fn access(&self) -> Option<String> {
        Some(format!(
            "a GitHub token in {}: fine-grained with Issues: read on {} (Issues: write to \
             change them), or a classic token with repo (public_repo for public repositories)",
            self.token_env,
            self.repos.join(", ")
        ))
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        Box::new(GithubSource::new(at.name, self.clone(), Policy::default()))
    }
}
