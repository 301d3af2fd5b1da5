//! The filter line (`/`): a small query language over tickets, parsed once per keystroke and
//! applied to whole lists at once. Pure: no I/O, no terminal.
//!
//! `login "two words" project:OPS assignee:@me,none status:todo,"In Review" priority:high
//! label:db source:jira age>7d idle>=36h stalled has:suggestion -label:wontfix`: every term
//! must hold; `-` negates one; values are case-insensitive and may be quoted or listed with
//! commas.

mod facets;
mod matcher;
mod needle;
mod parse;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::domain::{Member, Portfolio, Ticket};

pub use facets::Facets;
pub use matcher::Matcher;

/// A parsed filter: every term must hold for a row to match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    terms: Vec<parse::Term>,
}

/// A mistake in the filter text, with the column (in characters, from 1) where it starts and
/// a message saying what would be right there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FilterError {
    pub column: usize,
    pub message: String,
}

/// Parses the filter line. Empty text is the query that matches everything.
pub fn parse(text: &str) -> Result<Query, FilterError> {
    Ok(Query {
        terms: parse::terms(text)?,
    })
}

/// One ticket as the filter sees it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub ticket: &'a Ticket,
    pub stalled: bool,
    pub has_suggestion: bool,
}

impl<'a> Row<'a> {
    /// A ticket that is neither stalled nor the subject of a suggestion.
    pub fn new(ticket: &'a Ticket) -> Row<'a> {
        Row {
            ticket,
            stalled: false,
            has_suggestion: false,
        }
    }
}

/// What a filter needs beyond the rows: who "me" is and what time it is.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The config's `me`: the names and logins `assignee:@me` stands for.
    pub me: &'a [String],
    /// Members, so that `assignee:` finds people by login or by display name.
    pub members: &'a [Member],
    pub now: DateTime<Utc>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Tests one row. Binding the query to `cx` has a cost: for lists, use `select` or keep a
    /// `matcher`.
    pub fn matches(&self, row: &Row<'_>, cx: &Context<'_>) -> bool {
        self.matcher(cx).matches(row)
    }
}

/// The indices of `candidates` (into `p.tickets`) that match, in the same order. An index
/// past the end of `p.tickets` matches nothing.
pub fn select(
    p: &Portfolio,
    candidates: &[usize],
    q: &Query,
    cx: &Context<'_>,
    facets: &Facets,
) -> Vec<usize> {
    if q.is_empty() {
        return candidates
            .iter()
            .copied()
            .filter(|&i| i < p.tickets.len())
            .collect();
    }
    let m = q.matcher(cx);
    let (stalled, suggested) = (m.wants_stalled(), m.wants_suggestion());
    candidates
        .iter()
        .copied()
        .filter(|&i| {
            p.tickets.get(i).is_some_and(|ticket| {
                m.matches(&Row {
                    ticket,
                    stalled: stalled && facets.is_stalled(ticket),
                    has_suggestion: suggested && facets.has_suggestion(ticket),
                })
            })
        })
        .collect()
}
