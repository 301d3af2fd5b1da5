#![allow(dead_code)]
//! A GitHub-shaped server on 127.0.0.1: issue listings paged by `Link` (to the
//! `/repositories/{id}/...` addresses GitHub itself uses, which a client cannot guess), pull
//! requests mixed in, `since` filtering, ETags with 304, issue events (per issue, and for the
//! whole repository newest first, paged by `Link`), a Project (v2) over `/graphql` (items by
//! cursor, the status field, Status-change events, the field's mutation, GraphQL's errors),
//! and whatever replies a test queues ahead of them (rate limits, failures).

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::routed::{self, Reply, Request};

#[derive(Debug, Clone)]
pub struct FakeEvent {
    pub kind: &'static str,
    pub at: i64,
    pub who: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FakeIssue {
    pub id: u64,
    pub number: u64,
    pub title: String,
    pub created: i64,
    pub updated: i64,
    /// When it was closed and why (`completed`, `not_planned`).
    pub closed: Option<(i64, &'static str)>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    pub pull_request: bool,
    pub events: Vec<FakeEvent>,
    /// Sent instead of the rendered issue (an odd record).
    pub raw: Option<String>,
}

impl FakeIssue {
    pub fn open(number: u64, created: i64) -> FakeIssue {
        FakeIssue {
            id: 1_000_000 + number,
            number,
            title: format!("Issue {number}"),
            created,
            updated: created,
            closed: None,
            assignee: None,
            labels: Vec::new(),
            pull_request: false,
            events: Vec::new(),
            raw: None,
        }
    }

    pub fn render(&self, repo: &str) -> String {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let user = |l: &String| json!({ "login": l, "id": 7, "type": "User" });
        let mut v = json!({
            "id": self.id,
            "node_id": "I_kwDO",
            "number": self.number,
            "title": self.title,
            "user": { "login": "reporter", "id": 1 },
            "state": if self.closed.is_some() { "closed" } else { "open" },
            "state_reason": self.closed.map(|c| c.1),
            "labels": self.labels.iter().map(|l| json!({ "id": 1, "name": l, "color": "ededed" })).collect::<Vec<_>>(),
            "assignee": self.assignee.as_ref().map(user),
            "assignees": self.assignee.iter().map(user).collect::<Vec<_>>(),
            "comments": 2,
            "created_at": stamp(self.created),
            "updated_at": stamp(self.updated),
            "closed_at": self.closed.map(|c| stamp(c.0)),
            "html_url": format!("https://github.com/{repo}/issues/{}", self.number),
            "body": "Steps to reproduce: open the app, press the button.",
        });
        if self.pull_request {
            v["pull_request"] = json!({ "url": "https://api.github.com/pulls/1" });
        }
        v.to_string()
    }
}

pub fn stamp(t: i64) -> String {
    Utc.timestamp_opt(t, 0)
        .single()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn parse_stamp(s: &str) -> Option<i64> {
    s.parse::<DateTime<Utc>>().ok().map(|t| t.timestamp())
}

#[derive(Default)]
pub struct State {
    /// Repository (`owner/name`) to its issues.
    pub repos: Vec<(String, Vec<FakeIssue>)>,
    pub assignees: Vec<String>,
    /// Every request, when `logging`.
    pub log: Vec<Request>,
    pub logging: bool,
    pub requests: usize,
    /// The repository-wide events list answers 422, as GitHub does past its paging limit.
    pub refuse_wide: bool,
    /// Replies sent, in order, before any route answers.
    pub queued: VecDeque<Reply>,
    /// Issue listing requests answered so far.
    pub listings: usize,
    /// Edits made just before the listing request of that number (from 1) is answered.
    edits: Vec<(usize, Edit)>,
    /// The Project (v2) `/graphql` serves, if any.
    pub board: Option<FakeBoard>,
    /// Per repository, issue number to its place in the list.
    index: Vec<std::collections::HashMap<u64, usize>>,
    /// Per repository, every event newest first: (place of its issue, place of the event).
    newest: Vec<Vec<(usize, usize)>>,
}

impl State {
    fn issue_mut(&mut self, repo: &str, number: u64) -> Option<&mut FakeIssue> {
        let r = self.repos.iter().position(|(r, _)| r == repo)?;
        let at = *self.index.get(r)?.get(&number)?;
        self.repos[r].1.get_mut(at)
    }

    /// Sorts each listing by update and indexes it by number.
    fn sort(&mut self) {
        for (_, issues) in &mut self.repos {
            issues.sort_by_key(|i| (i.updated, i.id));
        }
        self.index = self
            .repos
            .iter()
            .map(|(_, issues)| {
                issues
                    .iter()
                    .enumerate()
                    .map(|(k, i)| (i.number, k))
                    .collect()
            })
            .collect();
        self.newest = self
            .repos
            .iter()
            .map(|(_, issues)| {
                let mut all: Vec<(usize, usize)> = issues
                    .iter()
                    .enumerate()
                    .flat_map(|(k, i)| (0..i.events.len()).map(move |e| (k, e)))
                    .collect();
                // GitHub's ids grow with time: newest first is by time, then id, descending.
                all.sort_by_key(|&(k, e)| {
                    let i = &issues[k];
                    std::cmp::Reverse((i.events[e].at, event_id(i, e)))
                });
                all
            })
            .collect();
    }
}

/// An event's id: unique, and growing with the order of an issue's events.
pub fn event_id(issue: &FakeIssue, k: usize) -> u64 {
    issue.number * 1000 + k as u64 + 1
}

/// An event kind the fake sends with a time that does not read: an odd record.
pub const UNREADABLE_EVENT: &str = "unreadable";

/// An event as GitHub lists it for its issue; the repository-wide list adds the issue.
fn render_event(issue: &FakeIssue, k: usize) -> Value {
    let e = &issue.events[k];
    let mut v = json!({
        "id": event_id(issue, k), "event": e.kind, "created_at": stamp(e.at),
        "actor": { "login": "someone" }
    });
    if e.kind == UNREADABLE_EVENT {
        v["event"] = json!("labeled");
        v["created_at"] = json!("last Tuesday");
    }
    if let Some(w) = &e.who {
        v["assignee"] = json!({ "login": w });
    }
    if let Some(l) = &e.label {
        v["label"] = json!({ "name": l, "color": "ededed" });
    }
    v
}

/// A change to the repositories, made while lookout pages.
type Edit = Box<dyn FnOnce(&mut State) + Send>;

pub struct FakeGithub {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeGithub {
    pub fn start(repos: Vec<(String, Vec<FakeIssue>)>, logging: bool) -> FakeGithub {
        let mut state = State {
            repos,
            assignees: vec!["ana".into(), "bo".into()],
            logging,
            ..State::default()
        };
        state.sort();
        let state = Arc::new(Mutex::new(state));
        let base = Arc::new(Mutex::new(String::new()));
        let (held, at) = (state.clone(), base.clone());
        let addr = routed::serve(Arc::new(move |r: Request| {
            let base = at.lock().expect("base").clone();
            handle(&held, &base, r)
        }));
        let url = format!("http://{addr}");
        *base.lock().expect("base") = url.clone();
        FakeGithub { url, state }
    }

    pub fn queue(&self, reply: Reply) {
        self.state.lock().expect("state").queued.push_back(reply);
    }

    pub fn log(&self) -> Vec<Request> {
        self.state.lock().expect("state").log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().expect("state").log.clear();
    }

    /// Opens `issue` in `repo`.
    pub fn add(&self, repo: &str, issue: FakeIssue) {
        let mut s = self.state.lock().expect("state");
        if let Some((_, issues)) = s.repos.iter_mut().find(|(r, _)| r == repo) {
            issues.push(issue);
        }
        s.sort();
    }

    /// Changes issue `number` of `repo` with `change` just before the `n`th issue listing
    /// request (from 1) is answered: someone editing it while lookout pages.
    pub fn update_at_listing(
        &self,
        n: usize,
        repo: &str,
        number: u64,
        change: impl FnOnce(&mut FakeIssue) + Send + 'static,
    ) {
        let repo = repo.to_string();
        let edit: Edit = Box::new(move |s: &mut State| {
            if let Some(i) = s.issue_mut(&repo, number) {
                change(i);
            }
        });
        self.state.lock().expect("state").edits.push((n, edit));
    }

    /// Deletes issue `number` of `repo` just before the `n`th issue listing request (from 1)
    /// is answered.
    pub fn delete_at_listing(&self, n: usize, repo: &str, number: u64) {
        let repo = repo.to_string();
        let edit: Edit = Box::new(move |s: &mut State| {
            if let Some((_, issues)) = s.repos.iter_mut().find(|(r, _)| *r == repo) {
                issues.retain(|i| i.number != number);
            }
        });
        self.state.lock().expect("state").edits.push((n, edit));
    }

    /// Changes issue `number` of `repo` with `change`, then re-sorts the listing.
    pub fn update(&self, repo: &str, number: u64, change: impl FnOnce(&mut FakeIssue)) {
        let mut s = self.state.lock().expect("state");
        if let Some(i) = s.issue_mut(repo, number) {
            change(i);
        }
        s.sort();
    }
}

fn etag_of(body: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("W/\"{:x}\"", h.finish())
}

fn handle(state: &Mutex<State>, base: &str, r: Request) -> Reply {
    let mut s = state.lock().expect("state");
    s.requests += 1;
    if s.logging {
        s.log.push(r.clone());
    }
    if let Some(reply) = s.queued.pop_front() {
        return reply;
    }
    let parts: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let repo_of = |s: &State, owner: &str, name: &str| {
        let full = format!("{owner}/{name}");
        s.repos.iter().position(|(r, _)| *r == full)
    };
    let by_id = |id: &str| id.parse::<usize>().ok().and_then(|i| i.checked_sub(1));
    if r.method == "GET" && r.path.ends_with("/issues") {
        s.listings += 1;
        let n = s.listings;
        let (due, later) = std::mem::take(&mut s.edits)
            .into_iter()
            .partition::<Vec<_>, _>(|(at, _)| *at == n);
        s.edits = later;
        // Sorted again only after an edit: a benchmark's 100,000 issues are listed a
        // thousand times.
        if !due.is_empty() {
            for (_, edit) in due {
                edit(&mut s);
            }
            s.sort();
        }
    }
    match (r.method.as_str(), parts.as_slice()) {
        ("GET", ["repos", o, n]) => match repo_of(&s, o, n) {
            Some(_) => Reply::json(&json!({
                "id": 1, "full_name": format!("{o}/{n}"), "description": "The app",
                "created_at": "2024-01-01T00:00:00Z",
                "html_url": format!("https://github.com/{o}/{n}")
            })),
            None => Reply::raw(404, r#"{"message":"Not Found"}"#),
        },
        ("GET", ["repos", _, _, "assignees"]) => {
            let users: Vec<Value> = s.assignees.iter().map(|l| json!({ "login": l })).collect();
            Reply::json(&Value::Array(users))
        }
        ("GET", ["repos", o, n, "issues"]) => match repo_of(&s, o, n) {
            Some(i) => listing(&s, base, i, &r),
            None => Reply::raw(404, "{}"),
        },
        ("GET", ["repositories", id, "issues"]) => match by_id(id) {
            Some(i) if i < s.repos.len() => listing(&s, base, i, &r),
            _ => Reply::raw(404, "{}"),
        },
        ("GET", ["repos", o, n, "issues", num, "events"]) => {
            let repo = format!("{o}/{n}");
            let number: u64 = num.parse().unwrap_or(0);
            match s.issue_mut(&repo, number) {
                Some(i) => {
                    let events: Vec<Value> =
                        (0..i.events.len()).map(|k| render_event(i, k)).collect();
                    Reply::json(&Value::Array(events))
                }
                None => Reply::raw(404, "{}"),
            }
        }
        ("GET", ["repos", _, _, "issues", "events"]) if s.refuse_wide => Reply::raw(
            422,
            r#"{"message":"In order to keep the API fast for everyone, pagination is limited for this resource."}"#,
        ),
        ("GET", ["repos", o, n, "issues", "events"]) => match repo_of(&s, o, n) {
            Some(i) => repo_events(&s, base, i, &r),
            None => Reply::raw(404, "{}"),
        },
        ("GET", ["repositories", id, "issues", "events"]) => match by_id(id) {
            Some(i) if i < s.repos.len() => repo_events(&s, base, i, &r),
            _ => Reply::raw(404, "{}"),
        },
        ("GET", ["repos", o, n, "issues", num]) => {
            let repo = format!("{o}/{n}");
            let number: u64 = num.parse().unwrap_or(0);
            match s.issue_mut(&repo, number) {
                Some(i) => Reply::raw(200, i.render(&repo)),
                None => Reply::raw(404, "{}"),
            }
        }
        // The issue as GitHub answers it: with those asked for that may be assigned, and
        // silently without the others.
        ("POST", ["repos", o, n, "issues", num, "assignees"]) => {
            let repo = format!("{o}/{n}");
            let number: u64 = num.parse().unwrap_or(0);
            let wanted = r.json();
            let assignable = s.assignees.clone();
            match s.issue_mut(&repo, number) {
                Some(i) => {
                    let mut issue: Value =
                        serde_json::from_str(&i.render(&repo)).unwrap_or_default();
                    if let (Some(list), Some(asked)) = (
                        issue["assignees"].as_array_mut(),
                        wanted["assignees"].as_array(),
                    ) {
                        for login in asked.iter().filter_map(Value::as_str) {
                            if assignable.iter().any(|a| a == login) {
                                list.push(json!({ "login": login }));
                            }
                        }
                    }
                    Reply::raw(201, issue.to_string())
                }
                None => Reply::raw(404, "{}"),
            }
        }
        ("POST" | "PATCH" | "DELETE", ["repos", ..]) => Reply::raw(200, "{}"),
        ("POST", ["graphql"]) => graphql(&mut s, &r),
        _ => Reply::raw(404, r#"{"message":"Not Found"}"#),
    }
}

fn listing(s: &State, base: &str, repo: usize, r: &Request) -> Reply {
    let (name, issues) = &s.repos[repo];
    let since = r.param("since").first().and_then(|v| parse_stamp(v));
    let per_page: usize = r
        .param("per_page")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let page: usize = r
        .param("page")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let matching: Vec<&FakeIssue> = issues
        .iter()
        .filter(|i| since.is_none_or(|s| i.updated >= s))
        .collect();
    let shown = matching.iter().skip((page - 1) * per_page).take(per_page);
    let mut body = String::from("[");
    for (k, i) in shown.enumerate() {
        if k > 0 {
            body.push(',');
        }
        body.push_str(&i.render(name));
    }
    body.push(']');
    let etag = etag_of(&body);
    if r.header("if-none-match") == Some(etag.as_str()) {
        return Reply::raw(304, "").with_header("ETag", &etag);
    }
    let mut reply = Reply::raw(200, body).with_header("ETag", &etag);
    if page * per_page < matching.len() {
        let mut next = format!(
            "{base}/repositories/{}/issues?state=all&sort=updated&direction=asc&per_page={per_page}&page={}",
            repo + 1,
            page + 1
        );
        if let Some(v) = r.param("since").first() {
            next.push_str(&format!("&since={v}"));
        }
        reply = reply.with_header(
            "Link",
            &format!(
                "<{next}>; rel=\"next\", <{base}/repositories/{}/issues?page=999>; rel=\"last\"",
                repo + 1
            ),
        );
    }
    reply
}

/// The repository's events, newest first, each with its issue, paged by `Link`.
fn repo_events(s: &State, base: &str, repo: usize, r: &Request) -> Reply {
    let (name, issues) = &s.repos[repo];
    let per_page: usize = r
        .param("per_page")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let page: usize = r
        .param("page")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let all = &s.newest[repo];
    let mut body = String::from("[");
    for (n, &(k, e)) in all
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .enumerate()
    {
        if n > 0 {
            body.push(',');
        }
        let issue = &issues[k];
        let mut event = render_event(issue, e).to_string();
        event.pop();
        body.push_str(&event);
        body.push_str(",\"issue\":");
        body.push_str(&issue.render(name));
        body.push('}');
    }
    body.push(']');
    let mut reply = Reply::raw(200, body);
    if page * per_page < all.len() {
        let at = format!("{base}/repositories/{}/issues/events", repo + 1);
        reply = reply.with_header(
            "Link",
            &format!(
                "<{at}?per_page={per_page}&page={}>; rel=\"next\", <{at}?page=999>; rel=\"last\"",
                page + 1
            ),
        );
    }
    reply
}

/// `n` issues in `repo` created an hour apart from `start`, with events: a priority label at
/// creation, an assignment for one in three, and a close for every other one.
pub fn generate(n: u64, start: i64) -> Vec<FakeIssue> {
    (1..=n)
        .map(|k| {
            let created = start + k as i64 * 60;
            let mut i = FakeIssue::open(k, created);
            let level = ["P1", "P2", "P3"][(k % 3) as usize];
            i.labels = vec![level.to_string(), "bug".to_string()];
            i.events.push(FakeEvent {
                kind: "labeled",
                at: created,
                who: None,
                label: Some(level.to_string()),
            });
            i.updated = created;
            if k % 3 == 0 {
                i.assignee = Some("ana".into());
                i.updated = created + 3600;
                i.events.push(FakeEvent {
                    kind: "assigned",
                    at: i.updated,
                    who: Some("ana".into()),
                    label: None,
                });
            }
            if k % 2 == 0 {
                i.updated = created + 7200;
                let reason = if k % 10 == 0 {
                    "not_planned"
                } else {
                    "completed"
                };
                i.closed = Some((i.updated, reason));
                i.events.push(FakeEvent {
                    kind: "closed",
                    at: i.updated,
                    who: None,
                    label: None,
                });
            }
            i
        })
        .collect()
}

/// What a Project (v2) item holds.
#[derive(Debug, Clone)]
pub enum FakeContent {
    /// Issue `number` of a repository the fake serves.
    Issue(String, u64),
    Draft,
    PullRequest,
    /// Sent as the item's content instead of a rendered issue (an odd record).
    Raw(Value),
    /// An issue of a repository the token may not see: `null`, and an error on its path.
    Hidden,
}

#[derive(Debug, Clone)]
pub struct FakeItem {
    pub id: String,
    pub content: FakeContent,
    /// The status field's option and when it was set.
    pub value: Option<(String, i64)>,
    /// Status changes on this project: (when, from, to), "" for no status.
    pub moves: Vec<(i64, String, String)>,
}

impl FakeItem {
    pub fn issue(repo: &str, number: u64) -> FakeItem {
        FakeItem {
            id: format!("PVTI_{number}"),
            content: FakeContent::Issue(repo.into(), number),
            value: None,
            moves: Vec::new(),
        }
    }

    /// Moves the item to `to` at `at`, its history recording the move.
    pub fn moved(mut self, at: i64, to: &str) -> FakeItem {
        let from = self.value.as_ref().map(|v| v.0.clone()).unwrap_or_default();
        self.moves.push((at, from, to.into()));
        self.value = Some((to.into(), at));
        self
    }
}

/// A Project (v2) served over `/graphql`.
#[derive(Debug, Clone)]
pub struct FakeBoard {
    pub owner: String,
    pub number: u64,
    pub id: String,
    pub field: String,
    /// (option id, name).
    pub options: Vec<(String, String)>,
    pub items: Vec<FakeItem>,
    /// Whether the schema has `ProjectV2ItemStatusChangedEvent` (older servers lack it).
    pub status_events: bool,
    /// Every GraphQL request's body, in order.
    pub posts: Vec<Value>,
    /// Answers given instead, once each, to the next GraphQL requests.
    pub failures: std::collections::VecDeque<Reply>,
}

impl FakeBoard {
    pub fn new(owner: &str, number: u64, items: Vec<FakeItem>) -> FakeBoard {
        let options = ["Todo", "In review", "Blocked", "Done"]
            .iter()
            .map(|n| {
                (
                    format!("opt-{}", n.to_lowercase().replace(' ', "-")),
                    n.to_string(),
                )
            })
            .collect();
        FakeBoard {
            owner: owner.into(),
            number,
            id: "PVT_1".into(),
            field: "Status".into(),
            options,
            items,
            status_events: true,
            failures: Default::default(),
            posts: Vec::new(),
        }
    }
}

impl FakeGithub {
    pub fn set_board(&self, board: FakeBoard) {
        self.state.lock().expect("state").board = Some(board);
    }

    pub fn board(&self) -> FakeBoard {
        self.state
            .lock()
            .expect("state")
            .board
            .clone()
            .expect("a board")
    }

    pub fn with_board(&self, change: impl FnOnce(&mut FakeBoard)) {
        if let Some(b) = self.state.lock().expect("state").board.as_mut() {
            change(b);
        }
    }
}

fn gql_error(kind: &str, path: &[&str], message: &str) -> Value {
    json!({ "type": kind, "path": path, "message": message })
}

/// The issue as GraphQL's `content { ... on Issue }` selection gives it.
fn issue_node(s: &State, board: &FakeBoard, item: &FakeItem, repo: &str, number: u64) -> Value {
    let Some(issue) = s
        .repos
        .iter()
        .find(|(r, _)| r == repo)
        .and_then(|(_, issues)| issues.iter().find(|i| i.number == number))
    else {
        return Value::Null;
    };
    let mut timeline: Vec<(i64, Value)> = issue
        .events
        .iter()
        .filter(|e| matches!(e.kind, "closed" | "reopened"))
        .map(|e| {
            let kind = if e.kind == "closed" {
                "ClosedEvent"
            } else {
                "ReopenedEvent"
            };
            (
                e.at,
                json!({ "__typename": kind, "createdAt": stamp(e.at) }),
            )
        })
        .collect();
    if board.status_events {
        timeline.extend(item.moves.iter().map(|(at, from, to)| {
            (
                *at,
                json!({
                    "__typename": "ProjectV2ItemStatusChangedEvent", "createdAt": stamp(*at),
                    "previousStatus": from, "status": to, "project": { "id": board.id }
                }),
            )
        }));
        // A move on another project is in the issue's timeline too.
        timeline.push((
            issue.created,
            json!({
                "__typename": "ProjectV2ItemStatusChangedEvent", "createdAt": stamp(issue.created),
                "previousStatus": "", "status": "Shipped", "project": { "id": "PVT_other" }
            }),
        ));
    }
    timeline.sort_by_key(|(at, _)| *at);
    json!({
        "__typename": "Issue",
        "id": format!("I_{number}"),
        "databaseId": issue.id,
        "number": issue.number,
        "title": issue.title,
        "state": if issue.closed.is_some() { "CLOSED" } else { "OPEN" },
        "stateReason": issue.closed.map(|c| c.1.to_uppercase()),
        "createdAt": stamp(issue.created),
        "updatedAt": stamp(issue.updated),
        "closedAt": issue.closed.map(|c| stamp(c.0)),
        "url": format!("https://github.com/{repo}/issues/{number}"),
        "repository": { "nameWithOwner": repo },
        "labels": { "nodes": issue.labels.iter().map(|l| json!({ "name": l })).collect::<Vec<_>>() },
        "assignees": { "nodes": issue.assignee.iter().map(|a| json!({ "login": a })).collect::<Vec<_>>() },
        "timelineItems": { "nodes": timeline.into_iter().map(|t| t.1).collect::<Vec<_>>() },
    })
}

/// GitHub's GraphQL API, as much of it as lookout's project read and writes use.
fn graphql(s: &mut State, r: &Request) -> Reply {
    let body = r.json();
    let query = body["query"].as_str().unwrap_or("").to_string();
    let vars = body["variables"].clone();
    let Some(board) = s.board.as_mut() else {
        return Reply::raw(404, r#"{"message":"Not Found"}"#);
    };
    board.posts.push(body.clone());
    if let Some(reply) = board.failures.pop_front() {
        return reply;
    }
    if query.contains("updateProjectV2ItemFieldValue") {
        let option = vars["option"].as_str().unwrap_or("");
        let name = board
            .options
            .iter()
            .find(|o| o.0 == option)
            .map(|o| o.1.clone());
        let item = board
            .items
            .iter_mut()
            .find(|i| vars["item"] == i.id.as_str());
        return match (name, item) {
            (Some(name), Some(item)) => {
                let now = Utc::now().timestamp();
                item.moves.push((
                    now,
                    item.value.as_ref().map(|v| v.0.clone()).unwrap_or_default(),
                    name.clone(),
                ));
                item.value = Some((name, now));
                Reply::json(
                    &json!({ "data": { "updateProjectV2ItemFieldValue": { "projectV2Item": { "id": item.id } } } }),
                )
            }
            _ => Reply::json(
                &json!({ "data": null, "errors": [gql_error("NOT_FOUND", &["updateProjectV2ItemFieldValue"], "Could not resolve to a node")] }),
            ),
        };
    }
    if query.contains("addProjectV2ItemById") {
        let number: u64 = vars["content"]
            .as_str()
            .and_then(|c| c.strip_prefix("I_"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let repo = s.repos.first().map(|r| r.0.clone()).unwrap_or_default();
        let item = FakeItem::issue(&repo, number);
        let id = item.id.clone();
        board.items.push(item);
        return Reply::json(
            &json!({ "data": { "addProjectV2ItemById": { "item": { "id": id } } } }),
        );
    }
    if !board.status_events && query.contains("PROJECT_V2_ITEM_STATUS_CHANGED_EVENT") {
        return Reply::json(
            &json!({ "errors": [{ "message": "Argument 'itemTypes' on Field 'timelineItems' has an invalid value ([CLOSED_EVENT, REOPENED_EVENT, PROJECT_V2_ITEM_STATUS_CHANGED_EVENT]). Expected type '[IssueTimelineItemsItemType!]'." }] }),
        );
    }
    let board = board.clone();
    if vars["owner"] != board.owner.as_str() {
        let who = vars["owner"].as_str().unwrap_or("");
        return Reply::json(
            &json!({ "data": { "owner": null }, "errors": [gql_error("NOT_FOUND", &["owner"], &format!("Could not resolve to a RepositoryOwner with the login of '{who}'."))] }),
        );
    }
    if vars["number"] != board.number {
        return Reply::json(
            &json!({ "data": { "owner": { "projectV2": null } }, "errors": [gql_error("NOT_FOUND", &["owner", "projectV2"], &format!("Could not resolve to a ProjectV2 with the number {}.", vars["number"]))] }),
        );
    }
    let field = if vars["field"] == board.field.as_str() {
        json!({
            "__typename": "ProjectV2SingleSelectField", "id": "PVTSSF_1", "name": board.field,
            "options": board.options.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>()
        })
    } else if vars["field"] == "Estimate" {
        json!({ "__typename": "ProjectV2Field" })
    } else {
        Value::Null
    };
    let mut project = json!({ "id": board.id, "field": field });
    if query.contains("items(first:") {
        let per_page: usize = query
            .split("items(first:")
            .nth(1)
            .and_then(|rest| {
                rest.trim_start()
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(100);
        let from: usize = vars["after"]
            .as_str()
            .and_then(|c| c.strip_prefix("cursor:"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let mut hidden = Vec::new();
        let page: Vec<Value> = board
            .items
            .iter()
            .skip(from)
            .take(per_page)
            .enumerate()
            .map(|(k, item)| {
                let content = match &item.content {
                    FakeContent::Hidden => {
                        let at = ["owner", "projectV2", "items", "nodes"]
                            .iter()
                            .map(|p| json!(p))
                            .chain([json!(k), json!("content")])
                            .collect::<Vec<_>>();
                        hidden.push(json!({
                            "type": "FORBIDDEN", "path": at,
                            "message": "Resource not accessible by personal access token"
                        }));
                        Value::Null
                    }
                    FakeContent::Issue(repo, n) => issue_node(s, &board, item, repo, *n),
                    FakeContent::Draft => json!({ "__typename": "DraftIssue" }),
                    FakeContent::PullRequest => json!({ "__typename": "PullRequest" }),
                    FakeContent::Raw(v) => v.clone(),
                };
                let value = match &item.value {
                    Some((name, at)) if vars["field"] == board.field.as_str() => {
                        json!({ "name": name, "updatedAt": stamp(*at) })
                    }
                    _ => Value::Null,
                };
                json!({ "id": item.id, "fieldValueByName": value, "content": content })
            })
            .collect();
        let end = from + page.len();
        project["items"] = json!({
            "pageInfo": { "hasNextPage": end < board.items.len(), "endCursor": format!("cursor:{end}") },
            "nodes": page,
        });
        if !hidden.is_empty() {
            return Reply::json(
                &json!({ "data": { "owner": { "projectV2": project } }, "errors": hidden }),
            );
        }
    }
    let mut data = json!({ "owner": { "projectV2": project } });
    if query.contains("projectItems") {
        let number = vars["issue"].as_u64().unwrap_or(0);
        let repo = format!(
            "{}/{}",
            vars["repoOwner"].as_str().unwrap_or(""),
            vars["repoName"].as_str().unwrap_or("")
        );
        let issue = s
            .repos
            .iter()
            .find(|(r, _)| *r == repo)
            .and_then(|(_, issues)| issues.iter().find(|i| i.number == number));
        data["repository"] = match issue {
            Some(i) => {
                let items: Vec<Value> = board
                    .items
                    .iter()
                    .filter(|it| matches!(&it.content, FakeContent::Issue(r, n) if *r == repo && *n == number))
                    .map(|it| json!({
                        "id": it.id, "project": { "id": board.id },
                        "fieldValueByName": it.value.as_ref().map(|v| json!({ "name": v.0 }))
                    }))
                    .collect();
                json!({ "issue": {
                    "id": format!("I_{number}"),
                    "state": if i.closed.is_some() { "CLOSED" } else { "OPEN" },
                    "projectItems": { "nodes": items }
                } })
            }
            None => json!({ "issue": null }),
        };
    }
    Reply::json(&json!({ "data": data }))
}
