#![allow(dead_code)]
//! A GitLab-shaped server on 127.0.0.1 (API v4 as documented, where it matters to lookout):
//! project and group issue lists ordered by `updated_at` or `created_at` with inclusive
//! `updated_after`/`created_after`, offset pages announced by `x-next-page` (empty on the
//! last), totals only when asked for and never above 10,000 results, per-issue state and
//! label events, members, labels, and the writes lookout makes. Answers can be scripted
//! ahead (a 429, a 500, broken JSON) and every request is kept for the test to read.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::routed::{self, Reply, Request};

/// lookout's settings for this server: `projects`, the token read from `CARGO_PKG_NAME`
/// (which cargo sets to `lookout` for tests and benches, the token the fake takes), no
/// scoped labels, a sweep at most hourly.
pub fn settings(url: &str, projects: &[&str]) -> lookout::sources::gitlab::Settings {
    lookout::sources::gitlab::Settings {
        url: url.to_string(),
        token_env: "CARGO_PKG_NAME".into(),
        auth: lookout::sources::gitlab::Auth::PrivateToken,
        projects: projects.iter().map(|p| p.to_string()).collect(),
        groups: vec![],
        status_scope: None,
        priority_scope: None,
        status_categories: vec![],
        not_delivered: vec![],
        sweep_every: std::time::Duration::from_secs(3600),
    }
}

/// A sync to its end, batch after batch as the sync loop runs it, gathered into one set.
pub async fn sync_to_end(
    src: &mut lookout::sources::gitlab::GitLabSource,
    cursor: Option<String>,
) -> lookout::domain::ChangeSet {
    use lookout::sources::Source;
    let mut cursor = cursor;
    let mut all = lookout::domain::ChangeSet::new("gl");
    loop {
        let batch = src.fetch(cursor.clone(), Utc::now()).await.expect("sync");
        cursor = batch.cursor.clone();
        all.projects.extend(batch.projects);
        all.members.extend(batch.members);
        all.tickets.extend(batch.tickets);
        all.transitions.extend(batch.transitions);
        all.warnings.extend(batch.warnings);
        all.sweep = batch.sweep.or(all.sweep);
        all.cursor = cursor.clone();
        if !batch.more {
            return all;
        }
    }
}

/// The value cargo gives `CARGO_PKG_NAME`, so tests name that variable as `token_env`.
pub const TOKEN: &str = "lookout";

#[derive(Debug, Clone)]
pub struct Issue {
    pub id: u64,
    pub iid: u64,
    /// Index into the projects.
    pub project: usize,
    pub title: String,
    pub closed: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub labels: Vec<String>,
    pub assignee: Option<(u64, String)>,
    /// (event id, when, "closed" | "reopened").
    pub states: Vec<(u64, DateTime<Utc>, &'static str)>,
    /// (event id, when, label, added).
    pub label_events: Vec<(u64, DateTime<Utc>, String, bool)>,
}

pub struct State {
    /// (id, path), paths under `grp/`.
    pub projects: Vec<(u64, String)>,
    pub issues: Vec<Issue>,
    /// Whether lists carry `x-total` and `x-total-pages` (GitLab drops them above 10,000).
    pub totals: bool,
    /// Headers every answer carries (rate-limit budgets).
    pub extra_headers: Vec<(String, String)>,
    /// Answers given instead, once each, to the next requests whose path contains the text.
    pub script: VecDeque<(String, Reply)>,
    pub log: Vec<Request>,
    pub members: Vec<(u64, String, String)>,
    pub labels: Vec<String>,
    /// Changes made to the issues as an issue list is asked for the n-th time (from 1):
    /// edits that land while a sync pages.
    pub edits: Vec<(usize, Edit)>,
    lists: usize,
    index: HashMap<(usize, u64), usize>,
}

/// A change to one issue, by id, made between two requests.
pub type Edit = fn(&mut Issue);

#[derive(Clone)]
pub struct FakeGitLab {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeGitLab {
    pub fn start(projects: &[&str], issues: Vec<Issue>) -> FakeGitLab {
        let state = Arc::new(Mutex::new(State {
            projects: projects
                .iter()
                .enumerate()
                .map(|(i, p)| (100 + i as u64, p.to_string()))
                .collect(),
            issues,
            totals: true,
            extra_headers: Vec::new(),
            script: VecDeque::new(),
            log: Vec::new(),
            members: vec![(5, "dana".into(), "Dana Scully".into())],
            labels: vec![
                "workflow::doing".into(),
                "workflow::review".into(),
                "priority::high".into(),
                "bug".into(),
            ],
            edits: Vec::new(),
            lists: 0,
            index: HashMap::new(),
        }));
        let shared = state.clone();
        let addr = routed::serve(Arc::new(move |r: Request| {
            let mut s = shared.lock().expect("fake GitLab state");
            answer(&mut s, r)
        }));
        FakeGitLab {
            url: format!("http://{addr}"),
            state,
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().expect("fake GitLab state"))
    }

    /// The next request whose path contains `path` gets `reply` instead.
    pub fn script(&self, path: &str, reply: Reply) {
        self.with(|s| s.script.push_back((path.to_string(), reply)));
    }

    pub fn requests(&self) -> Vec<Request> {
        self.with(|s| s.log.clone())
    }

    pub fn clear_log(&self) {
        self.with(|s| s.log.clear());
    }
}

pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn answer(s: &mut State, r: Request) -> Reply {
    s.log.push(r.clone());
    if let Some(i) = s
        .script
        .iter()
        .position(|(p, _)| r.path.contains(p.as_str()))
    {
        let (_, reply) = s.script.remove(i).expect("scripted answer");
        return reply;
    }
    let authorised = r.header("PRIVATE-TOKEN") == Some(TOKEN)
        || r.header("Authorization") == Some(&format!("Bearer {TOKEN}"));
    if !authorised {
        return Reply::raw(401, r#"{"message":"401 Unauthorized"}"#);
    }
    if r.path.ends_with("/issues") {
        s.lists += 1;
        let now = s.lists;
        let due: Vec<Edit> = s
            .edits
            .iter()
            .filter(|(n, _)| *n == now)
            .map(|(_, e)| *e)
            .collect();
        for edit in due {
            for issue in s.issues.iter_mut() {
                edit(issue);
            }
        }
    }
    let mut reply = route(s, &r);
    reply.headers.extend(s.extra_headers.iter().cloned());
    reply
}

fn route(s: &mut State, r: &Request) -> Reply {
    let Some(rest) = r.path.strip_prefix("/api/v4/") else {
        return not_found();
    };
    if let Some(rest) = rest.strip_prefix("groups/") {
        let (group, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let inside = |p: &str| p.starts_with(&format!("{group}/"));
        if !s.projects.iter().any(|(_, p)| inside(p)) {
            return not_found();
        }
        return match tail {
            "issues" => {
                let projects: Vec<usize> = (0..s.projects.len())
                    .filter(|i| inside(&s.projects[*i].1))
                    .collect();
                list_issues(s, r, &projects)
            }
            "projects" => {
                let all: Vec<Value> = s
                    .projects
                    .iter()
                    .filter(|(_, p)| inside(p))
                    .map(project_json)
                    .collect();
                paged(r, all, s.totals)
            }
            "members/all" => paged(r, members(s), s.totals),
            _ => not_found(),
        };
    }
    let Some(rest) = rest.strip_prefix("projects/") else {
        return not_found();
    };
    let found = s.projects.iter().position(|(id, path)| {
        [id.to_string(), path.clone()]
            .iter()
            .any(|k| rest == k || rest.starts_with(&format!("{k}/")))
    });
    let Some(p) = found else {
        return not_found();
    };
    let (id, path) = s.projects[p].clone();
    let tail = rest
        .strip_prefix(&path)
        .or_else(|| rest.strip_prefix(&id.to_string()))
        .unwrap_or("")
        .trim_start_matches('/')
        .to_string();
    let parts: Vec<&str> = tail.split('/').collect();
    match (r.method.as_str(), parts.as_slice()) {
        ("GET", [""]) => Reply::json(&project_json(&s.projects[p])),
        ("GET", ["issues"]) => list_issues(s, r, &[p]),
        ("GET", ["members", "all"]) => paged(r, members(s), s.totals),
        ("GET", ["events"]) => {
            // Only what lookout asks: issues reopened or closed, after a date (exclusive).
            // A project event is written a moment after the issue's own state event, and
            // has an id of its own, as on a real GitLab.
            let after = r
                .param("after")
                .first()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let action = r.param("action").join("");
            // (time, event id, issue): the JSON is built for the asked page only, so a large
            // list costs the benchmark's server little per page.
            let mut all: Vec<(DateTime<Utc>, u64, usize)> = Vec::new();
            if r.param("target_type") == ["issue"] && (action == "reopened" || action == "closed") {
                for (n, i) in s.issues.iter().enumerate().filter(|(_, i)| i.project == p) {
                    for (id, at, state) in &i.states {
                        let at = *at + Duration::milliseconds(3);
                        if *state == action && after.is_none_or(|d| at.date_naive() > d) {
                            all.push((at, *id, n));
                        }
                    }
                }
            }
            // Newest first, as GitLab lists events.
            all.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
            let (page, per_page) = paging(r);
            let items = all
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|&(at, id, n)| {
                    let i = &s.issues[n];
                    json!({ "id": 1_000_000_000 + id, "project_id": s.projects[p].0,
                            "action_name": action, "target_id": i.id,
                            "target_iid": i.iid, "target_type": "Issue",
                            "author_id": 5, "created_at": stamp(at) })
                })
                .collect();
            page_reply(items, page, per_page, all.len(), s.totals)
        }
        ("GET", ["labels"]) => {
            let search = r.param("search").join("");
            let all: Vec<Value> = s
                .labels
                .iter()
                .filter(|l| l.contains(&search))
                .map(|l| json!({ "id": l.len(), "name": l }))
                .collect();
            paged(r, all, s.totals)
        }
        (method, ["issues", iid, rest @ ..]) => {
            let iid: u64 = iid.parse().unwrap_or(0);
            let Some(i) = find(s, p, iid) else {
                return not_found();
            };
            match (method, rest) {
                ("GET", []) => Reply::json(&issue_json(s, &s.issues[i])),
                ("PUT", []) => {
                    edit(&mut s.issues[i], &r.json());
                    Reply::json(&issue_json(s, &s.issues[i]))
                }
                ("POST", ["notes"]) => Reply::raw(
                    201,
                    json!({ "id": 1, "body": r.json()["body"] }).to_string(),
                ),
                ("GET", ["resource_state_events"]) => {
                    let issue = &s.issues[i];
                    let all = issue
                        .states
                        .iter()
                        .map(|(id, at, state)| {
                            json!({ "id": id, "user": { "id": 5, "username": "dana", "name": "Dana" },
                                    "created_at": stamp(*at), "resource_type": "Issue",
                                    "resource_id": issue.id, "state": state })
                        })
                        .collect();
                    paged(r, all, s.totals)
                }
                ("GET", ["resource_label_events"]) => {
                    let issue = &s.issues[i];
                    let all = issue
                        .label_events
                        .iter()
                        .map(|(id, at, label, added)| {
                            json!({ "id": id, "user": { "id": 5, "username": "dana", "name": "Dana" },
                                    "created_at": stamp(*at), "resource_type": "Issue",
                                    "resource_id": issue.id,
                                    "label": { "id": 1, "name": label },
                                    "action": if *added { "add" } else { "remove" } })
                        })
                        .collect();
                    paged(r, all, s.totals)
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

/// The issue's index, through an index rebuilt whenever a test has changed the list.
fn find(s: &mut State, project: usize, iid: u64) -> Option<usize> {
    let hit = |s: &State, i: usize| {
        s.issues
            .get(i)
            .is_some_and(|x| x.project == project && x.iid == iid)
    };
    if let Some(&i) = s.index.get(&(project, iid))
        && hit(s, i)
    {
        return Some(i);
    }
    s.index = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, x)| ((x.project, x.iid), i))
        .collect();
    s.index.get(&(project, iid)).copied().filter(|i| hit(s, *i))
}

fn not_found() -> Reply {
    Reply::raw(404, r#"{"message":"404 Not found"}"#)
}

fn members(s: &State) -> Vec<Value> {
    s.members
        .iter()
        .map(|(id, user, name)| json!({ "id": id, "username": user, "name": name, "state": "active" }))
        .collect()
}

fn project_json((id, path): &(u64, String)) -> Value {
    let name = path.rsplit('/').next().unwrap_or(path);
    json!({
        "id": id, "name": name, "path": name, "path_with_namespace": path,
        "name_with_namespace": path, "description": format!("The {name} project"),
        "created_at": "2024-01-01T00:00:00.000Z", "web_url": format!("https://gitlab.example/{path}")
    })
}

fn issue_json(s: &State, i: &Issue) -> Value {
    let path = &s.projects[i.project].1;
    let assignees: Vec<Value> = i
        .assignee
        .iter()
        .map(|(id, name)| json!({ "id": id, "username": name.to_lowercase(), "name": name }))
        .collect();
    json!({
        "id": i.id, "iid": i.iid, "project_id": s.projects[i.project].0,
        "title": i.title, "description": "", "state": if i.closed { "closed" } else { "opened" },
        "created_at": stamp(i.created), "updated_at": stamp(i.updated),
        "closed_at": i.closed_at.map(stamp), "labels": i.labels,
        "assignees": assignees, "assignee": assignees.first(),
        "author": { "id": 5, "username": "dana", "name": "Dana" },
        "type": "ISSUE", "user_notes_count": 0, "weight": null,
        "time_stats": { "time_estimate": 7200, "total_time_spent": 0 },
        "references": { "short": format!("#{}", i.iid), "relative": format!("#{}", i.iid),
                        "full": format!("{path}#{}", i.iid) },
        "web_url": format!("https://gitlab.example/{path}/-/issues/{}", i.iid)
    })
}

/// A write as GitLab applies it.
fn edit(i: &mut Issue, body: &Value) {
    match body["state_event"].as_str() {
        Some("close") => i.closed = true,
        Some("reopen") => i.closed = false,
        _ => {}
    }
    if let Some(add) = body["add_labels"].as_str() {
        for label in add.split(',') {
            // A scoped label replaces its scope's other value.
            if let Some((scope, _)) = label.rsplit_once("::") {
                i.labels.retain(|l| !l.starts_with(&format!("{scope}::")));
            }
            i.labels.push(label.to_string());
        }
    }
    if let Some(ids) = body["assignee_ids"].as_array() {
        i.assignee = ids
            .first()
            .and_then(Value::as_u64)
            .filter(|id| *id != 0)
            .map(|id| (id, "Dana Scully".to_string()));
    }
    i.updated += Duration::seconds(1);
}

fn list_issues(s: &State, r: &Request, projects: &[usize]) -> Reply {
    let by_created = r.param("order_by") == ["created_at"];
    let after = |name: &str| r.param(name).first().and_then(|v| parse_time(v));
    let (updated_after, created_after) = (after("updated_after"), after("created_after"));
    let mut chosen: Vec<&Issue> = s
        .issues
        .iter()
        .filter(|i| projects.contains(&i.project))
        .filter(|i| updated_after.is_none_or(|t| i.updated >= t))
        .filter(|i| created_after.is_none_or(|t| i.created >= t))
        .collect();
    if by_created {
        chosen.sort_by_key(|i| (i.created, i.id));
    } else {
        chosen.sort_by_key(|i| (i.updated, i.id));
    }
    if r.param("sort") == ["desc"] {
        chosen.reverse();
    }
    let (page, per_page) = paging(r);
    let total = chosen.len();
    let items: Vec<Value> = chosen
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|i| issue_json(s, i))
        .collect();
    page_reply(items, page, per_page, total, s.totals)
}

fn paging(r: &Request) -> (usize, usize) {
    let num = |name: &str, default: usize| {
        r.param(name)
            .first()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (num("page", 1).max(1), num("per_page", 20).clamp(1, 100))
}

fn paged(r: &Request, all: Vec<Value>, totals: bool) -> Reply {
    let (page, per_page) = paging(r);
    let total = all.len();
    let items = all
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    page_reply(items, page, per_page, total, totals)
}

fn page_reply(
    items: Vec<Value>,
    page: usize,
    per_page: usize,
    total: usize,
    totals: bool,
) -> Reply {
    let more = page * per_page < total;
    let mut reply = Reply::json(&Value::Array(items))
        .with_header("x-page", &page.to_string())
        .with_header("x-per-page", &per_page.to_string())
        .with_header(
            "x-next-page",
            &if more {
                (page + 1).to_string()
            } else {
                String::new()
            },
        )
        .with_header(
            "x-prev-page",
            &if page > 1 {
                (page - 1).to_string()
            } else {
                String::new()
            },
        );
    if totals && total <= 10_000 {
        reply = reply
            .with_header("x-total", &total.to_string())
            .with_header("x-total-pages", &total.div_ceil(per_page).to_string());
    }
    reply
}

/// `n` issues over the projects, created a minute apart from `start` and updated two hours
/// after; each third closed by a state event, each ninth closed, reopened and closed again.
pub fn generate(n: u64, projects: usize, start: DateTime<Utc>) -> Vec<Issue> {
    let mut event = 0u64;
    let mut per_project: HashMap<usize, u64> = HashMap::new();
    (1..=n)
        .map(|id| {
            let project = (id as usize) % projects;
            let iid = {
                let c = per_project.entry(project).or_default();
                *c += 1;
                *c
            };
            let created = start + Duration::minutes(id as i64);
            let updated = created + Duration::hours(2);
            let closed = id % 3 == 0;
            let mut states = Vec::new();
            if closed {
                event += 1;
                states.push((event, created + Duration::hours(1), "closed"));
                if id % 9 == 0 {
                    event += 1;
                    states.push((event, created + Duration::minutes(80), "reopened"));
                    event += 1;
                    states.push((event, created + Duration::minutes(100), "closed"));
                }
            }
            Issue {
                id,
                iid,
                project,
                title: format!("Issue {id}"),
                closed,
                created,
                updated,
                closed_at: states.last().map(|s| s.1),
                labels: vec!["bug".into()],
                assignee: (id % 2 == 0).then(|| (5, "Dana Scully".to_string())),
                states,
                label_events: Vec::new(),
            }
        })
        .collect()
}
