//! A service ticket's status history, read from ConnectWise's audit trail.
//!
//! ConnectWise keeps no structured changelog for tickets; its audit trail is prose, one line
//! per change, such as `Status has been changed from "New" to "In Progress"`. Lines about
//! other fields are passed over; a line that speaks of the status but does not read as a
//! change from one quoted name to another is skipped with a warning, so a site whose audit
//! wording differs loses history, never a sync.

use std::sync::Arc;

use super::dto::AuditEntry;
use crate::domain::{Field, Transition};

/// The status changes in `entries`, oldest first, and a reason for each line that speaks of
/// the status but could not be read.
pub fn status_changes(
    source: &Arc<str>,
    ticket: u64,
    entries: &[AuditEntry],
) -> (Vec<Transition>, Vec<String>) {
    let mut out = Vec::new();
    let mut odd = Vec::new();
    for e in entries {
        let text = e.text.trim();
        if !text.to_ascii_lowercase().starts_with("status") {
            continue;
        }
        match from_to(text) {
            Some((from, to)) => out.push(Transition {
                source: source.clone(),
                ticket,
                at: e.entered_date,
                field: Field::Status,
                from: Some(Arc::from(crate::text::sanitize(from).as_str())),
                to: Some(Arc::from(crate::text::sanitize(to).as_str())),
            }),
            None => odd.push(format!(
                "ConnectWise ticket #{ticket}: an audit line about its status was not read as a \
                 change ({:?})",
                crate::text::sanitize(text)
                    .chars()
                    .take(80)
                    .collect::<String>()
            )),
        }
    }
    out.sort_by_key(|t| t.at);
    (out, odd)
}

/// `... from "A" to "B"`: the two quoted names. Status names may hold spaces and `>`, so
/// only the quotes delimit them.
fn from_to(text: &str) -> Option<(&str, &str)> {
    let at = text.to_ascii_lowercase().find(" from ")?;
    let rest = text[at + " from ".len()..].trim_start();
    let (from, rest) = quoted(rest)?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("to ")
        .or_else(|| rest.strip_prefix("To "))?;
    let (to, _) = quoted(rest.trim_start())?;
    Some((from, to))
}

fn quoted(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('"')?;
    let end = inner.find('"')?;
    Some((&inner[..end], &inner[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str, at: &str) -> AuditEntry {
        AuditEntry {
            text: text.into(),
            entered_date: chrono::DateTime::parse_from_rfc3339(at)
                .expect("a date")
                .with_timezone(&chrono::Utc),
        }
    }

    #[test]
    fn status_lines_become_transitions_and_odd_ones_warnings() {
        let source: Arc<str> = Arc::from("cw");
        let (moves, odd) = status_changes(
            &source,
            7,
            &[
                entry(
                    r#"Status has been changed from "In Progress" to ">Closed""#,
                    "2026-01-03T10:00:00Z",
                ),
                entry(
                    r#"Status has been changed from "New" to "In Progress""#,
                    "2026-01-02T10:00:00Z",
                ),
                entry(
                    r#"Owner has been changed from "" to "jdoe""#,
                    "2026-01-02T09:00:00Z",
                ),
                entry("Status was updated", "2026-01-02T11:00:00Z"),
            ],
        );
        let seen: Vec<(Option<&str>, Option<&str>)> = moves
            .iter()
            .map(|t| (t.from.as_deref(), t.to.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (Some("New"), Some("In Progress")),
                (Some("In Progress"), Some(">Closed"))
            ]
        );
        assert_eq!(odd.len(), 1);
        assert!(odd[0].contains("#7"), "{odd:?}");
    }
}
