//! What the filter knows about a ticket beyond the ticket itself: whether the stall analysis
//! flagged it and whether the advisor has a suggestion about it awaiting a decision.

use std::collections::HashSet;

use compact_str::CompactString;

use crate::analysis::stalled::StalledTicket;
use crate::domain::{Subject, Suggestion, SuggestionState, Ticket};

/// Sets of tickets by (source, id). Sources are few, so each holds a short list of sources
/// with a set of ids each, looked up without building a key per ticket.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    stalled: Marks,
    suggested: Marks,
}

#[derive(Debug, Clone, Default)]
struct Marks(Vec<(CompactString, HashSet<u64>)>);

impl Marks {
    fn of<'a>(refs: impl IntoIterator<Item = (&'a str, u64)>) -> Marks {
        let mut m = Marks::default();
        for (source, id) in refs {
            match m.0.iter_mut().find(|(s, _)| s == source) {
                Some((_, ids)) => {
                    ids.insert(id);
                }
                None => m.0.push((source.into(), HashSet::from([id]))),
            }
        }
        m
    }

    fn has(&self, t: &Ticket) -> bool {
        self.0
            .iter()
            .find(|(s, _)| *s == t.source)
            .is_some_and(|(_, ids)| ids.contains(&t.id))
    }
}

impl Facets {
    /// From the (source, id) of the stalled tickets and of those with a pending suggestion.
    pub fn new<'a>(
        stalled: impl IntoIterator<Item = (&'a str, u64)>,
        suggested: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Facets {
        Facets {
            stalled: Marks::of(stalled),
            suggested: Marks::of(suggested),
        }
    }

    /// From the stall analysis (warnings included, as the Stalled tab lists them) and the
    /// advisor's suggestions, of which only those still awaiting a decision count.
    pub fn of(stalled: &[StalledTicket], suggestions: &[Suggestion]) -> Facets {
        Facets::new(
            stalled.iter().map(|s| (s.source.as_str(), s.id)),
            suggestions
                .iter()
                .filter(|s| s.state == SuggestionState::Pending)
                .filter_map(|s| match &s.subject {
                    Subject::Ticket { source, id, .. } => Some((source.as_str(), *id)),
                    Subject::Project { .. } => None,
                }),
        )
    }

    pub fn is_stalled(&self, t: &Ticket) -> bool {
        self.stalled.has(t)
    }

    pub fn has_suggestion(&self, t: &Ticket) -> bool {
        self.suggested.has(t)
    }
}
