//! The optional transitions file: one row per change of a ticket's field, `key,at,field,from,to`,
//! so a status history exported from any tracker or service desk comes in with its tickets.
//!
//! `field` is status, assignee, priority or resolution; the first row of a field for a ticket
//! may leave `from` empty and gives its first value. The file is read whole when a pass over
//! the tickets file starts (a change is a few dozen bytes, and its rows may come in any order),
//! and each ticket takes its changes as its row is imported: what no ticket took is named at the
//! end. A row without a key, with an unreadable date or an unknown field is skipped and named
//! by line; the rest imports. Must never decide a ticket's current state: the tickets file
//! holds that, the history only how it got there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::SourceError;
use super::row::id_of;
use super::statuses::Statuses;
use crate::domain::dates::parse_instant;
use crate::domain::{Field, StatusCategory, Ticket, Transition};
// Warnings quote cells and reach terminals and logs: one line each.
use crate::text::sanitize;

/// At most this many skipped rows are listed one by one; the rest are counted.
const LISTED: usize = 20;

/// The fields a row may change, as the file names them.
pub const FIELDS: [&str; 4] = ["status", "assignee", "priority", "resolution"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Status,
    Assignee,
    Priority,
    /// The ticket's resolution has no history in the store: its last value fills a done
    /// ticket's resolution when the tickets file has none.
    Resolution,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "status" => Some(Kind::Status),
            "assignee" => Some(Kind::Assignee),
            "priority" => Some(Kind::Priority),
            "resolution" => Some(Kind::Resolution),
            _ => None,
        }
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub line: u64,
    pub at: DateTime<Utc>,
    pub kind: Kind,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug)]
pub struct History {
    path: PathBuf,
    /// Each ticket's changes (with its key, to name it if no ticket takes them), by id.
    by_ticket: HashMap<u64, (String, Vec<Change>)>,
    skipped: usize,
    listed: Vec<String>,
}

impl History {
    /// Reads the whole file; only a file that cannot be opened or has no usable header fails.
    pub fn read(path: &Path) -> Result<History, SourceError> {
        let unreadable = |e: csv::Error| {
            SourceError::Unreachable(format!("cannot read {}: {e}", path.display()))
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(unreadable)?;
        let headers = reader
            .headers()
            .map_err(|e| {
                SourceError::Invalid(format!("{}: no readable header: {e}", path.display()))
            })?
            .clone();
        let column = |name: &str| -> Result<usize, SourceError> {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    SourceError::Invalid(sanitize(&format!(
                        "{}: no column {name:?}; a transitions file has key, at, field, from, \
                         to; the header has: {}",
                        path.display(),
                        headers.iter().collect::<Vec<_>>().join(", ")
                    )))
                })
        };
        let (key, at, field, from, to) = (
            column("key")?,
            column("at")?,
            column("field")?,
            column("from")?,
            column("to")?,
        );
        let mut history = History {
            path: path.to_path_buf(),
            by_ticket: HashMap::new(),
            skipped: 0,
            listed: Vec::new(),
        };
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) if e.is_io_error() => return Err(unreadable(e)),
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    history.skip(line, &e.to_string());
                    continue;
                }
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let get = |i: usize| record.get(i).map(str::trim).filter(|v| !v.is_empty());
            let Some(k) = get(key) else {
                history.skip(line, "no key");
                continue;
            };
            let Some(when) = get(at) else {
                history.skip(line, "no date in `at`");
                continue;
            };
            let Some(when_at) = parse_instant(when) else {
                history.skip(line, &format!("at {when:?} is not a date"));
                continue;
            };
            let Some(kind) = get(field).and_then(Kind::parse) else {
                let what = get(field).unwrap_or("");
                history.skip(
                    line,
                    &format!("field {what:?} is not one of {}", FIELDS.join(", ")),
                );
                continue;
            };
            let change = Change {
                line,
                at: when_at,
                kind,
                from: get(from).map(str::to_string),
                to: get(to).map(str::to_string),
            };
            history
                .by_ticket
                .entry(id_of(k))
                .or_insert_with(|| (k.to_string(), Vec::new()))
                .1
                .push(change);
        }
        Ok(history)
    }

    fn skip(&mut self, line: u64, why: &str) {
        self.skipped += 1;
        if self.listed.len() < LISTED {
            self.listed.push(sanitize(&format!(
                "{}:{line}: skipped: {why}",
                self.path.display()
            )));
        }
    }

    /// The changes of ticket `id`, which no other ticket can take after it.
    pub fn take(&mut self, id: u64) -> Vec<Change> {
        self.by_ticket
            .remove(&id)
            .map(|(_, changes)| changes)
            .unwrap_or_default()
    }

    /// The rows skipped, and, once every ticket has taken its changes, those no ticket took.
    pub fn warnings(&mut self) -> Vec<String> {
        let mut orphans: Vec<(u64, String, usize)> = self
            .by_ticket
            .drain()
            .map(|(_, (key, changes))| {
                let first = changes.iter().map(|c| c.line).min().unwrap_or(0);
                (first, key, changes.len())
            })
            .collect();
        orphans.sort();
        for (line, key, rows) in orphans {
            let also = if rows > 1 {
                format!(" ({} more rows of it)", rows - 1)
            } else {
                String::new()
            };
            self.skip(
                line,
                &format!("no ticket {key:?} in the tickets file{also}"),
            );
            self.skipped += rows - 1;
        }
        let mut out = self.listed.clone();
        if self.skipped > self.listed.len() {
            out.push(sanitize(&format!(
                "{}: {} more rows skipped",
                self.path.display(),
                self.skipped - self.listed.len()
            )));
        }
        out
    }
}

/// Puts `changes` (one ticket's rows) on `ticket`: its status history replaces the one its
/// dates implied, assignee and priority changes join it, an earlier start is taken from it, and
/// so are a resolution date or a resolution the tickets file lacks. Calls `seen` with every status name
/// the history mentions, so unmapped ones can be counted.
pub fn apply(
    ticket: &mut Ticket,
    transitions: &mut Vec<Transition>,
    mut changes: Vec<Change>,
    statuses: &Statuses,
    seen: &mut dyn FnMut(&str),
) {
    if changes.is_empty() {
        return;
    }
    // Rows of one instant keep their file order.
    changes.sort_by_key(|c| (c.at, c.line));
    let source: std::sync::Arc<str> = ticket.source.as_str().into();
    let mut kept: Vec<Transition> = Vec::new();
    let (mut status, mut assignee, mut priority) = (None::<String>, None::<String>, None::<String>);
    let mut resolution = None;
    let has_status = changes.iter().any(|c| c.kind == Kind::Status);
    for c in changes {
        let (field, last) = match c.kind {
            Kind::Status => (Field::Status, &mut status),
            Kind::Assignee => (Field::Assignee, &mut assignee),
            Kind::Priority => (Field::Priority, &mut priority),
            Kind::Resolution => {
                resolution = c.to;
                continue;
            }
        };
        if field == Field::Status {
            for name in c.from.iter().chain(c.to.iter()) {
                seen(name);
            }
        }
        // An empty `from` after the first row of the field means "the value before", which
        // the previous row's `to` says.
        let from = c.from.or_else(|| last.clone());
        *last = c.to.clone();
        kept.push(Transition {
            source: source.clone(),
            ticket: ticket.id,
            at: c.at,
            field,
            from: from.map(|s| s.as_str().into()),
            to: c.to.map(|s| s.as_str().into()),
        });
    }
    if has_status {
        // The file's history is the ticket's: the moves its dates implied are dropped.
        transitions.retain(|t| t.field != Field::Status);
        let category = |name: &str| statuses.category_of(name, false);
        let status_moves = || kept.iter().filter(|t| t.field == Field::Status);
        // Work started at the earliest sign of it: a row without a start column has its
        // resolution standing in for one, which the first move out of to do corrects.
        let moved = status_moves()
            .filter(|t| t.at >= ticket.created)
            .find(|t| {
                t.to.as_deref()
                    .is_some_and(|s| category(s) != StatusCategory::Todo)
            })
            .map(|t| t.at);
        ticket.started = match (ticket.started, moved) {
            (Some(s), Some(m)) => Some(s.min(m)),
            (s, m) => s.or(m),
        };
        if ticket.resolved.is_none() && ticket.category == StatusCategory::Done {
            ticket.resolved = status_moves()
                .filter(|t| {
                    t.to.as_deref()
                        .is_some_and(|s| category(s) == StatusCategory::Done)
                })
                .map(|t| t.at)
                .next_back();
        }
        ticket.keep_work_in_order();
    }
    if ticket.resolution.is_none() && ticket.category == StatusCategory::Done {
        ticket.resolution = resolution.map(Into::into);
    }
    if let Some(last) = kept.iter().map(|t| t.at).max() {
        ticket.updated = ticket.updated.max(last);
    }
    transitions.extend(kept);
    transitions.sort_by_key(|t| t.at);
}
