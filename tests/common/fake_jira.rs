#![allow(dead_code)]
//! A Jira Cloud stand-in that follows the documented REST v3 shapes lookout uses: search by
//! JQL with `nextPageToken`, bulk changelogs, fields, statuses, projects, assignable users, and
//! the write endpoints; Basic auth; times written in the user's zone; injectable faults.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::routed::{Reply, Request, serve};

#[path = "fake_jira/moves.rs"]
pub mod moves;
#[path = "fake_jira/worklogs.rs"]
pub mod worklogs;
pub use moves::{Move, global_moves};
pub use worklogs::Worklog;

pub const EMAIL: &str = "bot@example.com";
/// The value cargo gives `CARGO_PKG_NAME` while it runs tests and benches.
pub const TOKEN: &str = env!("CARGO_PKG_NAME");
/// Not the usual id, so a connector that hard-codes `customfield_10016` fails.
pub const POINTS_FIELD: &str = "customfield_10999";

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub id: u64,
    pub key: String,
    pub project: String,
    pub summary: String,
    pub status: String,
    pub assignee: Option<(String, String)>,
    pub priority: String,
    pub labels: Vec<String>,
    pub points: Option<f64>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub resolution: Option<String>,
    pub history: Vec<Change>,
}

pub fn category(status: &str) -> &'static str {
    match status {
        "Done" | "Closed" => "done",
        "To Do" | "Backlog" => "new",
        _ => "indeterminate",
    }
}

/// The workflow's statuses as `/rest/api/3/status` lists them: (id, name).
pub fn workflow() -> Vec<(String, String)> {
    let listed = [
        ("1", "To Do"),
        ("3", "In Progress"),
        ("10001", "In Review"),
        ("10002", "Done"),
    ];
    listed.map(|(id, name)| (id.into(), name.into())).to_vec()
}

#[derive(Default)]
pub struct State {
    /// The workflow's transitions (`global_moves` unless a test sets another).
    pub moves: Vec<Move>,
    pub worklogs: Vec<Worklog>,
    /// Changed worklog ids per page of `worklog/updated`.
    pub worklog_page: usize,
    /// Worklogs per page of `issue/{id}/worklog`, whatever the request asks.
    pub worklog_issue_page: usize,
    /// Every worklog body sent, in order: id and comment.
    pub served: Vec<(u64, String)>,
    /// By id.
    pub issues: BTreeMap<u64, Issue>,
    /// (path, reply) served once each, in order, before the normal answer.
    pub faults: VecDeque<(String, Reply)>,
    /// Search pages served before every further search request hangs (a stuck network).
    pub hang_after_searches: Option<usize>,
    pub searches: usize,
    /// Every request: method, path and JSON body.
    pub log: Vec<(String, String, Value)>,
    pub comments: Vec<(u64, Value)>,
    /// Histories per changelog page.
    pub changelog_page: usize,
    /// The last search's JQL and its hits in order, so paging a big result is cheap.
    pub hits: Option<(String, Vec<u64>)>,
    /// The statuses `/rest/api/3/status` lists: (id, name).
    pub statuses: Vec<(String, String)>,
    /// Status names changelogs use, with the ids they carry: the workflow's, and names a
    /// status had before a rename or that a retired status had.
    pub status_ids: BTreeMap<String, String>,
    /// Resolution dates where they differ from the last update.
    pub resolved_at: BTreeMap<u64, DateTime<Utc>>,
    /// Per issue, fields replaced in what the search sends (`null` removes one): odd data.
    pub odd_fields: BTreeMap<u64, Value>,
}

#[derive(Clone)]
pub struct FakeJira {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
}

fn time(t: DateTime<Utc>, zone: FixedOffset) -> String {
    t.with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%.3f%z")
        .to_string()
}

fn basic(user: &str, pass: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = format!("{user}:{pass}").into_bytes();
    let mut out = String::new();
    for chunk in raw.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

impl FakeJira {
    pub fn start(issues: Vec<Issue>, zone: FixedOffset) -> FakeJira {
        let state = Arc::new(Mutex::new(State {
            issues: issues.into_iter().map(|i| (i.id, i)).collect(),
            changelog_page: 1000,
            worklog_page: 1000,
            worklog_issue_page: 5000,
            status_ids: workflow()
                .into_iter()
                .map(|(id, name)| (name, id))
                .collect(),
            statuses: workflow(),
            moves: global_moves(),
            ..State::default()
        }));
        let s = state.clone();
        let addr = serve(Arc::new(move |r| handle(&s, zone, r)));
        FakeJira { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.lock().expect("fake state");
        s.hits = None;
        f(&mut s)
    }

    pub fn requests(&self, path: &str) -> Vec<Value> {
        self.with(|s| {
            s.log
                .iter()
                .filter(|(_, p, _)| p == path)
                .map(|(_, _, b)| b.clone())
                .collect()
        })
    }
}

/// `n` issues over `projects`, spread over a year, each with a few status moves.
pub fn generate(n: u64, projects: &[&str], start: DateTime<Utc>) -> Vec<Issue> {
    generate_with(n, projects, start, |_| 0)
}

/// `generate`, with `priority_moves(i)` priority changes added to issue `i`.
pub fn generate_with(
    n: u64,
    projects: &[&str],
    start: DateTime<Utc>,
    priority_moves: impl Fn(u64) -> u64,
) -> Vec<Issue> {
    let flow = ["To Do", "In Progress", "In Review", "Done"];
    (1..=n)
        .map(|i| {
            let project = projects[(i as usize) % projects.len()];
            let created = start + chrono::Duration::minutes((i * 53) as i64 % 500_000);
            let steps = (i % 4) as usize;
            let mut history = Vec::new();
            let mut at = created;
            for s in 0..steps {
                at += chrono::Duration::hours(5 + (i % 17) as i64 * (s as i64 + 1));
                history.push(Change {
                    at,
                    field: "status",
                    from: Some(flow[s].to_string()),
                    to: Some(flow[s + 1].to_string()),
                });
            }
            for m in 0..priority_moves(i) {
                history.push(Change {
                    at: created + chrono::Duration::minutes(30 + m as i64),
                    field: "priority",
                    from: Some("Medium".into()),
                    to: Some("High".into()),
                });
            }
            if i % 3 == 0 {
                history.push(Change {
                    at: created + chrono::Duration::minutes(7),
                    field: "assignee",
                    from: None,
                    to: Some(format!("Person {}", i % 5)),
                });
            }
            history.sort_by_key(|c| c.at);
            let status = flow[steps].to_string();
            Issue {
                id: 10_000 + i,
                key: format!("{project}-{i}"),
                project: project.to_string(),
                summary: format!("Issue {i}"),
                resolution: (steps == 3).then(|| "Done".to_string()),
                status,
                assignee: (i % 3 == 0)
                    .then(|| (format!("acc-{}", i % 5), format!("Person {}", i % 5))),
                priority: ["Low", "Medium", "High"][(i % 3) as usize].to_string(),
                labels: if i % 2 == 0 {
                    vec!["backend".into()]
                } else {
                    vec![]
                },
                points: (i % 4 != 0).then_some((i % 8) as f64),
                created,
                updated: history.last().map_or(created, |c| c.at),
                history,
            }
        })
        .collect()
}

fn issue_json(s: &State, i: &Issue, zone: FixedOffset, only_id: bool) -> Value {
    if only_id {
        return json!({ "id": i.id.to_string() });
    }
    let resolved = s.resolved_at.get(&i.id).copied().unwrap_or(i.updated);
    let mut issue = json!({
        "id": i.id.to_string(),
        "key": i.key,
        "fields": {
            "summary": i.summary,
            "status": { "name": i.status, "statusCategory": { "key": category(&i.status) } },
            "assignee": i.assignee.as_ref().map(|(id, name)| json!({
                "accountId": id, "displayName": name, "accountType": "atlassian"
            })),
            "priority": { "name": i.priority },
            "labels": i.labels,
            "created": time(i.created, zone),
            "updated": time(i.updated, zone),
            "resolution": i.resolution.as_ref().map(|r| json!({ "name": r })),
            "resolutiondate": i.resolution.as_ref().map(|_| time(resolved, zone)),
            "project": { "key": i.project, "name": format!("{} project", i.project) },
            POINTS_FIELD: i.points,
        }
    });
    let odd = s.odd_fields.get(&i.id).and_then(Value::as_object);
    if let (Some(odd), Some(fields)) = (odd, issue["fields"].as_object_mut()) {
        for (k, v) in odd {
            match v {
                Value::Null => fields.remove(k),
                v => fields.insert(k.clone(), v.clone()),
            };
        }
    }
    issue
}

/// The JQL lookout sends: `project in (...)`, `id in (...)`, `updated >= "yyyy/MM/dd HH:mm"`
/// in the user's zone.
fn matches(jql: &str, i: &Issue, zone: FixedOffset) -> bool {
    if let Some(rest) = jql.split("id in (").nth(1) {
        let list = rest.split(')').next().unwrap_or("");
        if !list.split(',').any(|k| k.trim() == i.id.to_string()) {
            return false;
        }
    }
    if let Some(rest) = jql.split("project in (").nth(1) {
        let list = rest.split(')').next().unwrap_or("");
        if !list
            .split(',')
            .any(|k| k.trim().trim_matches('"') == i.project)
        {
            return false;
        }
    }
    if let Some(rest) = jql.split("updated >= \"").nth(1) {
        let text = rest.split('"').next().unwrap_or("");
        let Ok(local) = NaiveDateTime::parse_from_str(text, "%Y/%m/%d %H:%M") else {
            return false;
        };
        let Some(from) = zone.from_local_datetime(&local).single() else {
            return false;
        };
        return i.updated >= from.with_timezone(&Utc);
    }
    true
}

fn handle(state: &Arc<Mutex<State>>, zone: FixedOffset, r: Request) -> Reply {
    let mut hang = false;
    {
        let Ok(mut s) = state.lock() else {
            return Reply::raw(500, "poisoned");
        };
        s.log.push((r.method.clone(), r.path.clone(), r.json()));
        if r.header("authorization") != Some(basic(EMAIL, TOKEN).as_str()) {
            return Reply::raw(401, r#"{"errorMessages":["Client must be authenticated"]}"#);
        }
        let fault = s
            .faults
            .iter()
            .position(|(p, _)| r.path.starts_with(p.as_str()));
        if let Some((_, reply)) = fault.and_then(|i| s.faults.remove(i)) {
            return reply;
        }
        if r.path == "/rest/api/3/search/jql" {
            s.searches += 1;
            hang = s.hang_after_searches.is_some_and(|h| s.searches > h);
        }
    }
    if hang {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
    let Ok(mut s) = state.lock() else {
        return Reply::raw(500, "poisoned");
    };
    let body = r.json();
    match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/rest/api/3/field") => Reply::json(&json!([
            { "id": "summary", "name": "Summary", "custom": false, "schema": { "type": "string" } },
            { "id": "customfield_10016", "name": "Story point estimate", "custom": true,
              "schema": { "type": "string" } },
            { "id": POINTS_FIELD, "name": "Story Points", "custom": true, "schema": { "type": "number" } },
        ])),
        ("GET", "/rest/api/3/status") => Reply::json(&Value::Array(
            s.statuses
                .iter()
                .map(|(id, n)| {
                    json!({
                        "id": id, "name": n, "untranslatedName": n,
                        "statusCategory": { "id": 2, "key": category(n), "name": category(n) }
                    })
                })
                .collect(),
        )),
        ("GET", "/rest/api/3/project/search") => {
            let mut keys: Vec<&String> = s.issues.values().map(|i| &i.project).collect();
            keys.sort();
            keys.dedup();
            let wanted = r.param("keys");
            let values: Vec<Value> = keys
                .into_iter()
                .filter(|k| wanted.is_empty() || wanted.contains(&k.as_str()))
                .map(|k| json!({ "key": k, "name": format!("{k} project"), "description": "" }))
                .collect();
            Reply::json(&json!({ "values": values, "isLast": true }))
        }
        ("GET", "/rest/api/3/user/assignable/search") => {
            let project = r
                .param("project")
                .first()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let mut users: Vec<(String, String)> = s
                .issues
                .values()
                .filter(|i| i.project == project)
                .filter_map(|i| i.assignee.clone())
                .collect();
            users.sort();
            users.dedup();
            let start: usize = r
                .param("startAt")
                .first()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let page: Vec<Value> = users
                .iter()
                .skip(start)
                .take(100)
                .map(|(id, name)| json!({ "accountId": id, "displayName": name, "accountType": "atlassian" }))
                .collect();
            Reply::json(&Value::Array(page))
        }
        ("POST", "/rest/api/3/search/jql") => {
            let jql = body["jql"].as_str().unwrap_or("");
            let only_id = body["fields"] == json!(["id"]);
            let max = body["maxResults"].as_u64().unwrap_or(50) as usize;
            let start: usize = body["nextPageToken"]
                .as_str()
                .and_then(|t| t.strip_prefix("p").and_then(|n| n.parse().ok()))
                .unwrap_or(0);
            if s.hits.as_ref().is_none_or(|h| h.0 != jql) {
                let mut hits: Vec<&Issue> = s
                    .issues
                    .values()
                    .filter(|i| matches(jql, i, zone))
                    .collect();
                hits.sort_by_key(|i| (i.updated, i.id));
                let ids = hits.iter().map(|i| i.id).collect();
                s.hits = Some((jql.to_string(), ids));
            }
            let ids: &[u64] = s.hits.as_ref().map_or(&[], |h| &h.1);
            let mut page: Vec<Value> = ids
                .iter()
                .skip(start)
                .take(max)
                .filter_map(|id| s.issues.get(id))
                .map(|i| issue_json(&s, i, zone, only_id))
                .collect();
            let end = start + page.len();
            let last = end >= ids.len();
            let with_worklogs = body["fields"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "worklog"));
            if with_worklogs {
                for issue in &mut page {
                    let id = issue["id"].as_str().and_then(|i| i.parse().ok());
                    if let Some(id) = id {
                        issue["fields"]["worklog"] = worklogs::inline(&mut s, id, zone);
                    }
                }
            }
            let mut out = json!({ "issues": page, "isLast": last });
            if !last {
                out["nextPageToken"] = json!(format!("p{end}"));
            }
            Reply::json(&out)
        }
        ("GET", "/rest/api/3/worklog/updated") => worklogs::updated(&s, &r),
        ("POST", "/rest/api/3/worklog/list") => worklogs::list(&mut s, &body, zone),
        ("POST", "/rest/api/3/changelog/bulkfetch") => {
            let ids: Vec<u64> = body["issueIdsOrKeys"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()?.parse().ok()).collect())
                .unwrap_or_default();
            let per_page = s.changelog_page;
            let start: usize = body["nextPageToken"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let all: Vec<(u64, &Change)> = ids
                .iter()
                .filter_map(|id| s.issues.get(id))
                .flat_map(|i| i.history.iter().map(move |c| (i.id, c)))
                .collect();
            let mut grouped: Vec<Value> = Vec::new();
            for (id, c) in all.iter().skip(start).take(per_page) {
                // Jira's items carry the ids behind the names: status ids for statuses.
                let id_of = |name: &Option<String>| match c.field {
                    "status" => name.as_ref().and_then(|n| s.status_ids.get(n)).cloned(),
                    _ => name.clone(),
                };
                let history = json!({
                    "id": "1",
                    "created": c.at.timestamp_millis(),
                    "items": [{
                        "field": c.field, "fieldtype": "jira", "fieldId": c.field,
                        "from": id_of(&c.from), "fromString": c.from,
                        "to": id_of(&c.to), "toString": c.to,
                    }]
                });
                match grouped.last_mut() {
                    Some(g) if g["issueId"].as_str() == Some(id.to_string().as_str()) => {
                        if let Some(h) = g["changeHistories"].as_array_mut() {
                            h.push(history);
                        }
                    }
                    _ => grouped
                        .push(json!({ "issueId": id.to_string(), "changeHistories": [history] })),
                }
            }
            let end = start + per_page;
            let mut out = json!({ "issueChangeLogs": grouped });
            if end < all.len() {
                out["nextPageToken"] = json!(end.to_string());
            }
            Reply::json(&out)
        }
        (method, path) if path.starts_with("/rest/api/3/issue/") => {
            let rest = &path["/rest/api/3/issue/".len()..];
            let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
            let Some(id) = id
                .parse::<u64>()
                .ok()
                .filter(|id| s.issues.contains_key(id))
            else {
                return Reply::raw(404, r#"{"errorMessages":["Issue does not exist"]}"#);
            };
            let now = Utc::now();
            s.hits = None;
            match (method, tail) {
                ("PUT", "assignee") => {
                    // `null` unassigns, as Jira documents.
                    let acc = body["accountId"].as_str().map(str::to_string);
                    if let Some(i) = s.issues.get_mut(&id) {
                        i.assignee = acc.map(|a| (a.clone(), format!("User {a}")));
                        i.updated = now;
                    }
                    Reply::raw(204, "")
                }
                ("GET", "") => {
                    let i = &s.issues[&id];
                    Reply::json(&json!({ "id": id.to_string(), "key": i.key, "fields": {
                        "status": { "name": i.status },
                        "assignee": i.assignee.as_ref().map(|(acc, name)| {
                            json!({ "accountId": acc, "displayName": name })
                        }),
                        "priority": { "name": i.priority },
                    }}))
                }
                ("GET", "worklog") => worklogs::of_issue(&mut s, id, &r, zone),
                ("GET", "transitions") => moves::list(&s, &r, id),
                ("POST", "transitions") => moves::make(&mut s, id, &body, now),
                ("PUT", "") => {
                    if let Some(i) = s.issues.get_mut(&id) {
                        if let Some(p) = body["fields"]["priority"]["name"].as_str() {
                            i.priority = p.to_string();
                        }
                        if let Some(ops) = body["update"]["labels"].as_array() {
                            for op in ops {
                                if let Some(l) = op["add"].as_str() {
                                    i.labels.push(l.to_string());
                                }
                            }
                        }
                        i.updated = now;
                    }
                    Reply::raw(204, "")
                }
                ("POST", "comment") => {
                    s.comments.push((id, body["body"].clone()));
                    Reply::raw(201, r#"{"id":"1"}"#)
                }
                _ => Reply::raw(405, "{}"),
            }
        }
        _ => Reply::raw(404, r#"{"errorMessages":["not found"]}"#),
    }
}
