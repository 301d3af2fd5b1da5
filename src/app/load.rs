//! Background work that turns the store into what the screens show: a full load, a refresh
//! of the few tickets a sync touched, and keeping the result for the next start.
//!
//! Loads never write: persisting is its own effect, asked for by `update` once a load is
//! shown, so a load that only reads can never slow a sync down with flushes, and tests see
//! every write as an effect.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};

use crate::analysis::{Analysis, StallPolicy, analyse};
use crate::domain::{Member, Portfolio, Snapshot};
use crate::store::{Store, StoreError};

/// What a load shows: the configured sources, judged by the configured policy.
#[derive(Debug, Clone)]
pub struct ViewSpec {
    pub sources: Arc<[String]>,
    pub policy: StallPolicy,
    pub targets: Arc<BTreeMap<String, NaiveDate>>,
}

/// A portfolio with its analysis, and the daily snapshots the store does not hold yet.
pub struct Loaded {
    pub portfolio: Portfolio,
    pub analysis: Analysis,
    pub snapshots: Vec<Snapshot>,
}

/// Reads the whole store and analyses it; runs on a blocking thread.
/// Logs how long the read and the analysis took (`LOOKOUT_LOG=lookout=debug`), as start-up
/// time is mostly this.
pub fn load_and_analyse(store: &Store, view: &ViewSpec) -> Result<Loaded, StoreError> {
    let started = Instant::now();
    let mut portfolio = store.load_for_analysis()?;
    let read = started.elapsed();
    portfolio.retain_sources(&view.sources);
    portfolio.set_targets(&view.targets);
    let loaded = analysed(store, view, portfolio, Utc::now())?;
    tracing::debug!(
        tickets = loaded.portfolio.tickets.len(),
        read_ms = read.as_millis(),
        analysis_ms = (started.elapsed() - read).as_millis(),
        "store loaded"
    );
    Ok(loaded)
}

/// The members an assign must take from the store rather than from the tickets: those whose
/// login is not the name the tickets show (a Jira account id, a Redmine user id). Without
/// them the picker would offer the display name as the login, which such a tracker refuses.
/// Members named by their login (a file's) are left on disk: the tickets' names stand for them.
pub fn assign_members(store: &Store, view: &ViewSpec) -> Result<Vec<Member>, StoreError> {
    let mut members = store.members()?;
    members.retain(|m| {
        m.login != m.display_name && view.sources.iter().any(|s| m.source == s.as_str())
    });
    Ok(members)
}

/// `shown` with the tickets `ids` of `source` read back from the store, analysed again: what
/// a full load would give, for a few reads instead of decoding every ticket.
pub fn refresh(
    store: &Store,
    view: &ViewSpec,
    shown: &Portfolio,
    source: &str,
    ids: &[u64],
) -> Result<Loaded, StoreError> {
    let part = store.load_tickets(source, ids)?;
    let mut portfolio = shown.clone();
    if view.sources.iter().any(|s| s == source) {
        portfolio.patch(source, ids, part);
        portfolio.set_targets(&view.targets);
    }
    analysed(store, view, portfolio, Utc::now())
}

fn analysed(
    store: &Store,
    view: &ViewSpec,
    portfolio: Portfolio,
    now: DateTime<Utc>,
) -> Result<Loaded, StoreError> {
    let stored: Vec<Snapshot> = store
        .snapshots()?
        .into_iter()
        .filter(|s| view.sources.contains(&s.source))
        .collect();
    let mut analysis = analyse(&portfolio, &stored, now, &view.policy);
    // Moved out, not copied: the screens never read them, and held for the session they
    // would weigh a day's snapshot of every project for every trend day.
    let days = std::mem::take(&mut analysis.snapshots);
    let snapshots = unsaved_snapshots(&stored, days, now.date_naive());
    Ok(Loaded {
        portfolio,
        analysis,
        snapshots,
    })
}

/// Today's snapshots (with their live stalled counts) and any day the store lacks, of the
/// analysed `days`.
fn unsaved_snapshots(stored: &[Snapshot], days: Vec<Snapshot>, today: NaiveDate) -> Vec<Snapshot> {
    let have: HashSet<(&str, &str, NaiveDate)> = stored
        .iter()
        .map(|s| (s.source.as_str(), s.project.as_str(), s.day))
        .collect();
    days.into_iter()
        .filter(|s| {
            s.day == today || !have.contains(&(s.source.as_str(), s.project.as_str(), s.day))
        })
        .collect()
}

/// Keeps the analysis for the next start and the snapshots the store lacks. Failing here
/// costs only a slower next start or a gap in a trend, so it is logged, not shown.
pub fn persist(store: &Store, analysis: &Analysis, snapshots: &[Snapshot]) {
    if let Err(e) = store.save_snapshots(snapshots) {
        tracing::warn!("cannot keep today's snapshots: {e}");
    }
    if let Err(e) = store.save_view(analysis) {
        tracing::warn!("cannot keep the view for the next start: {e}");
    }
}
