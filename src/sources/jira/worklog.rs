//! Jira worklogs: the time logged on this source's issues, and only theirs.
//!
//! Jira lists changed worklogs site-wide (`/rest/api/3/worklog/updated`), ids only, so a
//! source limited to some projects must find out which worklogs are its own: by the issue
//! each belongs to, checked against the tickets this sync read and, for the others, with a
//! search that returns ids only. This module never stores an entry of another project, and
//! never asks for more of an issue than whether it is one of ours.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{JiraSource, NAMED_SKIPS, dto, map, search};
use crate::domain::TimeEntry;
use crate::sources::SourceError;
use crate::sources::lenient::{Lenient, warn_each};

/// Worklogs per `worklog/list` request (Jira's maximum).
const LIST: usize = 1000;
/// Issue ids per membership search: the JQL stays well under Jira's length limit.
const MEMBERSHIP: usize = 500;

impl JiraSource {
    /// Time logged since `from` (all of it on a first sync) on this source's issues: the ids
    /// of changed worklogs, then the worklogs a thousand at a time, then only those whose
    /// issue is in the source's projects.
    pub(super) async fn worklogs(
        &self,
        from: Option<DateTime<Utc>>,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<TimeEntry>, SourceError> {
        let mut since = from.map_or(0, |f| f.timestamp_millis());
        let mut ids = Vec::new();
        loop {
            let page: dto::WorklogChanges = self
                .get(
                    "/rest/api/3/worklog/updated",
                    &[("since", since.to_string())],
                )
                .await?;
            ids.extend(page.values.iter().map(|v| v.worklog_id));
            match page.until {
                Some(until) if !page.last_page && until > since => since = until,
                _ => break,
            }
        }
        let mut entries = Vec::new();
        let mut odd = Vec::new();
        for chunk in ids.chunks(LIST) {
            let logs: Lenient<dto::Worklog> = self
                .post("/rest/api/3/worklog/list", &json!({ "ids": chunk }))
                .await?;
            let (logs, unreadable) = logs.split();
            odd.extend(
                unreadable
                    .into_iter()
                    .map(|u| format!("Jira worklog {} skipped: {}", u.name_or("?"), u.reason)),
            );
            for w in logs {
                match self.entry(w) {
                    Ok(e) => entries.push(e),
                    Err(why) => odd.push(why),
                }
            }
        }
        warn_each(odd, NAMED_SKIPS, warnings);
        if self.settings.projects.is_empty() {
            // Every project the account sees is this source's.
            return Ok(entries);
        }
        let ours = self.our_issues(&entries).await?;
        entries.retain(|e| ours.contains(&e.ticket));
        Ok(entries)
    }

    fn entry(&self, w: dto::Worklog) -> Result<TimeEntry, String> {
        let number = |s: &str| s.parse::<u64>().ok();
        let (Some(id), Some(ticket)) = (number(&w.id), number(&w.issue_id)) else {
            return Err(format!(
                "Jira worklog {:?} skipped: its id or its issue id ({:?}) is not a number",
                w.id, w.issue_id
            ));
        };
        Ok(TimeEntry {
            source: self.name.clone(),
            ticket,
            id,
            at: w.started.with_timezone(&Utc),
            member: w.author.map(|a| a.display_name).unwrap_or_default(),
            hours: w.time_spent_seconds / 3600.0,
            comment: w.comment.as_ref().map(map::adf_text).unwrap_or_default(),
        })
    }

    /// Which of the entries' issues are in this source's projects: those this sync read are,
    /// the others are asked for by id, within the projects, with nothing but their ids.
    async fn our_issues(&self, entries: &[TimeEntry]) -> Result<HashSet<u64>, SourceError> {
        let mut ours: HashSet<u64> = HashSet::new();
        let unknown: BTreeSet<u64> = entries
            .iter()
            .map(|e| e.ticket)
            .filter(|t| {
                let known = self.seen.tickets.contains(t);
                if known {
                    ours.insert(*t);
                }
                !known
            })
            .collect();
        let unknown: Vec<u64> = unknown.into_iter().collect();
        let fields = ["id".to_string()];
        for chunk in unknown.chunks(MEMBERSHIP) {
            let list: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let jql = format!("{} AND id in ({})", self.project_clause(), list.join(", "));
            let mut token: Option<String> = None;
            loop {
                let request = dto::Search {
                    jql: &jql,
                    fields: &fields,
                    max_results: MEMBERSHIP,
                    next_page_token: token.as_deref(),
                };
                let body = self.post_body("/rest/api/3/search/jql", &request).await?;
                let page = body.parse_seed(search::SearchSeed::IDS)?;
                for issue in page.issues.iter().flatten() {
                    if let Ok(id) = issue.id.parse() {
                        ours.insert(id);
                    }
                }
                token = page.next_page_token.filter(|_| page.is_last != Some(true));
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(ours)
    }
}
