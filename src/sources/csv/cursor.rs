//! Where an import of a CSV file stands, as the opaque cursor the store keeps for it.
//!
//! The file's stamp (size and modification time) says which file a cursor is about; a cursor
//! mid-file adds where the next batch starts. Nothing else rides in it: the skipped rows are
//! the store's standing warnings of the source. Must never read the file's rows.

use std::path::Path;

use super::SourceError;

/// This format's tag. A cursor of another version is about another way of importing and is
/// not resumed (the file is read again from the top), except `csv2`, converted below.
const TAG: &str = "csv3";
/// The previous format: the stamp, then the skipped rows, a line each.
const LEGACY_TAG: &str = "csv2";

/// Where the next batch of a file starts: what `csv::Reader::seek` needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resume {
    pub byte: u64,
    pub line: u64,
    pub record: u64,
}

/// What a stored cursor says about the file as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Nothing stored yet, or about another file (or another version of it): read it all.
    Start,
    /// This file was imported to its end.
    Done,
    /// This file's import stopped after a batch; the next one starts here.
    At(Resume),
    /// This file was imported to its end by the previous format, whose cursor also carried
    /// the skipped rows: they move to the standing warnings, the file is not read again.
    Legacy(Vec<String>),
}

/// The file's stamp as a cursor: changes whenever the file is rewritten.
pub fn stamp(path: &Path) -> Result<String, SourceError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SourceError::Unreachable(format!("cannot read {}: {e}", path.display())))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(format!("{} {modified}", meta.len()))
}

/// The cursor of a file imported to its end.
pub fn done(stamp: &str) -> String {
    format!("{TAG} {stamp}")
}

/// The cursor of a file whose import goes on at `at`.
pub fn at(stamp: &str, at: Resume) -> String {
    format!("{TAG} {stamp} at {} {} {}", at.byte, at.line, at.record)
}

/// Reads a stored cursor against the file's current `stamp`.
pub fn standing(cursor: Option<&str>, stamp: &str) -> Standing {
    let Some(cursor) = cursor else {
        return Standing::Start;
    };
    let mut lines = cursor.lines();
    let first = lines.next().unwrap_or("");
    if let Some(rest) = first
        .strip_prefix(LEGACY_TAG)
        .and_then(|r| r.strip_prefix(' '))
    {
        // csv2 wrote the stamp as "size:modified".
        return if rest == stamp.replacen(' ', ":", 1) {
            Standing::Legacy(lines.map(str::to_string).collect())
        } else {
            Standing::Start
        };
    }
    let Some(rest) = first.strip_prefix(TAG).and_then(|r| r.strip_prefix(' ')) else {
        return Standing::Start;
    };
    let Some(after) = rest.strip_prefix(stamp) else {
        return Standing::Start;
    };
    if after.is_empty() {
        return Standing::Done;
    }
    let numbers: Vec<u64> = after
        .strip_prefix(" at ")
        .map(|s| s.split(' ').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    match numbers[..] {
        [byte, line, record] => Standing::At(Resume { byte, line, record }),
        _ => Standing::Start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_against_their_file() {
        let stamp = "120 99";
        assert_eq!(standing(None, stamp), Standing::Start);
        assert_eq!(standing(Some(&done(stamp)), stamp), Standing::Done);
        assert_eq!(standing(Some(&done(stamp)), "121 99"), Standing::Start);
        let resume = Resume {
            byte: 4096,
            line: 80,
            record: 79,
        };
        assert_eq!(
            standing(Some(&at(stamp, resume)), stamp),
            Standing::At(resume)
        );
        assert_eq!(standing(Some("csv3 120 99 at 1"), stamp), Standing::Start);
        assert_eq!(standing(Some("1734000000"), stamp), Standing::Start);
    }

    #[test]
    fn a_csv2_cursor_hands_over_its_skipped_rows() {
        let old = "csv2 120:99\nf.csv:3: skipped: no key\nf.csv:9: skipped: no project";
        assert_eq!(
            standing(Some(old), "120 99"),
            Standing::Legacy(vec![
                "f.csv:3: skipped: no key".into(),
                "f.csv:9: skipped: no project".into()
            ])
        );
        assert_eq!(standing(Some(old), "121 99"), Standing::Start);
    }
}
