//! The rule advisor: every candidate suggestion, built deterministically from a portfolio,
//! its analysis and the projects' members, offline.
//!
//! Each kind has its own module with its thresholds; this one indexes what they all read
//! once, runs them, and orders what they find. The rules read the analysis (stall evidence,
//! health evidence, summaries) rather than measuring again; they never write anything and
//! never read ticket text except titles and labels, compared as words.

mod candidate;
mod context;
mod duplicate;
mod priority;
mod risk;
mod split;
mod waiting;
mod words;
mod workload;

use chrono::{DateTime, Utc};

use crate::analysis::Analysis;
use crate::domain::{Member, Portfolio, Suggestion};

pub use candidate::fingerprint;

type Rule = fn(&context::Context<'_>, &mut Vec<candidate::Draft>);

/// The rules in two groups of about equal work on a large portfolio (people's experience on
/// one side, duplicate titles on the other), run side by side: suggestions are built off the
/// UI thread, and a second core halves the wait.
const FIRST: [Rule; 3] = [workload::reassign, priority::raise, priority::lower];
const SECOND: [Rule; 6] = [
    duplicate::duplicates,
    split::split,
    waiting::ask,
    waiting::nudge,
    workload::rebalance,
    risk::flag,
];

/// Every candidate the rules find, strongest first: by confidence band, then impact (then
/// id, so equal ones keep one order).
pub fn suggest(
    portfolio: &Portfolio,
    analysis: &Analysis,
    members: &[Member],
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let c = context::Context::new(portfolio, analysis, members, now);
    let run = |rules: &[Rule]| -> Vec<Suggestion> {
        let mut drafts = Vec::new();
        for rule in rules {
            rule(&c, &mut drafts);
        }
        drafts.into_iter().map(candidate::Draft::finish).collect()
    };
    let (mut found, second) = std::thread::scope(|s| {
        let second = s.spawn(|| run(&SECOND));
        (run(&FIRST), second.join())
    });
    match second {
        Ok(more) => found.extend(more),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    strongest_first(found)
}

/// Sorts by positions rather than moving whole suggestions at every comparison step.
fn strongest_first(found: Vec<Suggestion>) -> Vec<Suggestion> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&found[a], &found[b]);
        b.band
            .cmp(&a.band)
            .then(b.impact.total_cmp(&a.impact))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut slots: Vec<Option<Suggestion>> = found.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}
