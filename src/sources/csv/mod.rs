//! CSV import (`kind = "csv"`): a file of tickets with a header, mapped to ticket fields by a
//! preset (`jira`, `promise19`) and/or per-column names in the config.
//!
//! Ids come from the ticket key, so importing a changed file updates tickets instead of
//! duplicating them; an unchanged file (same size and modification time) is not read again.
//! Rows that cannot be tickets are skipped and reported with their line numbers, never
//! silently; the list stands in the store (`ChangeSet::standing_warnings`), not in the cursor.
//!
//! A file is read `BATCH_ROWS` rows at a time, each batch a change set with `more` set and a
//! cursor saying where the next starts, as the tracker connectors do: memory follows the batch,
//! not the file (sled keeps every node copy of a transaction until it ends, so larger batches
//! cost far more than their rows). Must never hold more than one batch of tickets.
//!
//! An optional transitions file (`transitions`) brings each ticket's history of status,
//! assignee and priority changes (see `history`); status names map to categories through the
//! source's `statuses` table and the defaults (see `statuses`). The cursor stamps both files, so
//! a change to either is imported and an unchanged pair is not read again.

mod batch;
mod connector;
mod cursor;
mod header;
mod history;
mod mapping;
mod pass;
mod row;
mod rows;
mod statuses;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use connector::{CONNECTOR, Settings};
pub use mapping::{FIELDS, Mapping, REQUIRED};
pub use statuses::{Class, Statuses};

use super::{Source, SourceError};
use crate::domain::ChangeSet;
use batch::Batch;
use cursor::Standing;
use history::History;
use pass::Pass;
use rows::{Rows, Until};

/// Rows per change set: a batch of tickets in memory at a time, however large the file.
pub const BATCH_ROWS: usize = 2_000;

pub struct CsvSource {
    name: String,
    path: PathBuf,
    mapping: Mapping,
    /// The transitions file, if any.
    transitions: Option<PathBuf>,
    statuses: Statuses,
    /// The pass in progress between batches of one sync.
    pass: Option<Pass>,
}

impl CsvSource {
    pub fn new(name: &str, path: PathBuf, mapping: Mapping) -> CsvSource {
        CsvSource {
            name: name.to_string(),
            path,
            mapping,
            transitions: None,
            statuses: Statuses::default(),
            pass: None,
        }
    }

    /// Reads each ticket's history from `path` too (`key,at,field,from,to`).
    pub fn with_transitions(mut self, path: PathBuf) -> CsvSource {
        self.transitions = Some(path);
        self
    }

    /// Maps status names through `statuses` before the defaults.
    pub fn with_statuses(mut self, statuses: Statuses) -> CsvSource {
        self.statuses = statuses;
        self
    }

    /// Both files' stamps: a change to either reads them again.
    fn stamp(&self) -> Result<String, SourceError> {
        let mut stamp = cursor::stamp(&self.path)?;
        if let Some(t) = &self.transitions {
            stamp.push_str(" + ");
            stamp.push_str(&cursor::stamp(t)?);
        }
        Ok(stamp)
    }

    /// The next batch of the file after `cursor`; blocking, so the async side runs it on a
    /// blocking thread. An unchanged file (same size and modification time) is not read
    /// again: its skipped rows stand in the store.
    pub fn read(
        &mut self,
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let stamp = self.stamp()?;
        let mut changes = ChangeSet::new(self.name.clone());
        let resume = match cursor::standing(cursor, &stamp) {
            Standing::Done => {
                changes.cursor = Some(cursor::done(&stamp));
                return Ok(changes);
            }
            Standing::Legacy(warnings) => {
                changes.standing_warnings = Some(warnings);
                changes.cursor = Some(cursor::done(&stamp));
                return Ok(changes);
            }
            Standing::Start => None,
            Standing::At(at) => Some(at),
        };
        let previous = self.pass.take();
        let mut rows = self.open()?;
        let mut pass = match previous {
            Some(p) if p.stamp == stamp && p.next == resume => p,
            // A sync resumed after a restart: what the earlier batches taught is read again.
            _ => {
                let history = match &self.transitions {
                    Some(path) => Some(History::read(path)?),
                    None => None,
                };
                let mut p = Pass::new(stamp.clone(), history);
                if let Some(at) = resume {
                    rows.read(&mut p, None, Until::Byte(at.byte))?;
                }
                p
            }
        };
        if let Some(at) = resume {
            rows.seek(at)?;
        }
        let mut batch = Batch::default();
        let ended = rows.read(&mut pass, Some(&mut batch), Until::Rows(BATCH_ROWS))?;
        batch.into_changes(&mut changes, &pass, &self.path);
        // The file is the whole truth about its tickets: each row's history is rebuilt from
        // its dates rather than added to the old one, and what the file lacks is gone.
        changes.whole_histories = true;
        if ended {
            changes.sweep = pass.sweep(now);
            let mut warnings = pass.warnings(&self.path);
            warnings.extend(self.statuses.waiting_unrecognised().into_iter().map(|name| {
                crate::text::sanitize(&format!(
                    "statuses: {name:?} is mapped to waiting, but the Stalled tab knows waiting \
                     by name (block, hold, wait, pending, impeded, paused): it is judged as work \
                     in progress"
                ))
            }));
            changes.standing_warnings = Some(warnings);
            changes.cursor = Some(cursor::done(&stamp));
        } else {
            let next = rows.position();
            pass.next = Some(next);
            changes.cursor = Some(cursor::at(&stamp, next));
            changes.more = true;
            self.pass = Some(pass);
        }
        Ok(changes)
    }

    fn open(&self) -> Result<Rows<'_>, SourceError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(&self.path)
            .map_err(|e| {
                SourceError::Unreachable(format!("cannot read {}: {e}", self.path.display()))
            })?;
        let headers = reader
            .headers()
            .map_err(|e| {
                SourceError::Invalid(format!("{}: no readable header: {e}", self.path.display()))
            })?
            .clone();
        let columns = header::resolve(&self.path, &headers, &self.mapping)?;
        Ok(Rows {
            reader,
            columns,
            path: &self.path,
            source: &self.name,
            statuses: &self.statuses,
        })
    }
}

impl Source for CsvSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch<'a>(
        &'a mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
        // The source moves to the blocking thread and back, with its pass.
        let mut moved = CsvSource {
            name: self.name.clone(),
            path: self.path.clone(),
            mapping: self.mapping.clone(),
            transitions: self.transitions.clone(),
            statuses: self.statuses.clone(),
            pass: self.pass.take(),
        };
        Box::pin(async move {
            let (moved, changes) = tokio::task::spawn_blocking(move || {
                let changes = moved.read(cursor.as_deref(), now);
                (moved, changes)
            })
            .await
            .map_err(|e| SourceError::Invalid(format!("the import stopped: {e}")))?;
            self.pass = moved.pass;
            changes
        })
    }
}
