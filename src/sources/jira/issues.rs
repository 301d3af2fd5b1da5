//! From a search page and bulk changelogs to tickets and their histories, one issue at a
//! time: an issue that cannot be a ticket is skipped and named, an unreadable changelog keeps
//! its ticket without history, and each becomes a warning, never a failed sync.
//!
//! This module owns the reading and the wording of those warnings; it never decides paging,
//! batches or cursors.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use super::status::Move;
use super::{CHANGELOG_ISSUES, JiraSource, NAMED_SKIPS, dto, map, search};
use crate::domain::{Ticket, Transition};
use crate::sources::SourceError;
use crate::sources::http::{Body, HttpError};
use crate::sources::lenient::{self, Unreadable, warn_each};

/// What one batch could not use, for its warnings.
#[derive(Default)]
pub(super) struct OddIssues {
    /// Issues skipped: key (or id) and why.
    pub(super) issues: Vec<(String, String)>,
    /// Issues kept without a changelog: id and why.
    pub(super) histories: Vec<(String, String)>,
    /// Issues kept without an estimate: key and what the story points field held.
    pub(super) points: Vec<String>,
}

impl OddIssues {
    pub(super) fn report(self, warnings: &mut Vec<String>) {
        let issues = self.issues.into_iter();
        let skipped = issues.map(|(key, why)| format!("Jira issue {key} skipped: {why}"));
        warn_each(skipped, NAMED_SKIPS, warnings);
        let histories = self.histories.into_iter().map(|(id, why)| {
            format!("the changelog of Jira issue {id} could not be read ({why}); kept without it")
        });
        warn_each(histories, NAMED_SKIPS, warnings);
        if !self.points.is_empty() {
            let n = self.points.len();
            let shown: Vec<String> = self.points.into_iter().take(NAMED_SKIPS).collect();
            let more = if n > shown.len() { ", ..." } else { "" };
            warnings.push(format!(
                "{n} Jira issues hold something other than a number of points in their story \
                 points field, and are kept without an estimate: {}{more}",
                shown.join(", ")
            ));
        }
    }
}

/// A ticket's changelog, as lookout keeps it and as it places work.
#[derive(Default)]
pub(super) struct Log {
    pub(super) transitions: Vec<Transition>,
    pub(super) moves: Vec<Move>,
}

/// Said once a sync for each status neither id nor name placed.
pub(super) fn unplaced_warning(status: &str) -> String {
    format!(
        "Jira status {status:?} in ticket histories is no longer in the workflow (renamed or \
         retired): placed by what each ticket did next"
    )
}

impl JiraSource {
    /// A search result as a ticket and its update time (in Jira's zone), or `None` with the
    /// reason noted in `odd` when it cannot be one.
    pub(super) fn read_issue(
        &self,
        issue: Result<search::Issue<'_>, Unreadable>,
        odd: &mut OddIssues,
    ) -> Option<(Ticket, DateTime<FixedOffset>)> {
        let issue = match issue {
            Ok(i) => i,
            Err(u) => {
                let name = u.name_or("an issue without key or id").to_string();
                odd.issues.push((name, u.reason));
                return None;
            }
        };
        let name = match issue.key.as_str() {
            "" => format!("with id {:?}", &*issue.id),
            key => key.to_string(),
        };
        let Ok(id) = issue.id.parse::<u64>() else {
            let reason = format!("id {:?} is not a Jira issue id", &*issue.id);
            odd.issues.push((name, reason));
            return None;
        };
        let Some(fields) = issue.fields else {
            odd.issues.push((name, "it came without its fields".into()));
            return None;
        };
        if let Some(what) = issue.odd_points {
            odd.points.push(format!("{} ({what})", issue.key));
        }
        let updated = fields.updated;
        let url = &self.settings.url;
        let ticket = map::ticket(&self.name, url, issue.points, id, issue.key, fields);
        Some((ticket, updated))
    }

    /// The status, assignee and priority changes of `ids`, by issue id, in no set order;
    /// an issue whose changelog does not read is noted in `odd` and has none.
    pub(super) async fn changelogs(
        &mut self,
        ids: &[u64],
        odd: &mut Vec<(String, String)>,
    ) -> Result<HashMap<u64, Log>, SourceError> {
        let mut out: HashMap<u64, Log> = HashMap::new();
        for chunk in ids.chunks(CHANGELOG_ISSUES) {
            let mut token: Option<String> = None;
            loop {
                let request = dto::BulkFetch {
                    issue_ids_or_keys: chunk,
                    field_ids: ["status", "assignee", "priority"],
                    max_results: 1000,
                    next_page_token: token.as_deref(),
                };
                let body = self
                    .post_body("/rest/api/3/changelog/bulkfetch", &request)
                    .await?;
                let page = changelog_page(&body)?;
                for log in page.issue_change_logs.0 {
                    let log = match log {
                        Ok(l) => l,
                        Err(u) => {
                            odd.push((u.name_or("?").to_string(), u.reason));
                            continue;
                        }
                    };
                    let Ok(id) = log.issue_id.parse::<u64>() else {
                        let reason = "it is not a Jira issue id".to_string();
                        odd.push((log.issue_id.to_string(), reason));
                        continue;
                    };
                    let into = out.entry(id).or_default();
                    map::history(
                        &self.source,
                        id,
                        log.change_histories,
                        &mut self.strings,
                        &mut into.transitions,
                        &mut into.moves,
                    );
                }
                token = page.next_page_token;
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// A changelog page, in one pass when every issue's history reads (see `WholeChangelogPage`);
/// otherwise issue by issue, so that one odd history costs only its issue.
fn changelog_page(body: &Body) -> Result<dto::ChangelogPage<'_>, HttpError> {
    match lenient::strictly::<dto::WholeChangelogPage>(body.bytes()) {
        Some(whole) => Ok(whole.into()),
        None => body.parse(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_and_odd(page: dto::ChangelogPage<'_>) -> (Vec<String>, Vec<String>) {
        let (good, bad) = page.issue_change_logs.split();
        (
            good.iter().map(|l| l.issue_id.to_string()).collect(),
            bad.into_iter()
                .map(|u| u.name_or("?").to_string())
                .collect(),
        )
    }

    const HISTORY: &str = r#"{"id":"5","created":"2024-01-31T09:15:00.000+0530","items":[{"field":"status","fieldtype":"jira","from":"1","fromString":"To Do","to":"3","toString":"In Progress"}]}"#;

    #[test]
    fn a_changelog_page_reads_whole_or_issue_by_issue_alike() {
        let good = format!(r#"{{"issueId":"10","changeHistories":[{HISTORY}]}}"#);
        let odd = r#"{"issueId":"11","changeHistories":{"not":"a list"}}"#;
        let whole = format!(r#"{{"issueChangeLogs":[{good},{good}],"nextPageToken":"t"}}"#);
        let body = Body::of("https://x/rest/api/3/changelog/bulkfetch", whole.as_bytes());
        assert!(
            lenient::strictly::<dto::WholeChangelogPage>(body.bytes()).is_some(),
            "a page whose histories all read is read in one pass"
        );
        let page = changelog_page(&body).expect("reads");
        assert_eq!(page.next_page_token.as_deref(), Some("t"));
        assert_eq!(
            page.issue_change_logs.0[0]
                .as_ref()
                .map(|l| l.change_histories.len())
                .ok(),
            Some(1)
        );
        assert_eq!(ids_and_odd(page), (vec!["10".into(), "10".into()], vec![]));

        let mixed = format!(r#"{{"issueChangeLogs":[{good},{odd},{good}]}}"#);
        let body = Body::of("https://x/rest/api/3/changelog/bulkfetch", mixed.as_bytes());
        let page = changelog_page(&body).expect("one odd history does not fail the page");
        assert_eq!(page.next_page_token, None);
        assert_eq!(
            ids_and_odd(page),
            (vec!["10".into(), "10".into()], vec!["11".into()])
        );

        let body = Body::of(
            "https://x/rest/api/3/changelog/bulkfetch",
            b"<html>busy</html>",
        );
        assert!(
            changelog_page(&body).is_err(),
            "not JSON at all fails the page"
        );
    }
}
