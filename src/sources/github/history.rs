//! Many issues' events in one read: the repository-wide list
//! (`/repos/{o}/{r}/issues/events`), newest first, paged by `Link`.
//!
//! The per-issue list costs a request per changed issue: 100,000 for a first sync of a large
//! repository. The repository-wide list holds a hundred events a page, whichever issue (or
//! pull request) they happened to, and its paging stops at the first event older than the
//! sync's window. An issue's history is only whole when the read reaches back to the issue's
//! opening, and only up to the moment of the read: an issue opened before the window's start,
//! or changed in the last moments before the read, still gets its own request. So a sync
//! ends with the same history either way.

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::{DateTime, Duration, Utc};

use super::{GithubSource, NAMED_SKIPS, OVERLAP_SECS, PAGE, SourceError, dto, map};
use crate::sources::lenient::{self, Listing, warn_each};

/// Below this many issues a read could cover, per-issue requests win: they run eight at a
/// time, while the repository-wide pages come one after another and also carry what lookout
/// does not replay (pull requests' events, mentions, subscriptions, references), often
/// several times the tracked ones. Fifty requests cost about what fifty pages do, and fifty
/// pages hold 5,000 events: more than a window of fifty changed issues usually has.
pub const WIDE_FROM: usize = 50;

/// One repository's events, read once for a sync and kept across its batches.
pub struct RepoHistory {
    /// The read reaches back to here; `None`: to the repository's first event.
    reach: Option<DateTime<Utc>>,
    /// When GitHub answered the first page: later events are not in the read.
    as_of: DateTime<Utc>,
    /// Every replayed event, each issue's together and oldest first: one vector, where one
    /// per issue cost an allocation and a free for each of 100,000 issues.
    events: Vec<dto::Event>,
    /// Issue (or pull request) number to where its events lie in `events`.
    by_issue: FxHashMap<u64, std::ops::Range<usize>>,
}

impl RepoHistory {
    /// Whether a read reaching back to `since` would hold the issue's whole history.
    pub fn would_cover(since: Option<DateTime<Utc>>, issue: &dto::Issue) -> bool {
        since.is_none_or(|s| issue.created_at >= s)
    }

    /// Whether this read can serve a sync whose window starts at `since`.
    pub fn reaches(&self, since: Option<DateTime<Utc>>) -> bool {
        match (self.reach, since) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(r), Some(s)) => r <= s,
        }
    }

    /// The issue's events, oldest first, when this read holds all of them.
    pub fn events_of(&self, issue: &dto::Issue) -> Option<&[dto::Event]> {
        let settled = issue.updated_at + Duration::seconds(OVERLAP_SECS) < self.as_of;
        (Self::would_cover(self.reach, issue) && settled).then(|| self.listed(issue.number))
    }

    /// The events this read holds for issue `number`, oldest first (whole or not).
    pub(super) fn listed(&self, number: u64) -> &[dto::Event] {
        self.by_issue
            .get(&number)
            .map_or(&[][..], |at| &self.events[at.clone()])
    }
}

impl GithubSource {
    /// `repo`'s events back to `since` (all of them for `None`), read page by page until
    /// one holds an older event; `now` stands in for GitHub's clock when it sends no `Date`.
    pub(super) async fn repo_history(
        &mut self,
        repo: &str,
        since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        warnings: &mut Vec<String>,
    ) -> Result<RepoHistory, SourceError> {
        let mut next = Some(self.url(&format!("/repos/{repo}/issues/events?per_page={PAGE}")));
        let mut as_of = None;
        // Each kept event with its issue's number, newest first as listed.
        let mut listed: Vec<(u64, dto::Event)> = Vec::new();
        // A page shift (events arriving while the list is read) sends some events twice.
        let mut seen = FxHashSet::default();
        let mut odd = Vec::new();
        while let Some(url) = next.take() {
            let body = self.get(&url).await?;
            self.asked.repo_event_pages += 1;
            as_of.get_or_insert_with(|| body.served_at().unwrap_or(now));
            next = self.next_page(&body)?;
            let (good, bad) = match lenient::whole::<dto::Event>(body.bytes()) {
                // Nearly every page reads whole: one pass, no per-record copies.
                Some(all) => (all, Vec::new()),
                None => match body.parse::<Listing<dto::Event>>()? {
                    Listing::Items(items) => items.split(),
                    Listing::NotAList(instead) => {
                        return Err(SourceError::Invalid(format!(
                            "{url}: GitHub answered {instead} where a list of events belongs"
                        )));
                    }
                },
            };
            odd.extend(bad.into_iter().map(|u| {
                format!(
                    "an event of {repo} skipped: {} (its issue may miss a step of its history)",
                    u.reason
                )
            }));
            let mut older = false;
            for e in good {
                if since.is_some_and(|s| e.created_at < s) {
                    older = true;
                    continue;
                }
                if e.id.is_some_and(|id| !seen.insert(id))
                    || !map::REPLAYED.contains(&e.event.as_str())
                {
                    continue;
                }
                if let Some(number) = e.issue.as_ref().map(|i| i.number) {
                    listed.push((number, e));
                }
            }
            if older {
                break;
            }
        }
        // Grouped by issue, each group still newest first (the sort is stable), then turned
        // oldest first as GitHub's per-issue list is, which the replay expects (same-second
        // events included).
        listed.sort_by_key(|(number, _)| *number);
        // Keyed by GitHub's numbers: the default hasher's flood resistance buys nothing here.
        let mut by_issue = FxHashMap::default();
        let mut start = 0;
        while start < listed.len() {
            let number = listed[start].0;
            let end = start + listed[start..].partition_point(|(n, _)| *n == number);
            listed[start..end].reverse();
            by_issue.insert(number, start..end);
            start = end;
        }
        warn_each(odd, NAMED_SKIPS, warnings);
        Ok(RepoHistory {
            reach: since,
            as_of: as_of.unwrap_or(now),
            events: listed.into_iter().map(|(_, e)| e).collect(),
            by_issue,
        })
    }
}
