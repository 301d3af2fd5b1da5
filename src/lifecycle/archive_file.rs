//! The archive file: a header line, then each archived ticket followed by its transitions,
//! time entries and notes, one JSON object a line, zstd-compressed.
//!
//! ```text
//! {"format":"lookout-archive","version":1,"lookout":"0.1.0","created":"...","cutoff":"...",
//!  "counts":{"tickets":2,"transitions":5,"time_entries":1,"notes":0}}
//! {"kind":"ticket","source":"demo","id":7,"project":"OPS",...}
//! {"kind":"transition","source":"demo","ticket":7,"at":"...","field":"status",...}
//! ```
//!
//! Reading checks the whole file (header, every line, that each record belongs to a ticket
//! of the file, the counts) before anyone acts on it.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FileError, jsonl};
use crate::domain::{Note, Ticket, TimeEntry, Transition};
use crate::store::ArchivedWork;

pub const FORMAT: &str = "lookout-archive";
/// Raise when a line changes meaning; a reader refuses versions it does not know.
pub const VERSION: u32 = 1;

/// Records of each kind in an archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub tickets: usize,
    pub transitions: usize,
    pub time_entries: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(works: &[ArchivedWork]) -> Counts {
        let mut c = Counts::default();
        for w in works {
            c.tickets += 1;
            c.transitions += w.history.len();
            c.time_entries += w.time_entries.len();
            c.notes += w.notes.len();
        }
        c
    }

    /// "3 tickets (12 transitions, 1 time entry, 0 notes)".
    pub fn line(&self) -> String {
        let n =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} ({}, {}, {})",
            n(self.tickets, "ticket", "tickets"),
            n(self.transitions, "transition", "transitions"),
            n(self.time_entries, "time entry", "time entries"),
            n(self.notes, "note", "notes"),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The lookout that wrote it.
    pub lookout: String,
    pub created: DateTime<Utc>,
    /// Tickets closed before this moment are in the file.
    pub cutoff: DateTime<Utc>,
    pub counts: Counts,
}

impl Header {
    pub fn new(created: DateTime<Utc>, cutoff: DateTime<Utc>, counts: Counts) -> Header {
        Header {
            format: FORMAT.to_string(),
            version: VERSION,
            lookout: env!("CARGO_PKG_VERSION").to_string(),
            created,
            cutoff,
            counts,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    Ticket(Ticket),
    Transition(Transition),
    TimeEntry(TimeEntry),
    Note(Note),
}

/// Borrowing twin of `Line`, for writing without copying.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum LineRef<'a> {
    Ticket(&'a Ticket),
    Transition(&'a Transition),
    TimeEntry(&'a TimeEntry),
    Note(&'a Note),
}

/// Writes the archive `path` (which must not exist) whole and durably.
pub fn write(path: &Path, header: &Header, works: &[ArchivedWork]) -> Result<(), FileError> {
    let mut out = jsonl::Writer::create(path)?;
    out.line(header)?;
    for w in works {
        out.line(&LineRef::Ticket(&w.ticket))?;
        for t in &w.history {
            out.line(&LineRef::Transition(t))?;
        }
        for e in &w.time_entries {
            out.line(&LineRef::TimeEntry(e))?;
        }
        for n in &w.notes {
            out.line(&LineRef::Note(n))?;
        }
    }
    out.finish()?;
    Ok(())
}

/// Reads and checks the whole archive `path`.
pub fn read(path: &Path) -> Result<(Header, Vec<ArchivedWork>), FileError> {
    let mut header: Option<Header> = None;
    let mut works: Vec<ArchivedWork> = Vec::new();
    let mut at: HashMap<(String, u64), usize> = HashMap::new();
    jsonl::read(path, |n, text| {
        if n == 1 {
            header = Some(parse_header(text)?);
            return Ok(());
        }
        let line: Line =
            serde_json::from_str(text).map_err(|e| format!("not an archive record ({e})"))?;
        let owner = |source: &str, ticket: u64| {
            at.get(&(source.to_string(), ticket))
                .copied()
                .ok_or_else(|| {
                    format!(
                        "a record of ticket {ticket} of {source:?}, which the file does not hold"
                    )
                })
        };
        match line {
            Line::Ticket(t) => {
                let key = (t.source.to_string(), t.id);
                if at.contains_key(&key) {
                    return Err(format!("ticket {} appears twice", t.key));
                }
                at.insert(key, works.len());
                works.push(ArchivedWork {
                    ticket: t,
                    history: Vec::new(),
                    time_entries: Vec::new(),
                    notes: Vec::new(),
                });
            }
            Line::Transition(t) => {
                let i = owner(&t.source, t.ticket)?;
                works[i].history.push(t);
            }
            Line::TimeEntry(e) => {
                let i = owner(&e.source, e.ticket)?;
                works[i].time_entries.push(e);
            }
            Line::Note(x) => {
                let i = owner(&x.source, x.ticket)?;
                works[i].notes.push(x);
            }
        }
        Ok(())
    })?;
    let header = header.ok_or_else(|| FileError::invalid(path, "it is empty: no header line"))?;
    let found = Counts::of(&works);
    if found != header.counts {
        return Err(FileError::invalid(
            path,
            format!(
                "its header promises {} but it holds {}: it is incomplete",
                header.counts.line(),
                found.line()
            ),
        ));
    }
    Ok((header, works))
}

fn parse_header(text: &str) -> Result<Header, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| "its first line is not a header: not a lookout archive".to_string())?;
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != FORMAT {
        return Err(format!(
            "not a lookout archive (format {format:?}, expected {FORMAT:?})"
        ));
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != u64::from(VERSION) {
        return Err(format!(
            "archive format version {version}; this lookout reads version {VERSION}"
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("its header is damaged ({e})"))
}
