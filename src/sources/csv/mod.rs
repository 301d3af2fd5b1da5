//! CSV import (`kind = "csv"`): a file of tickets with a header, mapped to ticket fields by a
//! preset (`jira`, `promise19`) and/or per-column names in the config.
//!
//! Ids come from the ticket key, so importing a changed file updates tickets instead of
//! duplicating them; an unchanged file (same size and modification time) is not read again.
//! Rows that cannot be tickets are skipped and reported with their line numbers, never
//! silently.

mod mapping;
mod row;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use mapping::{FIELDS, Mapping, REQUIRED};
use row::{Columns, ticket_of};

use super::{Source, SourceError};
use crate::domain::{ChangeSet, Member, Project, Sweep};
// Warnings quote cells and become lines of the cursor: one line each, nothing a terminal
// would act on.
use crate::text::sanitize;

/// At most this many skipped rows are listed one by one; the rest are counted.
const LISTED: usize = 20;

pub struct CsvSource {
    name: String,
    path: PathBuf,
    mapping: Mapping,
}

fn stamp(path: &Path) -> Result<String, SourceError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SourceError::Unreachable(format!("cannot read {}: {e}", path.display())))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // Versioned: a cursor from before skipped rows rode in it (and before re-imports
    // replaced histories) does not match, so that file is read once more.
    Ok(format!("csv2 {}:{modified}", meta.len()))
}

fn resolve(
    path: &Path,
    headers: &csv::StringRecord,
    mapping: &Mapping,
) -> Result<Columns, SourceError> {
    let find = |field: &str| -> Result<Option<usize>, SourceError> {
        let Some(name) = mapping.columns.get(field) else {
            return Ok(None);
        };
        match headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        {
            Some(i) => Ok(Some(i)),
            None if REQUIRED.contains(&field) => Err(SourceError::Invalid(format!(
                "{}: no column {name:?} for {field}; the header has: {}",
                path.display(),
                headers.iter().collect::<Vec<_>>().join(", ")
            ))),
            // An optional column a preset expects may be absent from a given export.
            None => Ok(None),
        }
    };
    let required = |field: &str| -> Result<usize, SourceError> {
        find(field)?.ok_or_else(|| {
            SourceError::Invalid(format!(
                "{}: no column is mapped to {field}",
                path.display()
            ))
        })
    };
    Ok(Columns {
        project: required("project")?,
        key: required("key")?,
        created: required("created")?,
        title: find("title")?,
        status: find("status")?,
        priority: find("priority")?,
        assignee: find("assignee")?,
        updated: find("updated")?,
        started: find("started")?,
        resolved: find("resolved")?,
        resolution: find("resolution")?,
        estimate: find("estimate")?,
        labels: find("labels")?,
    })
}

impl CsvSource {
    pub fn new(name: &str, path: PathBuf, mapping: Mapping) -> CsvSource {
        CsvSource {
            name: name.to_string(),
            path,
            mapping,
        }
    }

    /// Reads the file into a change set; blocking, so the async side runs it on a blocking
    /// thread.
    ///
    /// The cursor is the file's stamp followed by the rows that import skipped, a line each,
    /// so an unchanged file (not read again) still reports them, after a restart too.
    pub fn read(&self, cursor: Option<&str>, now: DateTime<Utc>) -> Result<ChangeSet, SourceError> {
        let stamp = stamp(&self.path)?;
        let mut changes = ChangeSet::new(self.name.clone());
        if let Some(cursor) = cursor {
            let mut lines = cursor.lines();
            if lines.next() == Some(stamp.as_str()) {
                changes.warnings = lines.map(str::to_string).collect();
                changes.cursor = Some(cursor.to_string());
                return Ok(changes);
            }
        }
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
        let columns = resolve(&self.path, &headers, &self.mapping)?;
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        let mut present: BTreeSet<u64> = BTreeSet::new();
        let mut skipped = 0usize;
        let mut skip = |changes: &mut ChangeSet, line: u64, why: String| {
            skipped += 1;
            if changes.warnings.len() < LISTED {
                changes.warnings.push(sanitize(&format!(
                    "{}:{line}: skipped: {why}",
                    self.path.display()
                )));
            }
        };
        // Rows not in UTF-8 (a spreadsheet re-saved as Latin-1) are read with replacement
        // characters rather than lost: counted, and the first one named.
        let mut not_utf8: Option<(u64, usize)> = None;
        for record in reader.byte_records() {
            let bytes = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    skip(&mut changes, line, e.to_string());
                    continue;
                }
            };
            let line = bytes.position().map(|p| p.line()).unwrap_or(0);
            let record = match csv::StringRecord::from_byte_record(bytes) {
                Ok(r) => r,
                Err(e) => {
                    let seen = not_utf8.get_or_insert((line, 0));
                    seen.1 += 1;
                    e.into_byte_record()
                        .iter()
                        .map(String::from_utf8_lossy)
                        .collect()
                }
            };
            // A skipped row whose key is readable still names a ticket the file has.
            if let Some(key) = record
                .get(columns.key)
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                present.insert(row::id_of(key));
            }
            match ticket_of(&self.name, &record, &columns) {
                Ok((ticket, transitions)) => {
                    // A key seen twice: the later row is the newer export of that ticket.
                    if let Some(&i) = by_key.get(&ticket.key) {
                        let id = ticket.id;
                        changes.tickets[i] = ticket;
                        changes.transitions.retain(|t| t.ticket != id);
                    } else {
                        by_key.insert(ticket.key.clone(), changes.tickets.len());
                        changes.tickets.push(ticket);
                    }
                    changes.transitions.extend(transitions);
                }
                Err(why) => skip(&mut changes, line, why),
            }
        }
        if skipped > changes.warnings.len() {
            let more = skipped - changes.warnings.len();
            changes.warnings.push(sanitize(&format!(
                "{}: {more} more rows skipped",
                self.path.display()
            )));
        }
        if let Some((line, rows)) = not_utf8 {
            changes.warnings.push(sanitize(&format!(
                "{}:{line}: {rows} rows are not UTF-8, read with \u{fffd} for what could not be \
                 decoded; save the file as UTF-8",
                self.path.display()
            )));
        }
        let mut projects: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
        let mut members: BTreeSet<(&str, &str)> = BTreeSet::new();
        for t in &changes.tickets {
            let first = projects.entry(t.project.as_str()).or_insert(t.created);
            *first = (*first).min(t.created);
            if let Some(a) = &t.assignee {
                members.insert((t.project.as_str(), a.as_str()));
            }
        }
        let projects: Vec<Project> = projects
            .into_iter()
            .map(|(key, created)| Project {
                source: self.name.clone(),
                key: key.to_string(),
                name: key.to_string(),
                description: format!("imported from {}", self.path.display()),
                created,
                url: None,
                target: None,
            })
            .collect();
        let members: Vec<Member> = members
            .into_iter()
            .map(|(project, login)| Member {
                source: self.name.clone(),
                project: project.to_string(),
                login: login.to_string(),
                display_name: login.to_string(),
            })
            .collect();
        changes.projects = projects;
        changes.members = members;
        // The file is the whole truth about its tickets: what it lacks is gone, and each
        // row's history is rebuilt from its dates rather than added to the old one.
        changes.whole_histories = true;
        // A file without a single key is likelier an export caught mid-write than a
        // tracker with no tickets left: no sweep then.
        if !present.is_empty() {
            changes.sweep = Some(Sweep {
                present: present.into_iter().collect(),
                at: now,
            });
        }
        let mut cursor = stamp;
        for w in &changes.warnings {
            cursor.push('\n');
            cursor.push_str(w);
        }
        changes.cursor = Some(cursor);
        Ok(changes)
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
        let (name, path, mapping) = (self.name.clone(), self.path.clone(), self.mapping.clone());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                CsvSource {
                    name,
                    path,
                    mapping,
                }
                .read(cursor.as_deref(), now)
            })
            .await
            .map_err(|e| SourceError::Invalid(format!("the import stopped: {e}")))?
        })
    }
}
