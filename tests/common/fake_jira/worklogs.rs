//! The stand-in's worklogs, served every way Jira serves them: the site-wide feed of changed
//! ids (`worklog/updated`) and bodies by id (`worklog/list`), inline in a search's `worklog`
//! field (the first twenty, with the total), and per issue (`issue/{id}/worklog`, paged).
//!
//! Every worklog body it sends is recorded in `State::served`, so a test can tell which
//! comments left the site. Logging time updates the issue, as it does on Jira.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

use super::{Reply, Request, State, time};

/// Worklogs a search sends inline per issue, as Jira Cloud does.
pub const INLINE: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Worklog {
    pub id: u64,
    pub issue: u64,
    pub started: DateTime<Utc>,
    pub seconds: u64,
    pub author: String,
    pub comment: String,
    pub updated: DateTime<Utc>,
}

impl State {
    /// Time logged (or a worklog edited) at `w.updated`: the worklog, and its issue updated
    /// then, which is what makes a search since a cursor find it.
    pub fn log_work(&mut self, w: Worklog) {
        if let Some(i) = self.issues.get_mut(&w.issue) {
            i.updated = i.updated.max(w.updated);
        }
        self.hits = None;
        self.worklogs.retain(|o| o.id != w.id);
        self.worklogs.push(w);
    }

    /// The worklogs of `issue`, oldest first, as Jira lists them.
    fn of_issue(&self, issue: u64) -> Vec<&Worklog> {
        let mut logs: Vec<&Worklog> = self.worklogs.iter().filter(|w| w.issue == issue).collect();
        logs.sort_by_key(|w| (w.started, w.id));
        logs
    }
}

/// Worklogs as Jira's REST v3 writes them, recorded as served.
fn bodies(s: &mut State, logs: &[Worklog], zone: FixedOffset) -> Vec<Value> {
    s.served
        .extend(logs.iter().map(|w| (w.id, w.comment.clone())));
    logs.iter().map(|w| body(w, zone)).collect()
}

fn body(w: &Worklog, zone: FixedOffset) -> Value {
    json!({
        "id": w.id.to_string(),
        "issueId": w.issue.to_string(),
        "author": { "accountId": "a", "displayName": w.author },
        "started": time(w.started, zone),
        "updated": time(w.updated, zone),
        "timeSpentSeconds": w.seconds,
        "comment": { "type": "doc", "version": 1, "content": [
            { "type": "paragraph", "content": [ { "type": "text", "text": w.comment } ] }
        ]},
    })
}

/// A page of an issue's worklogs: `{startAt, maxResults, total, worklogs}`.
fn page(s: &mut State, issue: u64, start: usize, max: usize, zone: FixedOffset) -> Value {
    let logs = s.of_issue(issue);
    let total = logs.len();
    let shown: Vec<Worklog> = logs.into_iter().skip(start).take(max).cloned().collect();
    let shown = bodies(s, &shown, zone);
    json!({ "startAt": start, "maxResults": max, "total": total, "worklogs": shown })
}

/// The `worklog` field of issue `issue` in a search that asked for it.
pub fn inline(s: &mut State, issue: u64, zone: FixedOffset) -> Value {
    page(s, issue, 0, INLINE, zone)
}

/// `GET /rest/api/3/issue/{id}/worklog?startAt=..&maxResults=..`, at most
/// `State::worklog_issue_page` a page whatever is asked.
pub fn of_issue(s: &mut State, issue: u64, r: &Request, zone: FixedOffset) -> Reply {
    let number = |name: &str, default: usize| {
        r.param(name)
            .first()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let max = number("maxResults", 5000).min(s.worklog_issue_page);
    Reply::json(&page(s, issue, number("startAt", 0), max, zone))
}

/// `GET /rest/api/3/worklog/updated?since=..`: ids of worklogs changed since, site-wide.
pub fn updated(s: &State, r: &Request) -> Reply {
    let since: i64 = r
        .param("since")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut changed: Vec<&Worklog> = s
        .worklogs
        .iter()
        .filter(|w| w.updated.timestamp_millis() >= since)
        .collect();
    changed.sort_by_key(|w| (w.updated, w.id));
    let page: Vec<&&Worklog> = changed.iter().take(s.worklog_page).collect();
    let until = page
        .last()
        .map_or(since, |w| w.updated.timestamp_millis() + 1);
    Reply::json(&json!({
        "values": page.iter().map(|w| json!({
            "worklogId": w.id, "updatedTime": w.updated.timestamp_millis()
        })).collect::<Vec<_>>(),
        "since": since,
        "until": until,
        "lastPage": changed.len() <= s.worklog_page,
    }))
}

/// `POST /rest/api/3/worklog/list` with `{"ids": [...]}`: the bodies, whatever project.
pub fn list(s: &mut State, body: &Value, zone: FixedOffset) -> Reply {
    let ids: Vec<u64> = body["ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let wanted: Vec<Worklog> = s
        .worklogs
        .iter()
        .filter(|w| ids.contains(&w.id))
        .cloned()
        .collect();
    Reply::json(&Value::Array(bodies(s, &wanted, zone)))
}
