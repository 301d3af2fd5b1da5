//! Reopened issues' state histories from the projects' event lists
//! (`/projects/:id/events?target_type=issue&action=reopened|closed`), instead of a
//! `resource_state_events` request per reopened issue: a large first sync has one reopened
//! issue in ten or so, and ten thousand requests cost more than everything else it does.
//!
//! The reopen list is read whole (it names which issues need more than their `closed_at`);
//! the close list newest first, only as far as it pays: it stops once every reopened issue
//! has a close older than its oldest reopen (that close is its first: nothing but the
//! opening comes before it), or once the pages read outnumber the issues still waiting,
//! which then get their own requests. An issue's history comes from the lists only when the
//! lists reach back to its opening: not for one opened before the sync's window (its older
//! events are not asked for), nor before GitLab's pruning of events older than three years,
//! nor for one changed since the lists were read; and only when the lists end in the state
//! the issue is in. An issue moved in from another project keeps its opening time while its
//! events there stay with the old issue: a close and reopen before the move is missing from
//! these lists (and, when it was not reopened after the move, from the reopen list too).

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::{DateTime, Duration, Utc};

use super::{GitLabSource, dto};
use crate::sources::SourceError;

/// GitLab deletes project events older than three years; a week's margin for the job's
/// schedule.
const PRUNED_AFTER_DAYS: i64 = 3 * 365 - 7;

/// One close or reopen: when, the event's id (orders events of one instant), closed.
pub type StateChange = (DateTime<Utc>, u64, bool);

/// What the event lists say about the issues reopened since a sync's window began.
#[derive(Debug, Default)]
pub struct StateLog {
    /// Every issue reopened in the lists, with its closes and reopens found there.
    by_issue: HashMap<u64, Vec<StateChange>>,
    /// Those whose closes back to their first are all in the lists.
    whole: HashSet<u64>,
    /// Issues opened before this may have events the lists do not hold.
    reach: DateTime<Utc>,
    /// When the lists were read: later events are not in them.
    asked: DateTime<Utc>,
}

impl StateLog {
    /// When the lists were read.
    pub fn asked(&self) -> DateTime<Utc> {
        self.asked
    }

    /// Whether the lists name the issue as reopened.
    pub fn reopened(&self, issue: u64) -> bool {
        self.by_issue.contains_key(&issue)
    }

    /// The issue's closes and reopens, oldest first, when the lists hold all of them.
    pub fn history_of(&self, issue: &dto::Issue) -> Option<Vec<StateChange>> {
        if issue.created_at < self.reach
            || issue.updated_at >= self.asked
            || !self.whole.contains(&issue.id)
        {
            return None;
        }
        let mut changes = self.by_issue.get(&issue.id)?.clone();
        changes.sort_by_key(|(at, id, _)| (*at, *id));
        // A list that lags the issue (an event not yet indexed) must not rewrite its state.
        let ends_closed = changes.last().is_some_and(|c| c.2);
        (ends_closed == issue.closed()).then_some(changes)
    }
}

impl GitLabSource {
    /// The catalog's projects' reopens and closes after `from` (ever, when `None`), `now`
    /// being this machine's time; `None` when a list holds a record that does not read: then
    /// every issue's state events are read one by one.
    pub(super) async fn state_log(
        &self,
        from: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Option<StateLog>, SourceError> {
        let pruned = now - Duration::days(PRUNED_AFTER_DAYS);
        // Issues' update times are the server's, so the lists' moment is too: its `Date`,
        // when it sends one, else this clock. A minute's slack for the time a page takes
        // between the list's read and its answer (and, on this clock, for the two clocks).
        let mut read_at = None;
        let mut log = StateLog {
            reach: from.map_or(pruned, |f| f.max(pruned)),
            ..StateLog::default()
        };
        let mut query = vec![("target_type", "issue".to_string())];
        // `after` takes a date, is exclusive, and GitLab ends that day in its own time zone
        // (UTC-12 to UTC+14): two days earlier covers the whole window anywhere.
        if let Some(f) = from {
            let day = (f - Duration::days(2)).date_naive();
            query.push(("after", day.format("%Y-%m-%d").to_string()));
        }
        let mut projects: Vec<u64> = self.catalog.paths.keys().copied().collect();
        projects.sort_unstable();
        let mut seen = HashSet::new();
        // An issue's oldest reopen in the lists, until a close older than it is found.
        let mut waiting: HashMap<u64, DateTime<Utc>> = HashMap::new();
        let mut spoiled = HashSet::new();
        for &p in &projects {
            let mut reopens = query.clone();
            reopens.push(("action", "reopened".to_string()));
            let mut found: Vec<Result<dto::ProjectEvent, _>> = Vec::new();
            let served = self
                .pages(&format!("/projects/{p}/events"), &reopens, |page| {
                    found.extend(page);
                    ControlFlow::Continue(())
                })
                .await?;
            read_at.get_or_insert(served.unwrap_or(now));
            for e in found {
                let Ok(e) = e else { return Ok(None) };
                let Some(issue) = e.target_id else { continue };
                let entry = log.by_issue.entry(issue).or_default();
                match (e.created_at, e.id) {
                    (Some(at), Some(id)) if seen.insert(id) => {
                        entry.push((at, id, false));
                        let oldest = waiting.entry(issue).or_insert(at);
                        *oldest = (*oldest).min(at);
                    }
                    (Some(_), Some(_)) => {}
                    // A reopen without its time cannot be placed.
                    _ => {
                        spoiled.insert(issue);
                    }
                }
            }
        }
        log.asked = read_at.unwrap_or(now) - Duration::minutes(1);
        let mut close_pages = 0;
        let mut unreadable = false;
        let mut closes = query.clone();
        closes.push(("action", "closed".to_string()));
        for &p in &projects {
            // Past here, the issues still waiting cost fewer requests of their own than the
            // pages it could take to finish them.
            if waiting.is_empty() || close_pages >= waiting.len() {
                break;
            }
            let path = format!("/projects/{p}/events");
            self.pages::<dto::ProjectEvent>(&path, &closes, |page| {
                close_pages += 1;
                for e in page {
                    let Ok(e) = e else {
                        unreadable = true;
                        return ControlFlow::Break(());
                    };
                    let Some(issue) = e.target_id else { continue };
                    let Some(changes) = log.by_issue.get_mut(&issue) else {
                        continue;
                    };
                    let (Some(at), Some(id)) = (e.created_at, e.id) else {
                        spoiled.insert(issue);
                        continue;
                    };
                    if !seen.insert(id) {
                        continue;
                    }
                    changes.push((at, id, true));
                    if waiting.get(&issue).is_some_and(|oldest| at < *oldest) {
                        waiting.remove(&issue);
                        log.whole.insert(issue);
                    }
                }
                if waiting.is_empty() || close_pages >= waiting.len() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            if unreadable {
                return Ok(None);
            }
        }
        log.whole.retain(|i| !spoiled.contains(i));
        Ok(Some(log))
    }
}
