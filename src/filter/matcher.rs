//! A parsed query bound to its moment and its people: ages become cut-off instants and
//! assignee names are resolved against the members (a login finds the display name tickets
//! carry, and the other way round) once, so each row costs only comparisons.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use crate::domain::Ticket;

use super::needle::Needle;
use super::parse::{Cmp, Since, Term, Test, Who, priority_bit};
use super::{Context, Query, Row};

/// A query ready to test rows; made by `Query::matcher`, kept for one pass over a list.
#[derive(Debug)]
pub struct Matcher<'a> {
    /// Cheapest first: a row that fails a flag never reaches the text searches.
    terms: Vec<(bool, Bound<'a>)>,
    wants_stalled: bool,
    wants_suggestion: bool,
}

#[derive(Debug)]
enum Bound<'a> {
    Text(&'a Needle),
    Project(Vec<ProjectKey<'a>>),
    Assignee(People<'a>),
    Status(&'a [Needle]),
    Priority(u8),
    Label(&'a [Needle]),
    Source(&'a [Needle]),
    Time {
        since: Since,
        cmp: Cmp,
        cut: DateTime<Utc>,
    },
    Stalled,
    HasSuggestion,
}

/// `project:KEY` or `project:SOURCE/KEY`; a key may itself hold a slash (GitLab paths), so
/// the whole value is also tried as a key.
#[derive(Debug)]
struct ProjectKey<'a> {
    whole: &'a Needle,
    split: Option<(Needle, Needle)>,
}

/// Who an `assignee:` term accepts.
#[derive(Debug)]
struct People<'a> {
    nobody: bool,
    /// The config's `me` names, when `@me` is among the values.
    me: Vec<Needle>,
    names: Vec<&'a Needle>,
    /// (source, name) of members whose other name matched: a ticket naming them by login
    /// is found by their display name, and the other way round.
    known: HashSet<(&'a str, &'a str)>,
}

impl Query {
    /// Binds the query to `cx`, for testing many rows.
    pub fn matcher<'a>(&'a self, cx: &Context<'a>) -> Matcher<'a> {
        let mut terms: Vec<(bool, Bound<'a>)> = self
            .terms
            .iter()
            .map(|t| (t.negated, bind(t, cx)))
            .collect();
        terms.sort_by_key(|(_, b)| cost(b));
        Matcher {
            wants_stalled: self.terms.iter().any(|t| t.test == Test::Stalled),
            wants_suggestion: self.terms.iter().any(|t| t.test == Test::HasSuggestion),
            terms,
        }
    }
}

impl Matcher<'_> {
    /// Whether the query needs to know which tickets are stalled.
    pub fn wants_stalled(&self) -> bool {
        self.wants_stalled
    }

    /// Whether the query needs to know which tickets have a pending suggestion.
    pub fn wants_suggestion(&self) -> bool {
        self.wants_suggestion
    }

    pub fn matches(&self, row: &Row<'_>) -> bool {
        self.terms
            .iter()
            .all(|(negated, b)| b.holds(row) != *negated)
    }
}

fn bind<'a>(term: &'a Term, cx: &Context<'a>) -> Bound<'a> {
    match &term.test {
        Test::Text(n) => Bound::Text(n),
        Test::Project(ns) => Bound::Project(
            ns.iter()
                .map(|whole| ProjectKey {
                    whole,
                    split: whole
                        .as_str()
                        .split_once('/')
                        .map(|(s, k)| (Needle::new(s), Needle::new(k))),
                })
                .collect(),
        ),
        Test::Assignee(whos) => Bound::Assignee(people(whos, cx)),
        Test::Status(ns) => Bound::Status(ns),
        Test::Priority(bits) => Bound::Priority(*bits),
        Test::Label(ns) => Bound::Label(ns),
        Test::Source(ns) => Bound::Source(ns),
        Test::Time {
            since,
            cmp,
            seconds,
        } => Bound::Time {
            since: *since,
            cmp: *cmp,
            cut: cx
                .now
                .checked_sub_signed(Duration::seconds(*seconds))
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        },
        Test::Stalled => Bound::Stalled,
        Test::HasSuggestion => Bound::HasSuggestion,
    }
}

fn people<'a>(whos: &'a [Who], cx: &Context<'a>) -> People<'a> {
    let mut p = People {
        nobody: whos.contains(&Who::Nobody),
        me: Vec::new(),
        names: whos
            .iter()
            .filter_map(|w| match w {
                Who::Name(n) => Some(n),
                _ => None,
            })
            .collect(),
        known: HashSet::new(),
    };
    if whos.contains(&Who::Me) {
        p.me = cx
            .me
            .iter()
            .map(|m| m.trim())
            .filter(|m| !m.is_empty())
            .map(Needle::new)
            .collect();
    }
    for m in cx.members {
        let names = [m.login.as_str(), m.display_name.as_str()];
        let is_me = p.me.iter().any(|n| names.iter().any(|s| n.equals(s)));
        let named = p.names.iter().any(|n| names.iter().any(|s| n.found_in(s)));
        if is_me || named {
            for s in names {
                p.known.insert((m.source.as_str(), s));
            }
        }
    }
    p
}

/// Rough cost of a test per row, for ordering.
fn cost(b: &Bound<'_>) -> u8 {
    match b {
        Bound::Stalled | Bound::HasSuggestion | Bound::Priority(_) | Bound::Time { .. } => 0,
        Bound::Project(_) | Bound::Source(_) | Bound::Status(_) | Bound::Label(_) => 1,
        Bound::Assignee(_) => 2,
        Bound::Text(_) => 3,
    }
}

impl Bound<'_> {
    fn holds(&self, row: &Row<'_>) -> bool {
        let t = row.ticket;
        match self {
            Bound::Text(n) => {
                n.found_in(&t.key)
                    || n.found_in(&t.title)
                    || t.assignee.as_deref().is_some_and(|a| n.found_in(a))
            }
            Bound::Project(keys) => keys.iter().any(|k| {
                k.whole.equals(&t.project)
                    || k.split
                        .as_ref()
                        .is_some_and(|(s, key)| s.equals(&t.source) && key.equals(&t.project))
            }),
            Bound::Assignee(p) => p.accept(t),
            Bound::Status(ns) => ns
                .iter()
                .any(|n| n.loosely_in(&t.status) || n.loosely_in(t.category.label())),
            Bound::Priority(bits) => bits & priority_bit(t.priority) != 0,
            Bound::Label(ns) => ns.iter().any(|n| t.labels.iter().any(|l| n.found_in(l))),
            Bound::Source(ns) => ns.iter().any(|n| n.found_in(&t.source)),
            Bound::Time { since, cmp, cut } => {
                let at = match since {
                    Since::Created => t.created,
                    Since::Updated => t.updated,
                };
                // Older than the cut-off is an age over the limit.
                match cmp {
                    Cmp::Over => at < *cut,
                    Cmp::AtLeast => at <= *cut,
                    Cmp::Under => at > *cut,
                    Cmp::AtMost => at >= *cut,
                }
            }
            Bound::Stalled => row.stalled,
            Bound::HasSuggestion => row.has_suggestion,
        }
    }
}

impl People<'_> {
    fn accept(&self, t: &Ticket) -> bool {
        let Some(a) = t.assignee.as_deref() else {
            return self.nobody;
        };
        self.me.iter().any(|n| n.equals(a))
            || self.names.iter().any(|n| n.found_in(a))
            || (!self.known.is_empty() && self.known.contains(&(t.source.as_str(), a)))
    }
}
