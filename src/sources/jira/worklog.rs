//! Jira worklogs: the time logged on this source's issues, and only theirs.
//!
//! A source of some projects takes worklogs from the issues its search reads: the search
//! carries each issue's first twenty inline, and an issue with more has them all read from
//! its own endpoint, page by page. Logging or editing time updates the issue, so the issues a
//! sync reads since its cursor carry every changed worklog of its projects. Jira's site-wide
//! feed (`worklog/updated`, then the bodies by id) would send every project's, comments
//! included: only a source of every project uses it, where it is cheaper than reading
//! issue by issue.
//!
//! This module never asks Jira for a worklog of an issue outside the source's projects.

use chrono::{DateTime, Utc};
use serde_json::json;
use serde_json::value::RawValue;

use super::{JiraSource, NAMED_SKIPS, dto, map};
use crate::domain::TimeEntry;
use crate::sources::SourceError;
use crate::sources::lenient::{Lenient, Unreadable, reason, warn_each};

/// Worklogs per `worklog/list` request (Jira's maximum).
const LIST: usize = 1000;
/// Worklogs per page of an issue's own endpoint.
const ISSUE_PAGE: usize = 1000;

/// The worklogs of the issues one batch read, gathered as its pages go by.
#[derive(Default)]
pub(super) struct IssueWorklogs {
    entries: Vec<TimeEntry>,
    /// Issues with more worklogs than came inline: id and key, to read them whole.
    beyond: Vec<(u64, String)>,
    /// Worklogs skipped, and why, a line each.
    odd: Vec<String>,
}

impl IssueWorklogs {
    fn skip(&mut self, unreadable: Vec<Unreadable>, key: &str) {
        self.odd.extend(unreadable.into_iter().map(|u| {
            let name = u.name_or("without id");
            format!("Jira worklog {name} of {key} skipped: {}", u.reason)
        }));
    }
}

impl JiraSource {
    /// Whether worklogs come with the issues the search reads (the source has projects)
    /// rather than from the site-wide feed.
    pub(super) fn worklogs_by_issue(&self) -> bool {
        !self.settings.projects.is_empty()
    }

    /// The worklogs of issue `id` (`key`) that came inline with it (`raw`, its `worklog`
    /// field), or a note to read them from the issue when not all of them came.
    pub(super) fn inline_worklogs(
        &self,
        id: u64,
        key: &str,
        raw: Option<&RawValue>,
        into: &mut IssueWorklogs,
    ) {
        let Some(raw) = raw else {
            // Jira leaves the field out where time tracking is off: nothing was logged.
            return;
        };
        let page = match serde_json::from_str::<dto::WorklogPage>(raw.get()) {
            Ok(p) => p,
            Err(e) => {
                into.odd.push(format!(
                    "the worklogs of Jira issue {} came with the search in an unexpected form \
                     ({}); read from the issue instead",
                    key,
                    reason(&e)
                ));
                into.beyond.push((id, key.to_string()));
                return;
            }
        };
        if page.start_at + page.worklogs.0.len() < page.total {
            // Which of them came inline is Jira's choice: the issue is read whole instead.
            into.beyond.push((id, key.to_string()));
            return;
        }
        self.take_worklogs(page.worklogs, key, into);
    }

    fn take_worklogs(&self, logs: Lenient<dto::Worklog>, key: &str, into: &mut IssueWorklogs) {
        let (logs, unreadable) = logs.split();
        into.skip(unreadable, key);
        for w in logs {
            match self.entry(w) {
                Ok(e) => into.entries.push(e),
                Err(why) => into.odd.push(why),
            }
        }
    }

    /// The time entries of a batch's issues: what came inline, and every worklog of the
    /// issues that had more, from their own endpoint.
    pub(super) async fn issue_worklogs(
        &self,
        mut logged: IssueWorklogs,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<TimeEntry>, SourceError> {
        for (id, key) in std::mem::take(&mut logged.beyond) {
            let path = format!("/rest/api/3/issue/{id}/worklog");
            let mut start = 0;
            loop {
                let query = [
                    ("startAt", start.to_string()),
                    ("maxResults", ISSUE_PAGE.to_string()),
                ];
                let page: dto::WorklogPage = match self.get(&path, &query).await {
                    Ok(p) => p,
                    // Deleted since the search listed it: its time goes with it.
                    Err(SourceError::NotFound(why)) => {
                        logged.odd.push(format!(
                            "the worklogs of Jira issue {key} were skipped: the issue is gone \
                             ({why})"
                        ));
                        break;
                    }
                    Err(e) => return Err(e),
                };
                let read = page.worklogs.0.len();
                self.take_worklogs(page.worklogs, &key, &mut logged);
                start = page.start_at + read;
                if read == 0 || start >= page.total {
                    break;
                }
            }
        }
        warn_each(logged.odd, NAMED_SKIPS, warnings);
        Ok(logged.entries)
    }

    /// Time logged since `from` (all of it on a first sync) on any issue of the site, for a
    /// source of every project: the ids of changed worklogs, then the worklogs a thousand at
    /// a time.
    pub(super) async fn site_worklogs(
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
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sources::http::Policy;
    use crate::sources::jira::Settings;

    fn source() -> JiraSource {
        let settings = Settings {
            url: "https://example.atlassian.net".into(),
            cloud_id: None,
            email: "a@example.com".into(),
            token_env: "T".into(),
            projects: vec!["EE".into()],
            sweep_every: Duration::from_secs(3600),
        };
        JiraSource::new("jira", settings, Policy::default())
    }

    fn worklog(id: &str, started: &str) -> String {
        format!(
            r#"{{"id":"{id}","issueId":"10002","author":{{"accountId":"a","displayName":"Ana"}},
            "started":"{started}","timeSpentSeconds":5400,"comment":{{"type":"doc","version":1,
            "content":[{{"type":"paragraph","content":[{{"type":"text","text":"log {id}"}}]}}]}}}}"#
        )
    }

    fn inline(json: &str) -> IssueWorklogs {
        let raw: Box<RawValue> = serde_json::from_str(json).expect("json");
        let mut into = IssueWorklogs::default();
        source().inline_worklogs(10_002, "EE-2", Some(&raw), &mut into);
        into
    }

    #[test]
    fn worklogs_that_all_came_inline_are_kept_and_an_odd_one_is_named() {
        let good = worklog("7", "2025-01-03T09:00:00.000+0530");
        let odd = worklog("8", "soon");
        let got = inline(&format!(
            r#"{{"startAt":0,"maxResults":20,"total":2,"worklogs":[{good},{odd}]}}"#
        ));
        let kept: Vec<(u64, u64, f64, &str)> = got
            .entries
            .iter()
            .map(|e| (e.id, e.ticket, e.hours, e.comment.as_str()))
            .collect();
        assert_eq!(kept, [(7, 10_002, 1.5, "log 7")]);
        assert!(got.beyond.is_empty(), "nothing left to read");
        assert_eq!(
            got.odd,
            ["Jira worklog 8 of EE-2 skipped: \"soon\" is not a Jira time"]
        );
    }

    #[test]
    fn an_issue_with_more_than_came_inline_is_read_whole_from_its_own_endpoint() {
        let logs: Vec<String> = (0..20)
            .map(|n| worklog(&n.to_string(), "2025-01-03T09:00:00.000+0530"))
            .collect();
        let got = inline(&format!(
            r#"{{"startAt":0,"maxResults":20,"total":21,"worklogs":[{}]}}"#,
            logs.join(",")
        ));
        assert!(
            got.entries.is_empty(),
            "the whole list comes from the issue"
        );
        assert_eq!(got.beyond, [(10_002, "EE-2".to_string())]);
        assert!(got.odd.is_empty());
    }

    #[test]
    fn an_inline_field_of_another_form_is_named_and_read_from_the_issue() {
        let got = inline(r#""hidden""#);
        assert!(got.entries.is_empty());
        assert_eq!(got.beyond, [(10_002, "EE-2".to_string())]);
        assert_eq!(got.odd.len(), 1);
        assert!(
            got.odd[0].starts_with("the worklogs of Jira issue EE-2 came with the search in an unexpected form (invalid type: string \"hidden\", expected struct WorklogPage)"),
            "{:?}",
            got.odd
        );
    }
}
