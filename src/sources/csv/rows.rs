//! Reading the file's rows from a position: each row a ticket for the batch, or a skip for
//! the pass, until the batch is full or the file ends.
//!
//! One record buffer is reused for every row; rows not in UTF-8 are read with replacement
//! characters. Must never decide what a batch or a cursor is.

use std::fs::File;
use std::path::Path;

use super::SourceError;
use super::batch::Batch;
use super::cursor::Resume;
use super::history;
use super::pass::Pass;
use super::row::{self, Columns, ticket_of};
use super::statuses::Statuses;

/// An open file positioned after its header, with its columns resolved.
pub struct Rows<'a> {
    pub reader: csv::Reader<File>,
    pub columns: Columns,
    pub path: &'a Path,
    pub source: &'a str,
    pub statuses: &'a Statuses,
}

/// Where the reader stops: after `rows` rows, or at the first row at or past `byte`.
pub enum Until {
    Rows(usize),
    Byte(u64),
}

impl Rows<'_> {
    /// Where the next row starts.
    pub fn position(&self) -> Resume {
        let p = self.reader.position();
        Resume {
            byte: p.byte(),
            line: p.line(),
            record: p.record(),
        }
    }

    pub fn seek(&mut self, at: Resume) -> Result<(), SourceError> {
        let mut p = csv::Position::new();
        p.set_byte(at.byte).set_line(at.line).set_record(at.record);
        self.reader.seek(p).map_err(|e| self.unreadable(e))
    }

    fn unreadable(&self, e: csv::Error) -> SourceError {
        SourceError::Unreachable(format!("cannot read {}: {e}", self.path.display()))
    }

    /// Reads rows into `batch` (or, replaying, only into `pass`) until `until`. Returns
    /// whether the file ended.
    pub fn read(
        &mut self,
        pass: &mut Pass,
        mut batch: Option<&mut Batch>,
        until: Until,
    ) -> Result<bool, SourceError> {
        let mut bytes = csv::ByteRecord::new();
        let mut read = 0usize;
        loop {
            let enough = match until {
                Until::Rows(n) => read >= n,
                Until::Byte(b) => self.reader.position().byte() >= b,
            };
            if enough {
                return Ok(false);
            }
            match self.reader.read_byte_record(&mut bytes) {
                Ok(false) => return Ok(true),
                Ok(true) => {}
                Err(e) if e.is_io_error() => return Err(self.unreadable(e)),
                // The reader is past the bad row: skip it, keep the rest.
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    pass.skip(self.path, line, &e.to_string());
                    read += 1;
                    continue;
                }
            }
            read += 1;
            let line = bytes.position().map(|p| p.line()).unwrap_or(0);
            let record = match csv::StringRecord::from_byte_record(std::mem::take(&mut bytes)) {
                Ok(r) => r,
                Err(e) => {
                    pass.not_utf8(line);
                    e.into_byte_record()
                        .iter()
                        .map(String::from_utf8_lossy)
                        .collect()
                }
            };
            // A skipped row whose key is readable still names a ticket the file has.
            if let Some(key) = record
                .get(self.columns.key)
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                pass.present(row::id_of(key));
            }
            match ticket_of(self.source, &record, &self.columns, self.statuses) {
                Ok((mut ticket, mut transitions)) => {
                    self.with_history(pass, &mut ticket, &mut transitions);
                    match batch.as_deref_mut() {
                        Some(batch) => batch.push(pass, ticket, transitions),
                        None => {
                            pass.saw(&ticket);
                        }
                    }
                }
                Err(why) => pass.skip(self.path, line, &why),
            }
            bytes = record.into_byte_record();
        }
    }

    /// Puts the ticket's rows of the transitions file on it, counting status names no table
    /// knows (its current one included). A replay after a restart takes them too, so they
    /// are not reported as rows without a ticket.
    fn with_history(
        &self,
        pass: &mut Pass,
        ticket: &mut crate::domain::Ticket,
        transitions: &mut Vec<crate::domain::Transition>,
    ) {
        let changes = pass
            .history
            .as_mut()
            .map(|h| h.take(ticket.id))
            .unwrap_or_default();
        let mut unmapped: Vec<String> = Vec::new();
        let mut seen = |name: &str| {
            if self.statuses.class_of(name).is_none() {
                unmapped.push(name.to_string());
            }
        };
        seen(&ticket.status);
        history::apply(ticket, transitions, changes, self.statuses, &mut seen);
        for name in unmapped {
            pass.unmapped(&name);
        }
    }
}
