//! `kind = "csv"`: the file, the preset and the column mapping.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Class, CsvSource, FIELDS, Mapping, Statuses};
use crate::config::{ConfigError, Entry, SourceKind};
use crate::sources::Source;
use crate::sources::connector::{Build, ConnectorSettings};
use crate::sources::registry::Connector;

pub const CONNECTOR: Connector = Connector {
    kind: "csv",
    keys: &["path", "preset", "columns", "transitions", "statuses"],
    default_interval: std::time::Duration::from_secs(300),
    read,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The file, relative paths resolved against the config file's folder.
    pub path: PathBuf,
    pub mapping: Mapping,
    /// The transitions file (`key,at,field,from,to`), resolved as `path` is.
    pub transitions: Option<PathBuf>,
    /// Status names to categories, before the defaults.
    pub statuses: Statuses,
}

fn read(entry: &Entry<'_>) -> Result<SourceKind, ConfigError> {
    let Some(path) = entry.string("path")? else {
        return Err(entry.err(
            entry.kind_span(),
            "a csv source needs `path`, the file to import".to_string(),
        ));
    };
    let preset = entry.string("preset")?;
    let mut mapping = match &preset {
        Some(p) => Mapping::preset(p.get_ref()).ok_or_else(|| {
            entry.err(
                p.span(),
                format!(
                    "{:?} is not a preset; use one of: {}",
                    p.get_ref(),
                    Mapping::PRESETS.join(", ")
                ),
            )
        })?,
        None => Mapping::default(),
    };
    let columns = entry.get::<BTreeMap<String, String>>("columns")?;
    if let Some(columns) = &columns {
        for (field, column) in columns.get_ref() {
            if !FIELDS.contains(&field.as_str()) {
                return Err(entry.err(
                    columns.span(),
                    format!(
                        "{field:?} is not a ticket field; use: {}",
                        FIELDS.join(", ")
                    ),
                ));
            }
            mapping.columns.insert(field.clone(), column.clone());
        }
    }
    let missing = mapping.missing();
    if !missing.is_empty() {
        let span = columns
            .as_ref()
            .map(|c| c.span())
            .or(preset.as_ref().map(|p| p.span()))
            .unwrap_or(entry.kind_span());
        return Err(entry.err(
            span,
            format!(
                "no column is mapped to {}; set a `preset` or `columns`",
                missing.join(", ")
            ),
        ));
    }
    let statuses = match entry.get::<BTreeMap<String, String>>("statuses")? {
        None => Statuses::default(),
        Some(table) => {
            let mut entries = Vec::new();
            for (name, word) in table.get_ref() {
                let class = Class::parse(word).ok_or_else(|| {
                    entry.err(
                        table.span(),
                        format!(
                            "status {name:?}: {word:?} is not a category; use one of: {}",
                            Class::WORDS.join(", ")
                        ),
                    )
                })?;
                entries.push((name.as_str(), class));
            }
            Statuses::new(entries)
        }
    };
    let transitions = entry.string("transitions")?;
    Ok(SourceKind::new(Settings {
        path: beside_config(entry, path.get_ref()),
        mapping,
        transitions: transitions.map(|t| beside_config(entry, t.get_ref())),
        statuses,
    }))
}

/// A relative path is relative to the config file, so the config works from anywhere.
fn beside_config(entry: &Entry<'_>, path: &str) -> PathBuf {
    let raw = Path::new(path);
    if raw.is_relative() {
        entry.config_dir().join(raw)
    } else {
        raw.to_path_buf()
    }
}

impl ConnectorSettings for Settings {
    fn kind(&self) -> &'static str {
        CONNECTOR.kind
    }

    fn describe(&self) -> String {
        match &self.transitions {
            Some(t) => format!(
                "csv, {} with transitions {}",
                self.path.display(),
                t.display()
            ),
            None => format!("csv, {}", self.path.display()),
        }
    }

    fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        let mut source = CsvSource::new(at.name, self.path.clone(), self.mapping.clone())
            .with_statuses(self.statuses.clone());
        if let Some(t) = &self.transitions {
            source = source.with_transitions(t.clone());
        }
        Box::new(source)
    }

    fn is_file(&self) -> bool {
        true
    }
}
