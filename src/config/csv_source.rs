//! Validating a `kind = "csv"` source: the file, the preset and the column mapping.

use std::path::Path;

use super::raw::RawSource;
use super::{ConfigError, SourceKind};
use crate::sources::csv::{FIELDS, Mapping};

/// `file` and `text` are the config's own path and contents, for error locations.
pub fn csv_kind(file: &Path, text: &str, src: &RawSource) -> Result<SourceKind, ConfigError> {
    let at = |span, msg: String| ConfigError::at(file, text, Some(span), msg);
    let Some(path) = &src.path else {
        return Err(at(
            src.kind.span(),
            "a csv source needs `path`, the file to import".to_string(),
        ));
    };
    let mut mapping = match &src.preset {
        Some(p) => Mapping::preset(p.get_ref()).ok_or_else(|| {
            at(
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
    if let Some(columns) = &src.columns {
        for (field, column) in columns.get_ref() {
            if !FIELDS.contains(&field.as_str()) {
                return Err(at(
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
        let span = src
            .columns
            .as_ref()
            .map(|c| c.span())
            .or(src.preset.as_ref().map(|p| p.span()))
            .unwrap_or(src.kind.span());
        return Err(at(
            span,
            format!(
                "no column is mapped to {}; set a `preset` or `columns`",
                missing.join(", ")
            ),
        ));
    }
    // A relative path is relative to the config file, so the config works from anywhere.
    let raw = Path::new(path.get_ref());
    let resolved = if raw.is_relative() {
        file.parent().unwrap_or(Path::new(".")).join(raw)
    } else {
        raw.to_path_buf()
    };
    Ok(SourceKind::Csv {
        path: resolved,
        mapping,
    })
}
