//! What the user's decisions say back to the advisor: which suggestion is shown in which
//! state (a rejected one stays hidden until its evidence changes), and how often each kind
//! is accepted, rejected and undone.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::{Decision, Kind, RejectReason, Suggestion, SuggestionState, Verdict};

/// How long a rejected suggestion stays away at least, even when its evidence changed.
pub const COOLDOWN_DAYS: i64 = 7;

/// The candidates to show, each in the state its latest decision gives it (see `Ledger::
/// reconcile`); `decisions` oldest first.
pub fn reconcile(
    candidates: Vec<Suggestion>,
    decisions: &[Decision],
    now: DateTime<Utc>,
    cooldown: Duration,
) -> Vec<Suggestion> {
    let mut latest: HashMap<&str, &Decision> = HashMap::new();
    for d in decisions {
        latest.insert(d.suggestion.as_str(), d);
    }
    candidates
        .into_iter()
        .filter_map(|mut s| {
            let Some(d) = latest.get(s.id.as_str()) else {
                s.state = SuggestionState::Pending;
                return Some(s);
            };
            let same = d.fingerprint == s.fingerprint;
            let cooled = now - d.at >= cooldown;
            s.state = match d.verdict {
                // "Not now" asks for a pause, not a verdict on the evidence.
                Verdict::Reject if d.reason == Some(RejectReason::NotNow) && cooled => {
                    SuggestionState::Pending
                }
                Verdict::Reject if same || !cooled => return None,
                Verdict::Reject => SuggestionState::Pending,
                _ if !same => SuggestionState::Stale,
                Verdict::Undo => SuggestionState::Undone,
                Verdict::Accept if d.write.is_some() => SuggestionState::Applied,
                Verdict::Accept if s.proposal.is_some() => SuggestionState::Failed,
                Verdict::Accept => SuggestionState::Accepted,
            };
            Some(s)
        })
        .collect()
}

/// How one kind of suggestion fares with the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindRates {
    pub kind: Kind,
    /// Accepted or rejected.
    pub decided: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub undone: usize,
    /// Of the decided; 0 when none was.
    pub acceptance: f64,
    pub rejection: f64,
    /// Of the accepted; 0 when none was.
    pub undo: f64,
}

/// The rates of every kind that has a decision, in `Kind` order.
pub fn rates(decisions: &[Decision]) -> Vec<KindRates> {
    let mut counts: BTreeMap<Kind, [usize; 3]> = BTreeMap::new();
    for d in decisions {
        let c = counts.entry(d.kind).or_default();
        match d.verdict {
            Verdict::Accept => c[0] += 1,
            Verdict::Reject => c[1] += 1,
            Verdict::Undo => c[2] += 1,
        }
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    counts
        .into_iter()
        .map(|(kind, [accepted, rejected, undone])| {
            let decided = accepted + rejected;
            KindRates {
                kind,
                decided,
                accepted,
                rejected,
                undone,
                acceptance: share(accepted, decided),
                rejection: share(rejected, decided),
                undo: share(undone, accepted),
            }
        })
        .collect()
}

/// The newest accepted decision not undone since; `decisions` oldest first.
pub fn last_undoable(decisions: &[Decision]) -> Option<&Decision> {
    let mut undone: Vec<&str> = Vec::new();
    for d in decisions.iter().rev() {
        match d.verdict {
            Verdict::Undo => undone.push(&d.suggestion),
            Verdict::Accept if !undone.contains(&d.suggestion.as_str()) => return Some(d),
            _ => {}
        }
    }
    None
}
