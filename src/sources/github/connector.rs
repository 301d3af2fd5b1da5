//! `kind = "github"`: API root (GitHub or an Enterprise Server), token by environment
//! variable name, repositories, what labels mean, the Project (v2) that gives status and
//! what its options mean, and sweep.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::project::STATUS_FIELD;
use super::{Board, GithubSource, LabelRules, Settings};
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
        "project",
        "status_categories",
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

/// `project = { owner = "acme", number = 7, field = "Status" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoard {
    owner: String,
    number: i64,
    #[serde(default)]
    field: Option<String>,
}

/// The project whose field gives status, with what its options mean.
fn board(entry: &Entry<'_>) -> Result<Option<Board>, ConfigError> {
    let categories = entry.get::<BTreeMap<String, String>>("status_categories")?;
    let Some(raw) = entry.get::<RawBoard>("project")? else {
        return match categories {
            Some(table) => Err(entry.err(
                table.span(),
                "`status_categories` says what a project's status options mean; it needs \
                 `project`"
                    .into(),
            )),
            None => Ok(None),
        };
    };
    let span = raw.span();
    let raw = raw.into_inner();
    let owner = raw.owner.trim();
    let login = !owner.is_empty()
        && owner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !login {
        return Err(entry.err(
            span,
            format!(
                "`project.owner` {:?} is not an organization or user name (as in \
                 github.com/orgs/NAME/projects/7)",
                raw.owner
            ),
        ));
    }
    let number = u64::try_from(raw.number).ok().filter(|n| *n > 0);
    let Some(number) = number else {
        return Err(entry.err(
            span,
            format!(
                "`project.number` {} is not a project number; it is the number in the \
                 project's address",
                raw.number
            ),
        ));
    };
    let field = raw.field.unwrap_or_else(|| STATUS_FIELD.to_string());
    if field.trim().is_empty() {
        return Err(entry.err(
            span,
            "`project.field` is empty; name the single-select field that holds status \
             (\"Status\" unless set)"
                .into(),
        ));
    }
    let mut out = Vec::new();
    if let Some(table) = categories {
        let span = table.span();
        for (option, category) in table.into_inner() {
            let category = match category.trim().to_ascii_lowercase().as_str() {
                "to do" | "todo" => StatusCategory::Todo,
                "in progress" => StatusCategory::InProgress,
                "done" => StatusCategory::Done,
                _ => {
                    return Err(entry.err(
                        span,
                        format!(
                            "status {option:?} has category {category:?}; use \"to do\", \
                             \"in progress\" or \"done\""
                        ),
                    ));
                }
            };
            out.push((option, category));
        }
    }
    Ok(Some(Board {
        owner: owner.to_string(),
        number,
        field: field.trim().to_string(),
        categories: out,
    }))
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
        project: board(entry)?,
        sweep_every: entry.duration("sweep", DEFAULT_SWEEP)?,
    }))
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        let project = self
            .project
            .as_ref()
            .map(|b| format!(", status from project {} of {}", b.number, b.owner))
            .unwrap_or_default();
        format!("github, {} ({}){project}", self.url, self.repos.join(", "))
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
