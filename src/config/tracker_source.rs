//! Validating `kind = "redmine"` and `kind = "jira"` sources: address, credentials by
//! environment variable name, project filter and sweep interval.

use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::raw::RawSource;
use super::{ConfigError, SourceKind, duration, site_url};
use crate::sources::{jira, redmine};

const DEFAULT_SWEEP: Duration = Duration::from_secs(3600);

/// Which keys each kind takes beyond `kind`, `name` and `interval`.
pub fn allowed(kind: &str) -> &'static [&'static str] {
    match kind {
        "demo" => &["seed"],
        "csv" => &["path", "preset", "columns"],
        "redmine" => &["url", "api_key_env", "projects", "sweep"],
        "jira" => &["url", "email", "token_env", "cloud_id", "projects", "sweep"],
        _ => &[],
    }
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    src: &'a RawSource,
}

impl Ctx<'_> {
    fn err(&self, span: std::ops::Range<usize>, msg: String) -> ConfigError {
        ConfigError::at(self.file, self.text, Some(span), msg)
    }

    fn required<'v>(
        &self,
        value: &'v Option<Spanned<String>>,
        key: &str,
        why: &str,
    ) -> Result<&'v Spanned<String>, ConfigError> {
        match value {
            Some(v) if !v.get_ref().trim().is_empty() => Ok(v),
            Some(v) => Err(self.err(v.span(), format!("`{key}` is empty; {why}"))),
            None => Err(self.err(
                self.src.kind.span(),
                format!("a {} source needs `{key}`: {why}", self.src.kind.get_ref()),
            )),
        }
    }

    fn url(&self, root: site_url::Root) -> Result<String, ConfigError> {
        let url = self.required(&self.src.url, "url", "the tracker's address")?;
        site_url::check(url.get_ref(), root).map_err(|m| self.err(url.span(), m))
    }

    fn env_name(&self, value: &Option<Spanned<String>>, key: &str) -> Result<String, ConfigError> {
        let v = self.required(
            value,
            key,
            "the name of the environment variable that holds the secret",
        )?;
        let name = v.get_ref();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(self.err(
                v.span(),
                format!(
                    "{name:?} is not an environment variable name; `{key}` names the variable, \
                     the secret itself stays out of the file"
                ),
            ));
        }
        Ok(name.clone())
    }

    fn projects(&self) -> Vec<String> {
        self.src
            .projects
            .as_ref()
            .map(|p| p.get_ref().clone())
            .unwrap_or_default()
    }

    fn sweep(&self) -> Result<Duration, ConfigError> {
        match &self.src.sweep {
            Some(s) => duration::parse(s.get_ref()).map_err(|m| self.err(s.span(), m)),
            None => Ok(DEFAULT_SWEEP),
        }
    }
}

pub fn redmine_kind(file: &Path, text: &str, src: &RawSource) -> Result<SourceKind, ConfigError> {
    let c = Ctx { file, text, src };
    Ok(SourceKind::Redmine(redmine::Settings {
        // Redmine is often served below a path (`/redmine`).
        url: c.url(site_url::Root::PathAllowed)?,
        api_key_env: c.env_name(&src.api_key_env, "api_key_env")?,
        projects: c.projects(),
        sweep_every: c.sweep()?,
    }))
}

pub fn jira_kind(file: &Path, text: &str, src: &RawSource) -> Result<SourceKind, ConfigError> {
    let c = Ctx { file, text, src };
    let email = c.required(
        &src.email,
        "email",
        "the Atlassian account the token belongs to",
    )?;
    if !email.get_ref().contains('@') {
        return Err(c.err(
            email.span(),
            format!("{:?} is not an email address", email.get_ref()),
        ));
    }
    // It becomes a path segment of every request: anything but a UUID would send them astray.
    if let Some(id) = &src.cloud_id {
        let v = id.get_ref().trim();
        let groups: Vec<usize> = v.split('-').map(str::len).collect();
        let hex = v.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-');
        if !hex || groups != [8, 4, 4, 4, 12] {
            return Err(c.err(
                id.span(),
                format!(
                    "{v:?} is not a cloud id (a UUID; https://<site>/_edge/tenant_info shows it)"
                ),
            ));
        }
    }
    Ok(SourceKind::Jira(jira::Settings {
        url: c.url(site_url::Root::SiteRoot)?,
        cloud_id: src
            .cloud_id
            .as_ref()
            .map(|c| c.get_ref().trim().to_string()),
        email: email.get_ref().trim().to_string(),
        token_env: c.env_name(&src.token_env, "token_env")?,
        projects: c.projects(),
        sweep_every: c.sweep()?,
    }))
}
