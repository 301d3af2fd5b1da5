//! Config errors that say where: file, line and key.

use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {key}: {message}", path = .path.display())]
    At {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("cannot read config {path}: {source}", path = .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl ConfigError {
    /// An error about the text at `span` in `text`, the contents of `path`.
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let (line, key) = locate(text, span.map(|s| s.start).unwrap_or(0));
        ConfigError::At {
            path: path.to_path_buf(),
            line,
            key,
            message: message.into(),
        }
    }
}

/// The 1-based line of `offset` and the dotted key written there (`source[2].interval`).
fn locate(text: &str, offset: usize) -> (usize, String) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[line_start..]
        .find('\n')
        .map(|i| line_start + i)
        .unwrap_or(text.len());
    let line = text[line_start..line_end].trim();

    let mut table = String::new();
    let mut array_counts: std::collections::HashMap<String, usize> = Default::default();
    for l in text[..line_start].lines().map(str::trim) {
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let n = array_counts.entry(name.trim().to_string()).or_insert(0);
            *n += 1;
            table = format!("{}[{}]", name.trim(), n);
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
        }
    }
    let key = if line.starts_with('[') {
        line.trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string()
    } else {
        let name = line
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        match (table.is_empty(), name.is_empty()) {
            (true, _) => name.to_string(),
            (false, true) => table,
            (false, false) => format!("{table}.{name}"),
        }
    };
    (
        line_no,
        if key.is_empty() {
            "(top level)".to_string()
        } else {
            key
        },
    )
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn names_tables_and_array_entries() {
        let text = "[general]\nread_only = 3\n[[source]]\nname='a'\n[[source]]\nseed = 'x'\n";
        let at = |needle: &str| text.find(needle).expect("present");
        assert_eq!(locate(text, at("3")), (2, "general.read_only".to_string()));
        assert_eq!(locate(text, at("'x'")), (6, "source[2].seed".to_string()));
        assert_eq!(locate(text, 0), (1, "general".to_string()));
    }
}
