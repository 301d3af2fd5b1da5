//! `[profile.NAME]` tables: a named set of the configured sources, chosen with `--profile NAME`.
//!
//! ```toml
//! [profile.work]
//! sources = ["jira-work", "gh"]
//! ```
//!
//! A profile names `[[source]]` entries rather than holding its own, so a source is written
//! once and shared. Each profile keeps its own store (see `cli`), so two organisations' data
//! never mix.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Doc, Settings, SourceSettings};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub sources: Spanned<Vec<Spanned<String>>>,
}

/// A profile's name becomes a directory name: letters, digits, `-` and `_` only.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(super) fn profiles(
    doc: &Doc<'_>,
    raw: &BTreeMap<Spanned<String>, RawProfile>,
    sources: &[SourceSettings],
) -> Result<BTreeMap<String, Vec<String>>, ConfigError> {
    let mut out = BTreeMap::new();
    for (name, profile) in raw {
        if !valid_name(name.get_ref()) {
            return Err(doc.at(
                name.span(),
                format!(
                    "{:?} is not a profile name; use letters, digits, - and _",
                    name.get_ref()
                ),
            ));
        }
        let listed = profile.sources.get_ref();
        if listed.is_empty() {
            return Err(doc.at(
                profile.sources.span(),
                "a profile needs at least one source".to_string(),
            ));
        }
        let mut names: Vec<String> = Vec::with_capacity(listed.len());
        for source in listed {
            let wanted = source.get_ref();
            if !sources.iter().any(|s| &s.name == wanted) {
                let known: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
                return Err(doc.at(
                    source.span(),
                    format!(
                        "no [[source]] is named {wanted:?}; configured sources: {}",
                        known.join(", ")
                    ),
                ));
            }
            if names.contains(wanted) {
                return Err(doc.at(source.span(), format!("{wanted:?} is listed twice")));
            }
            names.push(wanted.clone());
        }
        out.insert(name.get_ref().clone(), names);
    }
    Ok(out)
}

impl Settings {
    /// Narrows the sources to those of `[profile.NAME]`, in the profile's order. An unknown
    /// name is an error that lists the profiles the config has.
    pub fn select_profile(&mut self, name: &str) -> Result<(), ConfigError> {
        let file = self
            .file
            .as_ref()
            .map_or("no config file".to_string(), |f| f.display().to_string());
        let Some(wanted) = self.profiles.get(name) else {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            let listed = if known.is_empty() {
                "it defines no [profile.NAME] tables".to_string()
            } else {
                format!("known profiles: {}", known.join(", "))
            };
            return Err(ConfigError::Other(format!(
                "{file}: no profile named {name:?}; {listed}"
            )));
        };
        self.sources = wanted
            .iter()
            .filter_map(|w| self.sources.iter().find(|s| &s.name == w).cloned())
            .collect();
        self.profile = Some(name.to_string());
        Ok(())
    }
}
