//! Configuration in two stages: the TOML file as written (`raw`), then validated `Settings`.
//!
//! Every error names the file, the line and the key. Secrets never live in the file: a source
//! names the environment variable that holds them.

mod ai_section;
mod duration;
mod entry;
mod error;
mod key_section;
mod paths;
mod profile_section;
mod raw;
mod report_section;
mod retention_section;
mod sections;
mod site_url;
mod source_section;
mod theme_section;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::sources::connector::SourceKind;
pub use entry::{Entry, UrlRoot};
pub use error::ConfigError;
pub use paths::data_dir;
pub use report_section::ReportSettings;
pub use retention_section::Retention;

use chrono::NaiveDate;

use crate::advisor::llm::AiSettings;
use crate::analysis::StallPolicy;
use crate::keys::Keymap;
use raw::RawConfig;

#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    pub name: String,
    pub interval: Duration,
    pub kind: SourceKind,
    /// Never write to this source's tracker (`read_only = true` in its table).
    pub read_only: bool,
}

impl SourceSettings {
    /// What lookout runs when nothing is configured: the built-in demo tracker.
    pub fn demo() -> SourceSettings {
        use crate::sources::demo;
        SourceSettings {
            name: "demo".to_string(),
            interval: demo::CONNECTOR.default_interval,
            kind: SourceKind::new(demo::Settings { seed: demo::SEED }),
            read_only: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The file these settings came from, if any.
    pub file: Option<PathBuf>,
    pub read_only: bool,
    pub log_level: String,
    pub color: bool,
    /// The chosen theme at full colour (`[ui] theme`); the terminal's depth is applied when
    /// the dashboard starts.
    pub theme: crate::palette::Palette,
    /// Draw with ASCII only (`--ascii`, `[ui] ascii = true`).
    pub ascii: bool,
    pub stall: StallPolicy,
    pub keymap: Keymap,
    pub sources: Vec<SourceSettings>,
    /// Target dates by project key (`KEY` or `SOURCE/KEY`), overriding the tracker's.
    pub targets: BTreeMap<String, NaiveDate>,
    /// The model that may refine suggestions; `None` leaves them to the rules alone.
    pub ai: Option<AiSettings>,
    /// The names and logins that `assignee:@me` in the filter line stands for.
    pub me: Vec<String>,
    /// Mouse reporting in the dashboard (`[ui] mouse = true`): off unless asked for.
    pub mouse: bool,
    /// Each `[profile.NAME]`'s sources, by name, in the order the profile lists them.
    pub profiles: BTreeMap<String, Vec<String>>,
    /// The profile chosen with `--profile`, once `select_profile` has narrowed the sources.
    pub profile: Option<String>,
    /// `[report]`: when the store is too old to report from.
    pub report: ReportSettings,
    /// `[retention]`: closed tickets archived after a sync; `None` never.
    pub retention: Option<Retention>,
}

impl Settings {
    /// Settings with no config file: the demo source and default keys.
    pub fn defaults() -> Result<Settings, ConfigError> {
        Ok(Settings {
            file: None,
            read_only: false,
            log_level: "info".to_string(),
            color: true,
            theme: crate::palette::Palette::default(),
            ascii: false,
            stall: StallPolicy::default(),
            keymap: Keymap::default_table().map_err(ConfigError::Other)?,
            sources: vec![SourceSettings::demo()],
            targets: BTreeMap::new(),
            ai: None,
            me: Vec::new(),
            mouse: false,
            profiles: BTreeMap::new(),
            profile: None,
            report: ReportSettings::default(),
            retention: None,
        })
    }

    /// Finds and reads the config: `--config`, else `LOOKOUT_CONFIG`, else the platform file
    /// if it exists, else defaults.
    pub fn load(flag: Option<PathBuf>) -> Result<Settings, ConfigError> {
        match paths::config_file(flag) {
            Some((path, named)) if named || path.exists() => {
                let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Unreadable {
                    path: path.clone(),
                    source: e,
                })?;
                Settings::parse(&path, &text)
            }
            _ => Settings::defaults(),
        }
    }

    /// Reads a config file's text: each section is checked by the module that owns it, and
    /// the first mistake is reported with the file, the line and the key.
    pub fn parse(path: &Path, text: &str) -> Result<Settings, ConfigError> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::at(path, text, e.span(), explain(e.message())))?;
        let doc = Doc { path, text };
        let mut s = Settings::defaults()?;
        s.file = Some(path.to_path_buf());
        s.me = raw.me.clone().unwrap_or_default();
        sections::general(&doc, &raw, &mut s)?;
        s.theme = theme_section::theme(&doc, &raw)?;
        sections::stall(&doc, &raw.stall, &mut s.stall)?;
        sections::targets(&doc, &raw.targets, &mut s.targets)?;
        key_section::rebind(&doc, &raw.keys, &mut s.keymap)?;
        if let Some(ai) = &raw.ai {
            s.ai = Some(ai_section::ai(&doc, ai)?);
        }
        if let Some(r) = &raw.retention {
            s.retention = retention_section::retention(&doc, r)?;
        }
        if !raw.source.is_empty() {
            s.sources = source_section::sources(&doc, &raw.source)?;
        }
        s.profiles = profile_section::profiles(&doc, &raw.profile, &s.sources)?;
        s.report = report_section::report(&doc, &raw.report)?;
        Ok(s)
    }
}

/// The file being read, for errors that point into it.
struct Doc<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Doc<'_> {
    fn at(&self, span: std::ops::Range<usize>, msg: String) -> ConfigError {
        ConfigError::at(self.path, self.text, Some(span), msg)
    }
}

/// Rewrites serde's wording where lookout can say something more useful.
fn explain(message: &str) -> String {
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(field) = unknown {
        let lower = field.to_ascii_lowercase();
        if ["token", "password", "secret", "api_key", "apikey"]
            .iter()
            .any(|s| lower.contains(s))
        {
            return format!(
                "secrets are never read from the config file; put the name of an environment \
                 variable that holds it in `{field}_env` instead (and remove `{field}` from the file)"
            );
        }
    }
    message.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let text = include_str!("../../config.example.toml");
        let s = Settings::parse(Path::new("config.example.toml"), text).expect("example parses");
        assert_eq!(s.sources.len(), 1);
        assert_eq!(s.stall.flag_quantile, 0.85);
    }

    #[test]
    fn empty_file_means_defaults() {
        let s = Settings::parse(Path::new("c.toml"), "").expect("empty is fine");
        assert_eq!(s.sources, vec![SourceSettings::demo()]);
        assert!(!s.read_only);
    }
}
