//! `lookout audit`: every decision and every tracker write lookout made, oldest first, as a
//! table or JSON.

use crate::advisor::{AuditEntry, Ledger};
use crate::store::Store;

pub fn entries(store: &Store) -> anyhow::Result<Vec<AuditEntry>> {
    Ok(Ledger::new(store).audit()?)
}

/// A line per entry: when (local time) and what happened.
pub fn table(entries: &[AuditEntry]) -> String {
    if entries.is_empty() {
        return "the audit log is empty: no decision or write yet\n".to_string();
    }
    let mut out = String::new();
    for e in entries {
        let when =
            e.at.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S");
        // Each line quotes tracker text and the user's notes: nothing may drive the terminal.
        out.push_str(&format!("{when}  {}\n", crate::text::sanitize(&e.line())));
    }
    out
}
