//! Configuration in two stages: the TOML file as written (`raw`), then validated `Settings`.
//!
//! Every error names the file, the line and the key. Secrets never live in the file: a source
//! names the environment variable that holds them.

mod csv_source;
mod duration;
mod error;
pub mod keymap;
mod paths;
mod raw;
mod site_url;
mod tracker_source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::ConfigError;
pub use keymap::{Chord, Context, Keymap};
pub use paths::data_dir;

use chrono::NaiveDate;

use crate::analysis::StallPolicy;
use crate::app::Action;
use raw::RawConfig;

/// What lookout does when nothing is configured: the built-in demo tracker.
pub const DEMO_SEED: u64 = 42;
const DEFAULT_DEMO_INTERVAL: Duration = Duration::from_secs(15);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    Demo {
        seed: u64,
    },
    Csv {
        path: PathBuf,
        mapping: crate::sources::csv::Mapping,
    },
    Redmine(crate::sources::redmine::Settings),
    Jira(crate::sources::jira::Settings),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    pub name: String,
    pub interval: Duration,
    pub kind: SourceKind,
}

impl SourceSettings {
    pub fn demo() -> SourceSettings {
        SourceSettings {
            name: "demo".to_string(),
            interval: DEFAULT_DEMO_INTERVAL,
            kind: SourceKind::Demo { seed: DEMO_SEED },
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
    pub stall: StallPolicy,
    pub keymap: Keymap,
    pub sources: Vec<SourceSettings>,
    /// Target dates by project key (`KEY` or `SOURCE/KEY`), overriding the tracker's.
    pub targets: BTreeMap<String, NaiveDate>,
}

impl Settings {
    /// Settings with no config file: the demo source and default keys.
    pub fn defaults() -> Result<Settings, ConfigError> {
        Ok(Settings {
            file: None,
            read_only: false,
            log_level: "info".to_string(),
            color: true,
            stall: StallPolicy::default(),
            keymap: Keymap::default_table().map_err(ConfigError::Other)?,
            sources: vec![SourceSettings::demo()],
            targets: BTreeMap::new(),
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

    pub fn parse(path: &Path, text: &str) -> Result<Settings, ConfigError> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::at(path, text, e.span(), explain(e.message())))?;
        let at = |span: std::ops::Range<usize>, msg: String| {
            ConfigError::at(path, text, Some(span), msg)
        };
        let mut s = Settings::defaults()?;
        s.file = Some(path.to_path_buf());
        s.read_only = raw.general.read_only.unwrap_or(false);
        if let Some(level) = raw.general.log_level {
            let allowed = ["error", "warn", "info", "debug", "trace"];
            if !allowed.contains(&level.get_ref().as_str()) {
                return Err(at(
                    level.span(),
                    format!(
                        "{:?} is not a log level; use one of {}",
                        level.get_ref(),
                        allowed.join(", ")
                    ),
                ));
            }
            s.log_level = level.into_inner();
        }
        s.color = raw.ui.color.unwrap_or(true);

        let pct = |v: &toml::Spanned<f64>| -> Result<f64, ConfigError> {
            let p = *v.get_ref();
            if !(1.0..=99.0).contains(&p) {
                return Err(at(
                    v.span(),
                    format!("{p} is not a percentile between 1 and 99"),
                ));
            }
            Ok(p / 100.0)
        };
        if let Some(w) = &raw.stall.warn_percentile {
            s.stall.warn_quantile = pct(w)?;
        }
        if let Some(f) = &raw.stall.flag_percentile {
            s.stall.flag_quantile = pct(f)?;
        }
        if s.stall.flag_quantile < s.stall.warn_quantile {
            let span = raw
                .stall
                .flag_percentile
                .as_ref()
                .or(raw.stall.warn_percentile.as_ref())
                .map(|v| v.span());
            return Err(ConfigError::at(
                path,
                text,
                span,
                format!(
                    "flag_percentile ({:.0}) must not be below warn_percentile ({:.0})",
                    s.stall.flag_quantile * 100.0,
                    s.stall.warn_quantile * 100.0
                ),
            ));
        }
        if let Some(n) = raw.stall.min_samples {
            s.stall.min_samples = n.max(1);
        }
        if let Some(q) = &raw.stall.quiet_days {
            if !(1.0..=365.0).contains(q.get_ref()) {
                return Err(at(
                    q.span(),
                    format!("{} is not a number of days between 1 and 365", q.get_ref()),
                ));
            }
            s.stall.quiet_days = *q.get_ref();
        }
        for (project, date) in &raw.targets {
            let day = NaiveDate::parse_from_str(date.get_ref(), "%Y-%m-%d").map_err(|_| {
                at(
                    date.span(),
                    format!("{:?} is not a date; write YYYY-MM-DD", date.get_ref()),
                )
            })?;
            s.targets.insert(project.get_ref().clone(), day);
        }

        for (name, keys) in &raw.keys {
            let action = Action::from_name(name.get_ref()).ok_or_else(|| {
                at(
                    name.span(),
                    format!(
                        "{:?} is not an action; see the help overlay (?) for their names",
                        name.get_ref()
                    ),
                )
            })?;
            if keys.get_ref().is_empty() {
                return Err(at(keys.span(), "give at least one key".into()));
            }
            let chords = keys
                .get_ref()
                .iter()
                .map(|k| Chord::parse(k.get_ref()).map_err(|m| at(k.span(), m)))
                .collect::<Result<Vec<_>, _>>()?;
            s.keymap.rebind(action, chords);
        }
        // A key bound to two actions would silently do only the first: refuse it, naming the
        // user's line that caused the clash.
        for keys in raw.keys.values() {
            for k in keys.get_ref() {
                let Ok(chord) = Chord::parse(k.get_ref()) else {
                    continue;
                };
                let owners: Vec<Action> = s.keymap.actions_for_chord(&chord);
                if owners.len() > 1 {
                    let names: Vec<String> = owners.iter().map(|a| a.name()).collect();
                    return Err(at(
                        k.span(),
                        format!(
                            "{:?} would be bound to {} at once; rebind the other action too",
                            k.get_ref(),
                            names.join(" and ")
                        ),
                    ));
                }
            }
        }

        if !raw.source.is_empty() {
            s.sources.clear();
        }
        for src in raw.source {
            let name = src.name.get_ref();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(at(
                    src.name.span(),
                    format!("{name:?} is not a source name; use letters, digits, - and _"),
                ));
            }
            if s.sources.iter().any(|o| &o.name == name) {
                return Err(at(
                    src.name.span(),
                    format!("two sources are named {name:?}; names must be unique"),
                ));
            }
            let kind_name = src.kind.get_ref().as_str();
            if !["demo", "csv", "redmine", "jira"].contains(&kind_name) {
                return Err(at(
                    src.kind.span(),
                    format!(
                        "{kind_name:?} is not a source kind this lookout knows; supported: demo, \
                         csv, redmine, jira"
                    ),
                ));
            }
            let allowed = tracker_source::allowed(kind_name);
            if let Some((key, span)) = src
                .set_keys()
                .into_iter()
                .find(|(k, _)| !allowed.contains(k))
            {
                return Err(at(
                    span,
                    format!(
                        "`{key}` does not apply to {kind_name} sources; they take: {}",
                        allowed.join(", ")
                    ),
                ));
            }
            let kind = match kind_name {
                "demo" => SourceKind::Demo {
                    seed: src.seed.as_ref().map(|s| *s.get_ref()).unwrap_or(DEMO_SEED),
                },
                "csv" => csv_source::csv_kind(path, text, &src)?,
                "redmine" => tracker_source::redmine_kind(path, text, &src)?,
                _ => tracker_source::jira_kind(path, text, &src)?,
            };
            let interval = match &src.interval {
                Some(i) => duration::parse(i.get_ref()).map_err(|m| at(i.span(), m))?,
                None if matches!(kind, SourceKind::Demo { .. }) => DEFAULT_DEMO_INTERVAL,
                None => DEFAULT_INTERVAL,
            };
            s.sources.push(SourceSettings {
                name: name.clone(),
                interval,
                kind,
            });
        }
        Ok(s)
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
