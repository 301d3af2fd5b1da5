//! The config file exactly as written: serde structs that reject unknown keys. Values that
//! need checking beyond their type keep their position (`Spanned`) so errors can name the line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The names and logins that `assignee:@me` in the filter line stands for.
    pub me: Option<Vec<String>>,
    #[serde(default)]
    pub general: RawGeneral,
    #[serde(default)]
    pub ui: RawUi,
    #[serde(default)]
    pub stall: RawStall,
    #[serde(default)]
    pub keys: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub source: Vec<RawSource>,
    #[serde(default)]
    pub targets: BTreeMap<Spanned<String>, Spanned<String>>,
    pub ai: Option<Spanned<super::ai_section::RawAi>>,
    pub retention: Option<Spanned<super::retention_section::RawRetention>>,
    /// `[theme.NAME]`: role = style value.
    #[serde(default)]
    pub theme: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    pub profile: BTreeMap<Spanned<String>, super::profile_section::RawProfile>,
    #[serde(default)]
    pub report: super::report_section::RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGeneral {
    pub read_only: Option<bool>,
    pub log_level: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub color: Option<bool>,
    /// A built-in theme or a `[theme.NAME]` table.
    pub theme: Option<Spanned<String>>,
    /// Draw with ASCII only, whatever the locale says.
    pub ascii: Option<bool>,
    pub mouse: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStall {
    pub warn_percentile: Option<Spanned<f64>>,
    pub flag_percentile: Option<Spanned<f64>>,
    pub min_samples: Option<usize>,
    pub quiet_days: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
    pub interval: Option<Spanned<String>>,
    /// Any kind: never write to this tracker.
    pub read_only: Option<bool>,
    pub seed: Option<Spanned<u64>>,
    /// csv: the file to import.
    pub path: Option<Spanned<String>>,
    /// csv: a built-in column mapping.
    pub preset: Option<Spanned<String>>,
    /// csv: field = column header, over the preset.
    pub columns: Option<Spanned<BTreeMap<String, String>>>,
    /// redmine, jira: the tracker's address.
    pub url: Option<Spanned<String>>,
    /// redmine: the environment variable holding the API key.
    pub api_key_env: Option<Spanned<String>>,
    /// jira: the account's email (not a secret).
    pub email: Option<Spanned<String>>,
    /// jira: the environment variable holding the API token.
    pub token_env: Option<Spanned<String>>,
    /// jira: the site's cloud id, for scoped tokens.
    pub cloud_id: Option<Spanned<String>>,
    /// redmine, jira: the projects to sync (all visible ones when absent).
    pub projects: Option<Spanned<Vec<String>>>,
    /// redmine, jira: how often to look for deleted tickets.
    pub sweep: Option<Spanned<String>>,
}

impl RawSource {
    /// The keys this entry sets beyond `kind`, `name` and `interval`, with where they are.
    pub fn set_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut out = Vec::new();
        let mut add = |k: &'static str, span: Option<std::ops::Range<usize>>| {
            if let Some(s) = span {
                out.push((k, s));
            }
        };
        add("seed", self.seed.as_ref().map(|v| v.span()));
        add("path", self.path.as_ref().map(|v| v.span()));
        add("preset", self.preset.as_ref().map(|v| v.span()));
        add("columns", self.columns.as_ref().map(|v| v.span()));
        add("url", self.url.as_ref().map(|v| v.span()));
        add("api_key_env", self.api_key_env.as_ref().map(|v| v.span()));
        add("email", self.email.as_ref().map(|v| v.span()));
        add("token_env", self.token_env.as_ref().map(|v| v.span()));
        add("cloud_id", self.cloud_id.as_ref().map(|v| v.span()));
        add("projects", self.projects.as_ref().map(|v| v.span()));
        add("sweep", self.sweep.as_ref().map(|v| v.span()));
        out
    }
}
