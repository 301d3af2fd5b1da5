//! The rule advisor: every candidate suggestion, built deterministically from a portfolio,
//! its analysis and the projects' members, offline.
//!
//! Each kind has its own module with its thresholds; this one indexes what they all read
//! once, runs them, and orders what they find. The rules read the analysis (stall evidence,
//! health evidence, summaries) rather than measuring again; they never write anything and
//! never read ticket text except titles and labels, compared as words.

mod ask_info;
mod candidate;
mod context;
mod duplicate;
mod priority;
mod reassign;
mod rebalance;
mod review;
mod risk;
mod split;
mod words;

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
    reassign::reassign(&c, &mut drafts);
    priority::raise(&c, &mut drafts);
    priority::lower(&c, &mut drafts);
    split::split(&c, &mut drafts);
    ask_info::ask(&c, &mut drafts);
    duplicate::duplicates(&c, &mut drafts);
    rebalance::rebalance(&c, &mut drafts);
    risk::flag(&c, &mut drafts);
    review::nudge(&c, &mut drafts);
    let mut out: Vec<Suggestion> = drafts.into_iter().map(candidate::Draft::finish).collect();
    out.sort_by(|a, b| {
        b.band
            .cmp(&a.band)
            .then(b.impact.total_cmp(&a.impact))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}
