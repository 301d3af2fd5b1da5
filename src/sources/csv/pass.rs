//! One pass over a file, batch after batch: what must be known of the whole file (every key
//! it names, each project's first date, who is assigned, which rows were skipped) while only
//! one batch of tickets is held at a time.
//!
//! A pass lives in the source between batches; after a restart it is rebuilt by replaying the
//! rows before the stored cursor (cheap beside importing them). Must never hold tickets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};

use super::cursor::Resume;
use super::history::History;
use crate::domain::{Member, Project, Sweep, Ticket};
// Warnings quote cells and reach terminals and logs: one line each, nothing a terminal would
// act on.
use crate::text::sanitize;

/// At most this many skipped rows are listed one by one; the rest are counted.
const LISTED: usize = 20;

#[derive(Debug)]
pub struct Pass {
    /// The file this pass reads (see `cursor::stamp`).
    pub stamp: String,
    /// Where the next batch starts; `None` before the first.
    pub next: Option<Resume>,
    /// Every ticket id the file names, skipped rows included: the sweep's list.
    present: Vec<u64>,
    /// Each project's earliest created date so far.
    projects: BTreeMap<String, DateTime<Utc>>,
    members: BTreeSet<(String, String)>,
    skipped: usize,
    listed: Vec<String>,
    /// The first row not in UTF-8, and how many there are.
    not_utf8: Option<(u64, usize)>,
    /// The transitions file, when the source has one: each ticket takes its changes.
    pub history: Option<History>,
    /// Status names neither the `statuses` table nor the defaults know, and how often each
    /// came up (tickets' statuses and the history's moves).
    unmapped: BTreeMap<String, usize>,
}

/// What a ticket changed in the pass, so its batch carries what is new.
pub struct Seen {
    pub project_moved: bool,
    pub new_member: bool,
}

impl Pass {
    pub fn new(stamp: String, history: Option<History>) -> Pass {
        Pass {
            history,
            unmapped: BTreeMap::new(),
            stamp,
            next: None,
            present: Vec::new(),
            projects: BTreeMap::new(),
            members: BTreeSet::new(),
            skipped: 0,
            listed: Vec::new(),
            not_utf8: None,
        }
    }

    pub fn skip(&mut self, path: &Path, line: u64, why: &str) {
        self.skipped += 1;
        if self.listed.len() < LISTED {
            self.listed.push(sanitize(&format!(
                "{}:{line}: skipped: {why}",
                path.display()
            )));
        }
    }

    /// A status name no table knows, counted as in progress.
    pub fn unmapped(&mut self, name: &str) {
        *self.unmapped.entry(name.to_string()).or_default() += 1;
    }

    /// A row not in UTF-8, read with replacement characters rather than lost.
    pub fn not_utf8(&mut self, line: u64) {
        self.not_utf8.get_or_insert((line, 0)).1 += 1;
    }

    /// A key the file names, whether or not its row is readable.
    pub fn present(&mut self, id: u64) {
        self.present.push(id);
    }

    pub fn saw(&mut self, t: &Ticket) -> Seen {
        let project_moved = match self.projects.get_mut(t.project.as_str()) {
            Some(first) if *first <= t.created => false,
            Some(first) => {
                *first = t.created;
                true
            }
            None => {
                self.projects.insert(t.project.to_string(), t.created);
                true
            }
        };
        let new_member = match &t.assignee {
            Some(a) => self.members.insert((t.project.to_string(), a.to_string())),
            None => false,
        };
        Seen {
            project_moved,
            new_member,
        }
    }

    pub fn project(&self, source: &str, key: &str, path: &Path) -> Option<Project> {
        let created = *self.projects.get(key)?;
        Some(Project {
            source: source.to_string(),
            key: key.to_string(),
            name: key.to_string(),
            description: format!("imported from {}", path.display()),
            created,
            url: None,
            target: None,
        })
    }

    pub fn member(source: &str, project: &str, login: &str) -> Member {
        Member {
            source: source.into(),
            project: project.into(),
            login: login.into(),
            display_name: login.into(),
        }
    }

    /// The skipped rows of the whole file (and of its transitions file), and the status
    /// names no table maps, for the store to keep.
    pub fn warnings(&mut self, path: &Path) -> Vec<String> {
        let mut out = self.listed.clone();
        if self.skipped > self.listed.len() {
            let more = self.skipped - self.listed.len();
            out.push(sanitize(&format!(
                "{}: {more} more rows skipped",
                path.display()
            )));
        }
        if let Some((line, rows)) = self.not_utf8 {
            out.push(sanitize(&format!(
                "{}:{line}: {rows} rows are not UTF-8, read with \u{fffd} for what could not be \
                 decoded; save the file as UTF-8",
                path.display()
            )));
        }
        if let Some(history) = &mut self.history {
            out.extend(history.warnings());
        }
        for (name, count) in &self.unmapped {
            out.push(sanitize(&format!(
                "{}: status {name:?} ({count} times) is in no `statuses` table and no default: \
                 counted as in progress; map it to to do, in progress, waiting or done",
                path.display()
            )));
        }
        out
    }

    /// The deletion sweep at the end of the file. A file without a single key is likelier an
    /// export caught mid-write than a tracker with no tickets left: no sweep then.
    pub fn sweep(&mut self, now: DateTime<Utc>) -> Option<Sweep> {
        if self.present.is_empty() {
            return None;
        }
        let mut present = std::mem::take(&mut self.present);
        present.sort_unstable();
        present.dedup();
        Some(Sweep { present, at: now })
    }
}
