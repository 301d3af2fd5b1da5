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

/// Every candidate the rules find, strongest first: by confidence band, then impact (then
/// id, so equal ones keep one order).
pub fn suggest(
    portfolio: &Portfolio,
    analysis: &Analysis,
    members: &[Member],
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let c = context::Context::new(portfolio, analysis, members, now);
    let mut drafts = Vec::new();
    workload::reassign(&c, &mut drafts);
    priority::raise(&c, &mut drafts);
    priority::lower(&c, &mut drafts);
    split::split(&c, &mut drafts);
    waiting::ask(&c, &mut drafts);
    duplicate::duplicates(&c, &mut drafts);
    workload::rebalance(&c, &mut drafts);
    risk::flag(&c, &mut drafts);
    waiting::nudge(&c, &mut drafts);
    let mut out: Vec<Suggestion> = drafts.into_iter().map(candidate::Draft::finish).collect();
    out.sort_by(|a, b| {
        b.band
            .cmp(&a.band)
            .then(b.impact.total_cmp(&a.impact))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}
