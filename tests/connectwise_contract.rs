//! The ConnectWise source against a local server that behaves as REST 3.0 documents: service
//! boards and their statuses (the closed flag), forward-only paging by `Link`, `conditions`
//! with `lastUpdated > [..]`, notes, the audit trail's prose history, members and time
//! entries; the answers a sync must survive or report; and every write `apply` makes.

#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use lookout::domain::{Portfolio, StatusCategory};
use lookout::sources::connectwise::{ACCEPT, BATCH, ConnectWiseSource, Projects, Settings};
use lookout::sources::http::Policy;
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use lookout::store::Store;
use lookout::sync::sync_once;
use routed::{Reply, Request};
use serde_json::{Value, json};

const ROOT: &str = "/v4_6_release/apis/3.0";
/// Records per page the fake hands out, so three tickets take two pages.
const PAGE: usize = 2;

type Log = Arc<Mutex<Vec<Request>>>;

/// The site's tickets, which a test may change between syncs.
type Tickets = Arc<Mutex<Vec<Value>>>;

fn settings(url: &str) -> Settings {
    Settings {
        url: url.into(),
        company: "acme".into(),
        // Variables the test process has: their values stand in for the keys.
        public_key_env: "CARGO_PKG_NAME".into(),
        private_key_env: "CARGO_PKG_VERSION".into(),
        client_id: "c0ffee-client".into(),
        boards: vec!["Help Desk".into()],
        projects: Projects::None,
        sweep_every: Duration::from_secs(3600),
    }
}

fn quick() -> Policy {
    Policy {
        retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..Policy::default()
    }
}

fn basic() -> String {
    let user = format!(
        "acme+{}:{}",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user)
    )
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a date")
        .with_timezone(&Utc)
}

fn ticket(id: u64, status: (u64, &str), updated: &str) -> Value {
    json!({
        "id": id,
        "summary": format!("Ticket {id}"),
        "board": {"id": 1, "name": "Help Desk"},
        "status": {"id": status.0, "name": status.1},
        "owner": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
        "priority": {"id": 8, "name": "Priority 2 - Quick Response"},
        "_info": {"dateEntered": "2026-01-01T09:00:00Z", "lastUpdated": updated}
    })
}

fn starting_tickets() -> Tickets {
    Arc::new(Mutex::new(vec![
        ticket(1, (2, "In Progress"), "2026-01-02T10:00:00Z"),
        ticket(2, (1, "New"), "2026-01-02T11:00:00Z"),
        ticket(3, (3, ">Closed"), "2026-01-03T12:00:00Z"),
    ]))
}

/// `lastUpdated > [ts]` in `conditions`, as the fake's filter.
fn updated_after(conditions: &str) -> Option<DateTime<Utc>> {
    let (_, rest) = conditions.split_once("lastUpdated > [")?;
    let (ts, _) = rest.split_once(']')?;
    Some(at(ts))
}

/// `id > n` in `conditions`: where a later batch of a scan starts.
fn id_after(conditions: &str) -> u64 {
    conditions
        .split_once(" id > ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `project/id in (1,2)` in `conditions`; `None` when the listing is not narrowed to
/// projects.
fn project_ids(conditions: &str) -> Option<Vec<u64>> {
    let (_, rest) = conditions.split_once("project/id in (")?;
    let (ids, _) = rest.split_once(')')?;
    Some(
        ids.split(',')
            .filter_map(|i| i.trim().parse().ok())
            .collect(),
    )
}

/// The rows `conditions` asks for, by update time, id and project.
fn matching(rows: &[Value], conditions: &str) -> Vec<Value> {
    let since = updated_after(conditions);
    let after = id_after(conditions);
    let projects = project_ids(conditions);
    rows.iter()
        .filter(|t| {
            since.is_none_or(|s| {
                t["_info"]["lastUpdated"]
                    .as_str()
                    .is_some_and(|u| at(u) > s)
            })
        })
        .filter(|t| t["id"].as_u64().unwrap_or(0) > after)
        .filter(|t| {
            projects.as_ref().is_none_or(|ids| {
                t["project"]["id"]
                    .as_u64()
                    .is_some_and(|p| ids.contains(&p))
            })
        })
        .cloned()
        .collect()
}

/// A project ticket as `/project/tickets` sends it: the project board's status, the project
/// and phase as references, `null` where nothing is set.
fn project_ticket(id: u64, project: u64, phase: &str, status: (u64, &str), updated: &str) -> Value {
    json!({
        "id": id,
        "summary": format!("Project task {id}"),
        "isIssueFlag": false,
        "board": {"id": 5, "name": "Professional Services",
                  "_info": {"board_href": "https://cw.example/v4_6_release/apis/3.0/service/boards/5"}},
        "status": {"id": status.0, "name": status.1},
        "project": {"id": project, "name": if project == 42 { "Website Redesign" } else { "Office Move" },
                    "_info": {"project_href": "https://cw.example/v4_6_release/apis/3.0/project/projects/42"}},
        "phase": {"id": 3, "name": phase},
        "wbsCode": "1.1",
        "owner": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
        "priority": {"id": 4, "name": "Priority 3 - Normal Response"},
        "budgetHours": null,
        "closedDate": null,
        "closedFlag": status.0 == 23,
        "_info": {"dateEntered": "2026-01-01T09:00:00Z", "lastUpdated": updated, "updatedBy": "jdoe"}
    })
}

/// Project work on the site: three tickets of "Website Redesign" (two pages) and one of
/// "Office Move", which the tests do not configure.
fn starting_work() -> Tickets {
    Arc::new(Mutex::new(vec![
        project_ticket(101, 42, "Design", (21, "New"), "2026-01-02T10:00:00Z"),
        project_ticket(102, 42, "Design", (22, "Scheduled"), "2026-01-02T12:00:00Z"),
        project_ticket(103, 42, "Build", (23, "Completed"), "2026-01-03T08:00:00Z"),
        project_ticket(104, 43, "Pack", (21, "New"), "2026-01-03T09:00:00Z"),
    ]))
}

/// The site's projects: ConnectWise's own shapes, numbers as numbers and `_info` without
/// `dateEntered`.
fn site_projects() -> Vec<Value> {
    vec![
        json!({"id": 42, "name": "Website Redesign",
               "board": {"id": 5, "name": "Professional Services"},
               "status": {"id": 1, "name": "Open"}, "closedFlag": false,
               "company": {"id": 2, "identifier": "Acme", "name": "Acme Corp"},
               "manager": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
               "estimatedHours": 120, "actualHours": 12.5, "scheduledHours": null,
               "estimatedStart": "2026-01-01T00:00:00Z", "estimatedEnd": "2026-03-31T00:00:00Z",
               "_info": {"lastUpdated": "2026-01-02T00:00:00Z", "updatedBy": "jdoe"}}),
        json!({"id": 43, "name": "Office Move",
               "board": {"id": 5, "name": "Professional Services"},
               "status": {"id": 2, "name": "Closed"}, "closedFlag": true,
               "manager": null, "estimatedHours": null,
               "_info": {"lastUpdated": "2026-01-02T00:00:00Z"}}),
    ]
}

/// One page of `rows` after `pageId` (the last id of the page before), with a `Link` to the
/// next while there is one, as forward-only paging answers.
fn page_of(r: &Request, rows: Vec<Value>) -> Reply {
    let after: u64 = r
        .param("pageId")
        .first()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let rest: Vec<Value> = rows
        .into_iter()
        .filter(|v| v["id"].as_u64().unwrap_or(0) > after)
        .collect();
    let page: Vec<Value> = rest.iter().take(PAGE).cloned().collect();
    let mut reply = Reply::json(&Value::Array(page.clone()));
    if rest.len() > PAGE {
        let last = page.last().and_then(|v| v["id"].as_u64()).unwrap_or(0);
        let host = r.header("host").unwrap_or("");
        // The next page keeps the listing's conditions, as ConnectWise's links do.
        let mut params = vec![
            ("pageSize", "1000".to_string()),
            ("pageId", last.to_string()),
        ];
        if let Some(c) = r.param("conditions").first() {
            params.push(("conditions", c.to_string()));
        }
        let next = reqwest::Url::parse_with_params(&format!("http://{host}{}", r.path), &params)
            .expect("a next page's address");
        reply = reply.with_header("Link", &format!("<{next}>; rel=\"next\""));
    }
    reply
}

/// ConnectWise as the sync reads it, over `tickets` and no project work.
fn site(r: &Request, tickets: &Tickets) -> Reply {
    site_with(r, tickets, &Arc::new(Mutex::new(Vec::new())))
}

/// ConnectWise as the sync reads it, over service `tickets` and project tickets `work`.
fn site_with(r: &Request, tickets: &Tickets, work: &Tickets) -> Reply {
    let path = r.path.strip_prefix(ROOT).unwrap_or("");
    let conditions = r
        .param("conditions")
        .first()
        .copied()
        .unwrap_or("")
        .to_string();
    match (r.method.as_str(), path) {
        ("GET", "/service/boards") => page_of(
            r,
            vec![
                json!({"id": 1, "name": "Help Desk",
                       "_info": {"dateEntered": "2025-06-01T00:00:00Z", "lastUpdated": "2025-06-01T00:00:00Z"}}),
                json!({"id": 2, "name": "Sales"}),
            ],
        ),
        ("GET", "/service/boards/1/statuses") => Reply::json(&json!([
            {"id": 1, "name": "New", "closedStatus": false},
            {"id": 2, "name": "In Progress", "closedStatus": false},
            // Named oddly on purpose: only the flag says it is closed.
            {"id": 3, "name": ">Closed", "closedStatus": true},
        ])),
        ("GET", "/service/priorities") => Reply::json(&json!([
            {"id": 15, "name": "Priority 1 - Emergency Response"},
            {"id": 8, "name": "Priority 2 - Quick Response"},
            {"id": 4, "name": "Priority 3 - Normal Response"},
        ])),
        ("GET", "/system/members") => Reply::json(&json!([
            {"id": 7, "identifier": "jdoe", "firstName": "Jane", "lastName": "Doe"},
        ])),
        ("GET", "/service/boards/5/statuses") => Reply::json(&json!([
            {"id": 21, "name": "New", "closedStatus": false, "board": {"id": 5}},
            {"id": 22, "name": "Scheduled", "closedStatus": false, "board": {"id": 5}},
            {"id": 23, "name": "Completed", "closedStatus": true, "board": {"id": 5}},
        ])),
        ("GET", "/service/tickets") => {
            page_of(r, matching(&tickets.lock().expect("tickets"), &conditions))
        }
        ("GET", "/project/projects") => {
            let rows: Vec<Value> = site_projects()
                .into_iter()
                .filter(|p| {
                    let name = p["name"].as_str().unwrap_or("");
                    if conditions == "closedFlag=false" {
                        p["closedFlag"] == json!(false)
                    } else {
                        conditions.contains(&format!("name=\"{name}\""))
                    }
                })
                .collect();
            Reply::json(&Value::Array(rows))
        }
        ("GET", "/project/tickets") => {
            page_of(r, matching(&work.lock().expect("work"), &conditions))
        }
        ("GET", p) if p.starts_with("/project/tickets/") && p.ends_with("/notes") => {
            let id = p
                .trim_start_matches("/project/tickets/")
                .trim_end_matches("/notes");
            if id == "101" {
                Reply::json(&json!([
                    {"id": 60, "ticketId": 101, "text": "Wireframes shared",
                     "detailDescriptionFlag": true, "internalAnalysisFlag": false,
                     "member": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
                     "dateCreated": "2026-01-02T10:00:00Z", "createdBy": "jdoe",
                     "_info": {"lastUpdated": "2026-01-02T10:00:00Z"}},
                ]))
            } else {
                Reply::json(&json!([]))
            }
        }
        ("GET", p) if p.starts_with("/project/tickets/") => {
            let id: u64 = p
                .trim_start_matches("/project/tickets/")
                .parse()
                .unwrap_or(0);
            match work
                .lock()
                .expect("work")
                .iter()
                .find(|t| t["id"].as_u64() == Some(id))
            {
                Some(t) => Reply::json(t),
                None => Reply::raw(404, r#"{"code":"NotFound"}"#),
            }
        }
        ("GET", "/service/tickets/1") => Reply::json(&tickets.lock().expect("tickets")[0]),
        ("GET", "/service/tickets/1/notes") => Reply::json(&json!([
            {"id": 50, "text": "Rebooted the printer", "member": {"id": 7, "identifier": "jdoe"},
             "dateCreated": "2026-01-02T09:30:00Z"},
        ])),
        ("GET", p) if p.starts_with("/service/tickets/") && p.ends_with("/notes") => {
            Reply::json(&json!([]))
        }
        ("GET", "/system/audittrail") => {
            let id = r.param("id").first().copied().unwrap_or("");
            match id {
                "1" => Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \"In Progress\"",
                     "enteredDate": "2026-01-02T09:00:00Z", "enteredBy": "jdoe"},
                    {"text": "Summary has been changed", "enteredDate": "2026-01-02T08:00:00Z"},
                    {"text": "Status was touched by a workflow rule",
                     "enteredDate": "2026-01-02T08:30:00Z"},
                ])),
                "102" => Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \"Scheduled\"",
                     "enteredDate": "2026-01-02T11:00:00Z", "enteredBy": "jdoe"},
                ])),
                "3" => Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \">Closed\"",
                     "enteredDate": "2026-01-03T12:00:00Z"},
                ])),
                _ => Reply::json(&json!([])),
            }
        }
        ("GET", "/time/entries") => page_of(
            r,
            vec![
                json!({"id": 900, "chargeToId": 1, "chargeToType": "ServiceTicket",
                       "member": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
                       "timeStart": "2026-01-02T09:00:00Z", "actualHours": 1.5,
                       "notes": "printer"}),
                json!({"id": 901, "chargeToId": 101, "chargeToType": "ProjectTicket",
                       "member": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
                       "timeStart": "2026-01-02T13:00:00Z", "actualHours": 3.25,
                       "notes": "wireframes", "billableOption": "Billable",
                       "_info": {"lastUpdated": "2026-01-02T17:00:00Z"}}),
                json!({"id": 902, "chargeToId": 77, "chargeToType": "Activity",
                       "member": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
                       "timeStart": "2026-01-02T15:00:00Z", "actualHours": 1.0}),
                // A ticket on a board lookout does not sync: the site lists all time.
                json!({"id": 903, "chargeToId": 99555, "chargeToType": "ServiceTicket",
                       "member": {"id": 8, "identifier": "asmith", "name": "Ann Smith"},
                       "timeStart": "2026-01-02T16:00:00Z", "actualHours": 2.0}),
            ]
            .into_iter()
            // The fake answers the types the conditions ask for, as the site would.
            .filter(|e| {
                conditions.contains(&format!(
                    "chargeToType=\"{}\"",
                    e["chargeToType"].as_str().unwrap_or("")
                ))
            })
            .collect(),
        ),
        _ => Reply::raw(404, r#"{"code":"NotFound"}"#),
    }
}

fn serve(reply: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> (String, Log) {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let addr = routed::serve(Arc::new(move |r: Request| {
        let mut l = seen.lock().expect("log");
        l.push(r.clone());
        let n = l.len();
        drop(l);
        reply(&r, n)
    }));
    (format!("http://{addr}"), log)
}

fn source(url: &str) -> ConnectWiseSource {
    ConnectWiseSource::new("psa", settings(url), quick())
}

/// The help desk and the "Website Redesign" project.
fn with_project(url: &str) -> ConnectWiseSource {
    let mut s = settings(url);
    s.projects = Projects::Named(vec!["Website Redesign".into()]);
    ConnectWiseSource::new("psa", s, quick())
}

fn every_request_authenticates(log: &[Request]) {
    for r in log {
        assert_eq!(r.header("clientId"), Some("c0ffee-client"), "{}", r.path);
        assert_eq!(r.header("Accept"), Some(ACCEPT), "{}", r.path);
        assert_eq!(
            r.header("Authorization"),
            Some(basic().as_str()),
            "{}",
            r.path
        );
    }
}

#[tokio::test]
async fn a_first_sync_pages_forward_only_and_reads_status_history_notes_and_time() {
    let tickets = starting_tickets();
    let held = tickets.clone();
    let (url, log) = serve(move |r, _| site(r, &held));
    let now = at("2026-01-04T00:00:00Z");
    let changes = source(&url).fetch(None, now).await.expect("syncs");

    let mut ids: Vec<u64> = changes.tickets.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3], "both pages read");
    let by_id = |id: u64| {
        changes
            .tickets
            .iter()
            .find(|t| t.id == id)
            .expect("ticket synced")
    };
    assert_eq!(by_id(1).category, StatusCategory::InProgress);
    assert_eq!(by_id(2).category, StatusCategory::Todo);
    assert_eq!(by_id(3).category, StatusCategory::Done, "the closed flag");
    assert_eq!(by_id(3).resolved, Some(at("2026-01-03T12:00:00Z")));
    assert_eq!(by_id(1).project.as_str(), "Help Desk");
    assert_eq!(by_id(1).assignee.as_deref(), Some("jdoe"));
    assert_eq!(
        by_id(1).started,
        Some(at("2026-01-02T09:00:00Z")),
        "from the audit trail"
    );

    let moves: Vec<(u64, Option<&str>, Option<&str>)> = {
        let mut m: Vec<_> = changes
            .transitions
            .iter()
            .map(|t| (t.ticket, t.from.as_deref(), t.to.as_deref()))
            .collect();
        m.sort();
        m
    };
    assert_eq!(
        moves,
        [
            (1, Some("New"), Some("In Progress")),
            (3, Some("New"), Some(">Closed"))
        ]
    );
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("#1") && w.contains("audit")),
        "an audit line about the status that does not read is named: {:?}",
        changes.warnings
    );

    assert_eq!(changes.notes.len(), 1);
    assert_eq!(
        (changes.notes[0].ticket, changes.notes[0].author.as_str()),
        (1, "jdoe")
    );
    // Time on other boards' tickets comes along; a load shows only the synced tickets'.
    let ids: Vec<u64> = changes.time_entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, [900, 903]);
    let e = &changes.time_entries[0];
    assert_eq!((e.ticket, e.member.as_str(), e.hours), (1, "jdoe", 1.5));
    assert_eq!(changes.projects.len(), 1, "only the configured board");
    assert_eq!(changes.projects[0].key, "Help Desk");
    assert_eq!(changes.members.len(), 1);
    assert_eq!(changes.members[0].login.as_str(), "jdoe");
    assert_eq!(changes.members[0].display_name.as_str(), "Jane Doe");
    assert!(changes.cursor.is_some());

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    let listings: Vec<&Request> = log
        .iter()
        .filter(|r| r.path == format!("{ROOT}/service/tickets"))
        .collect();
    assert_eq!(listings.len(), 2, "two pages");
    for r in &listings {
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
    }
    assert_eq!(
        listings[0].param("conditions"),
        [r#"(board/name="Help Desk")"#]
    );
    assert_eq!(listings[1].param("pageId"), ["2"], "the Link's next page");
    for short in [
        "/service/boards",
        "/system/members",
        "/service/tickets/1/notes",
    ] {
        let r = log
            .iter()
            .find(|r| r.path == format!("{ROOT}{short}"))
            .expect("read");
        assert_eq!(
            r.header("pagination-type"),
            None,
            "{short}: forward-only is for the large collections"
        );
    }
    let time = log
        .iter()
        .find(|r| r.path == format!("{ROOT}/time/entries"))
        .expect("time entries read");
    assert_eq!(
        time.param("conditions"),
        [r#"chargeToType="ServiceTicket""#]
    );
}

#[tokio::test]
async fn a_second_sync_asks_for_what_changed_since_the_first() {
    let tickets = starting_tickets();
    let held = tickets.clone();
    let (url, log) = serve(move |r, _| site(r, &held));
    let mut cw = source(&url);
    let first = cw
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("first sync");
    tickets.lock().expect("tickets")[1] = ticket(2, (2, "In Progress"), "2026-01-05T08:00:00Z");
    log.lock().expect("log").clear();

    let second = cw
        .fetch(first.cursor, at("2026-01-04T00:30:00Z"))
        .await
        .expect("second sync");
    let ids: Vec<u64> = second.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [2], "only the changed ticket");
    assert_eq!(second.tickets[0].category, StatusCategory::InProgress);
    assert!(
        second.sweep.is_none(),
        "the first read stood for a sweep within the hour"
    );

    let requests = log.lock().expect("log").clone();
    let listing = requests
        .iter()
        .find(|r| r.path == format!("{ROOT}/service/tickets"))
        .expect("tickets listed");
    let conditions = listing.param("conditions").join("");
    // Two minutes before the newest ticket the first sync saw.
    assert_eq!(
        conditions,
        r#"(board/name="Help Desk") and lastUpdated > [2026-01-03T11:58:00Z]"#
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.path == format!("{ROOT}/service/tickets/1/notes")),
        "unchanged tickets are not read again"
    );

    // Past the sweep interval the sync lists every id still on the boards.
    tickets.lock().expect("tickets").remove(2);
    let third = cw
        .fetch(second.cursor, at("2026-01-04T02:00:00Z"))
        .await
        .expect("third sync");
    let swept = third.sweep.expect("a sweep is due");
    assert_eq!(swept.present, [1, 2], "ticket 3 was deleted");
}

#[tokio::test]
async fn an_odd_ticket_is_skipped_and_named() {
    let tickets = starting_tickets();
    tickets.lock().expect("tickets")[1]["status"] = json!("New");
    let held = tickets.clone();
    let (url, _) = serve(move |r, _| site(r, &held));
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs the rest");
    assert_eq!(changes.tickets.len(), 2);
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("ticket 2") && w.contains("status")),
        "{:?}",
        changes.warnings
    );
}

#[tokio::test]
async fn a_refused_audit_trail_costs_the_history_not_the_sync() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| {
        if r.path == format!("{ROOT}/system/audittrail") {
            Reply::raw(403, r#"{"code":"Forbidden"}"#)
        } else {
            site(r, &tickets)
        }
    });
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs without history");
    assert_eq!(changes.tickets.len(), 3);
    assert!(changes.transitions.is_empty());
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("#1") && w.contains("status history")),
        "{:?}",
        changes.warnings
    );
}

#[tokio::test]
async fn a_429_waits_as_retry_after_asks_then_the_sync_goes_on() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, n| match n {
        1 => Reply::raw(429, "{}").with_header("Retry-After", "1"),
        _ => site(r, &tickets),
    });
    let started = std::time::Instant::now();
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs after the wait");
    assert_eq!(changes.tickets.len(), 3);
    assert!(started.elapsed() >= Duration::from_millis(900));
    let log = log.lock().expect("log");
    assert_eq!(log[0].path, log[1].path, "the same request again");
}

#[tokio::test]
async fn a_5xx_is_retried_and_then_reported() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, n| match n {
        1 => Reply::raw(502, "bad gateway"),
        _ => site(r, &tickets),
    });
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("one 502 is retried");
    assert_eq!(changes.tickets.len(), 3);

    let (url, log) = serve(|_, _| Reply::raw(500, "down"));
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("a server that stays down fails the sync");
    assert!(matches!(err, SourceError::Unreachable(_)), "{err}");
    assert_eq!(log.lock().expect("log").len(), 3, "the policy's retries");
}

#[tokio::test]
async fn malformed_json_fails_the_sync_as_unreadable() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| {
        if r.path == format!("{ROOT}/service/tickets") {
            Reply::raw(200, "[{\"id\": 1,")
        } else {
            site(r, &tickets)
        }
    });
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("malformed");
    assert!(matches!(err, SourceError::Invalid(_)), "{err}");
}

#[tokio::test]
async fn a_401_is_never_retried() {
    let (url, log) = serve(|_, _| Reply::raw(401, r#"{"code":"Unauthorized"}"#));
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("refused");
    assert!(matches!(err, SourceError::Auth(_)), "{err}");
    assert_eq!(log.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn doctor_s_trial_reads_one_small_page() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, _| site(r, &tickets));
    let trial = source(&url).trial().await.expect("reads").expect("a trial");
    assert_eq!(trial.read, 2, "the fake's page");
    let log = log.lock().expect("log");
    let listing: Vec<&Request> = log
        .iter()
        .filter(|r| r.path == format!("{ROOT}/service/tickets"))
        .collect();
    assert_eq!(listing.len(), 1, "one page only");
    assert_eq!(listing[0].param("pageSize"), ["10"]);
}

#[tokio::test]
async fn facts_and_statuses_are_read_fresh_from_the_ticket_and_its_board() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| site(r, &tickets));
    let mut cw = source(&url);
    let facts = cw.facts(1, "#1").await.expect("facts");
    assert_eq!(facts.status, "In Progress");
    assert_eq!(facts.assignee.as_deref(), Some("Jane Doe"));
    assert_eq!(facts.assignee_login.as_deref(), Some("jdoe"));
    assert_eq!(facts.priority_name, "Priority 2 - Quick Response");
    let statuses = cw.statuses(1, "#1").await.expect("statuses");
    assert_eq!(statuses, ["New", ">Closed"]);
}

#[tokio::test]
async fn every_write_is_a_json_patch_or_a_note_post() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, _| match r.method.as_str() {
        "PATCH" => Reply::json(&tickets.lock().expect("tickets")[0]),
        "POST" => Reply::raw(201, r#"{"id": 51}"#),
        _ => site(r, &tickets),
    });
    let mut cw = source(&url);
    let changes = [
        Change::Transition {
            status: ">closed".into(),
        },
        Change::Assign {
            login: "asmith".into(),
        },
        Change::Unassign,
        Change::SetPriority {
            priority: "Priority 1 - Emergency Response".into(),
        },
        // A suggestion's level, placed among the site's names.
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::Comment {
            body: "Rebooted; watching it".into(),
        },
    ];
    for change in changes {
        let action = TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change,
        };
        cw.apply(&action).await.expect("applied");
    }
    let refused = cw
        .apply(&TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change: Change::Transition {
                status: "Nowhere".into(),
            },
        })
        .await
        .expect_err("no such status");
    assert!(matches!(refused, SourceError::Refused(_)), "{refused}");
    let label = cw
        .apply(&TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change: Change::AddLabel { label: "x".into() },
        })
        .await
        .expect_err("no labels");
    assert!(matches!(label, SourceError::Unsupported(_)), "{label}");

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    let writes: Vec<(&str, &str, Value)> = log
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method.as_str(), r.path.as_str(), r.json()))
        .collect();
    let ticket = format!("{ROOT}/service/tickets/1");
    let notes = format!("{ROOT}/service/tickets/1/notes");
    assert_eq!(
        writes,
        [
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "status", "value": {"id": 3}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "owner", "value": {"identifier": "asmith"}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "remove", "path": "owner"}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "priority", "value": {"id": 15}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "priority", "value": {"id": 8}}])
            ),
            (
                "POST",
                notes.as_str(),
                json!({"text": "Rebooted; watching it", "detailDescriptionFlag": true,
                       "internalAnalysisFlag": false, "resolutionFlag": false})
            ),
        ]
    );
    for r in log.iter().filter(|r| r.method != "GET") {
        assert!(
            r.header("Content-Type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{}",
            r.path
        );
    }
}

fn requests_to<'a>(log: &'a [Request], path: &str) -> Vec<&'a Request> {
    log.iter()
        .filter(|r| r.path == format!("{ROOT}{path}"))
        .collect()
}

#[tokio::test]
async fn project_work_syncs_its_project_tickets_phases_statuses_and_time() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let (url, log) = serve(move |r, _| site_with(r, &tickets, &work));
    let changes = with_project(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs");

    let project = changes
        .projects
        .iter()
        .find(|p| p.key == "P42")
        .expect("the configured project");
    assert_eq!(project.name, "Website Redesign");
    assert_eq!(
        project.description,
        "Acme Corp · Open · manager jdoe · 120 h estimated, 12.5 h actual"
    );
    assert_eq!(
        project.target.map(|d| d.to_string()).as_deref(),
        Some("2026-03-31")
    );
    let keys: Vec<&str> = changes.projects.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["Help Desk", "P42"], "not the unconfigured project");
    assert!(
        changes
            .members
            .iter()
            .any(|m| m.project.as_str() == "P42" && m.login.as_str() == "jdoe")
    );

    let work: Vec<_> = changes
        .tickets
        .iter()
        .filter(|t| t.project.as_str() == "P42")
        .collect();
    let ids: Vec<u64> = work.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        [101, 102, 103],
        "both pages, and not project 43's ticket"
    );
    let by_id = |id: u64| work.iter().find(|t| t.id == id).expect("synced");
    assert_eq!(by_id(101).key.as_str(), "P#101");
    assert_eq!(by_id(101).labels, ["Design"], "the phase is a label");
    assert_eq!(by_id(103).labels, ["Build"]);
    assert_eq!(by_id(101).category, StatusCategory::Todo);
    assert_eq!(
        by_id(102).category,
        StatusCategory::InProgress,
        "the project board's status"
    );
    assert_eq!(by_id(102).started, Some(at("2026-01-02T11:00:00Z")));
    assert_eq!(by_id(103).category, StatusCategory::Done, "closed");
    assert_eq!(by_id(101).estimate, None, "budgetHours null");
    assert!(
        changes
            .notes
            .iter()
            .any(|n| n.ticket == 101 && n.author.as_str() == "jdoe")
    );
    assert_eq!(changes.tickets.len(), 6, "the help desk's tickets come too");

    let mut entries: Vec<(u64, u64, f64)> = changes
        .time_entries
        .iter()
        .map(|e| (e.id, e.ticket, e.hours))
        .collect();
    entries.sort_by_key(|e| e.0);
    assert_eq!(
        entries,
        [(900, 1, 1.5), (901, 101, 3.25), (903, 99555, 2.0)],
        "time on project tickets counts; time on activities does not (903's is not shown)"
    );

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    let listings = requests_to(&log, "/project/tickets");
    assert_eq!(listings.len(), 2, "two pages");
    for r in &listings {
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
    }
    assert_eq!(listings[0].param("conditions"), ["project/id in (42)"]);
    assert_eq!(listings[1].param("pageId"), ["102"]);
    assert_eq!(
        requests_to(&log, "/project/projects")[0].param("conditions"),
        [r#"name="Website Redesign""#]
    );
    assert_eq!(requests_to(&log, "/service/boards/5/statuses").len(), 1);
    assert_eq!(requests_to(&log, "/project/tickets/101/notes").len(), 1);
    assert_eq!(
        requests_to(&log, "/time/entries")[0].param("conditions"),
        [r#"(chargeToType="ServiceTicket" or chargeToType="ProjectTicket")"#]
    );
}

#[tokio::test]
async fn a_second_sync_reads_only_the_project_tickets_that_changed() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let held = (tickets.clone(), work.clone());
    let (url, log) = serve(move |r, _| site_with(r, &held.0, &held.1));
    let mut cw = with_project(&url);
    let first = cw
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("first sync");
    work.lock().expect("work")[1] =
        project_ticket(102, 42, "Build", (23, "Completed"), "2026-01-05T08:00:00Z");
    log.lock().expect("log").clear();

    let second = cw
        .fetch(first.cursor, at("2026-01-04T00:30:00Z"))
        .await
        .expect("second sync");
    let ids: Vec<u64> = second.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [102], "only the changed project ticket");
    assert_eq!(second.tickets[0].category, StatusCategory::Done);
    assert_eq!(
        second.tickets[0].labels,
        ["Build"],
        "moved to another phase"
    );

    let log = log.lock().expect("log");
    let listing = requests_to(&log, "/project/tickets");
    assert_eq!(listing.len(), 1);
    assert_eq!(
        listing[0].param("conditions"),
        ["project/id in (42) and lastUpdated > [2026-01-03T11:58:00Z]"],
        "two minutes before the newest ticket the first sync stored"
    );
    assert!(requests_to(&log, "/project/tickets/101/notes").is_empty());
    assert_eq!(requests_to(&log, "/project/tickets/102/notes").len(), 1);
}

#[tokio::test]
async fn a_malformed_project_ticket_is_skipped_and_named() {
    let (tickets, work) = (starting_tickets(), starting_work());
    // A site that sends the summary as a number, against the documented string.
    work.lock().expect("work")[1]["summary"] = json!(4711);
    let (url, _) = serve(move |r, _| site_with(r, &tickets, &work));
    let changes = with_project(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs the rest");
    let ids: Vec<u64> = changes
        .tickets
        .iter()
        .filter(|t| t.project.as_str() == "P42")
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [101, 103]);
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("project ticket 102") && w.contains("summary")),
        "{:?}",
        changes.warnings
    );
}

#[tokio::test]
async fn a_project_no_one_can_see_is_a_config_error() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let (url, _) = serve(move |r, _| site_with(r, &tickets, &work));
    let mut s = settings(&url);
    s.projects = Projects::Named(vec!["Website Redesign".into(), "Moon Base".into()]);
    let err = ConnectWiseSource::new("psa", s, quick())
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("unknown project");
    assert!(
        matches!(&err, SourceError::Config(m) if m.contains("Moon Base")),
        "{err}"
    );
}

#[tokio::test]
async fn every_open_project_syncs_and_the_sweep_keeps_closed_projects_tickets() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let (url, log) = serve(move |r, _| site_with(r, &tickets, &work));
    let mut s = settings(&url);
    s.boards = Vec::new();
    s.projects = Projects::Open;
    s.sweep_every = Duration::ZERO;
    let mut cw = ConnectWiseSource::new("psa", s, quick());
    let first = cw
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs");
    let keys: Vec<&str> = first.projects.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["P42"], "the closed project stays out");
    assert_eq!(first.tickets.len(), 3);
    assert!(first.time_entries.iter().all(|e| e.ticket == 101));
    let second = cw
        .fetch(first.cursor, at("2026-01-04T01:00:00Z"))
        .await
        .expect("sweeps");
    let mut present = second.sweep.expect("a sweep").present;
    present.sort_unstable();
    assert_eq!(
        present,
        [101, 102, 103, 104],
        "a project that closes keeps its tickets"
    );
    let log = log.lock().expect("log");
    assert!(
        requests_to(&log, "/service/tickets").is_empty(),
        "no boards configured"
    );
    assert_eq!(
        requests_to(&log, "/project/projects")[0].param("conditions"),
        ["closedFlag=false"]
    );
    assert_eq!(
        requests_to(&log, "/time/entries")[0].param("conditions"),
        [r#"chargeToType="ProjectTicket""#]
    );
}

#[tokio::test]
async fn project_ticket_writes_go_to_the_project_ticket() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let (url, log) = serve(move |r, _| match r.method.as_str() {
        "PATCH" => Reply::json(&work.lock().expect("work")[0]),
        "POST" => Reply::raw(201, r#"{"id": 61}"#),
        _ => site_with(r, &tickets, &work),
    });
    let mut cw = with_project(&url);
    let facts = cw.facts(101, "P#101").await.expect("facts");
    assert_eq!(facts.status, "New");
    assert_eq!(facts.priority_name, "Priority 3 - Normal Response");
    let statuses = cw.statuses(101, "P#101").await.expect("statuses");
    assert_eq!(statuses, ["Scheduled", "Completed"], "the project board's");
    for change in [
        Change::Transition {
            status: "Completed".into(),
        },
        Change::Assign {
            login: "asmith".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::Comment {
            body: "Signed off".into(),
        },
    ] {
        cw.apply(&TrackerAction {
            ticket: 101,
            key: "P#101".into(),
            change,
        })
        .await
        .expect("applied");
    }

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    assert!(
        requests_to(&log, "/service/tickets/101").is_empty(),
        "a project ticket is never asked for as a service ticket"
    );
    let writes: Vec<&Request> = log.iter().filter(|r| r.method != "GET").collect();
    let got: Vec<(&str, &str, Value)> = writes
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.json()))
        .collect();
    let ticket = format!("{ROOT}/project/tickets/101");
    let notes = format!("{ROOT}/project/tickets/101/notes");
    assert_eq!(
        got,
        [
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "status", "value": {"id": 23}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "owner", "value": {"identifier": "asmith"}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "priority", "value": {"id": 8}}])
            ),
            (
                "POST",
                notes.as_str(),
                json!({"text": "Signed off", "detailDescriptionFlag": true,
                       "internalAnalysisFlag": false, "resolutionFlag": false})
            ),
        ]
    );
    for r in writes {
        assert!(
            r.header("Content-Type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{}",
            r.path
        );
    }
}

#[tokio::test]
async fn time_logged_on_tickets_lookout_does_not_sync_is_not_shown() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| site(r, &tickets));
    let store = Store::temporary().expect("store");
    let report = sync_once(&store, &mut source(&url), at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs");
    let p = store.load().expect("load");
    let kept: Vec<u64> = p.time_entries.iter().map(|e| e.id).collect();
    assert_eq!(
        kept,
        [900],
        "903 is charged to ticket 99555, on another board"
    );
    assert_eq!(
        report.summary.time_entries, 1,
        "the summary counts what shows"
    );
    assert!(
        !p.time_entries.iter().any(|e| e.member == "asmith"),
        "nobody from other boards shows up in the hours"
    );
}

#[tokio::test]
async fn time_on_project_tickets_shows_in_the_project_s_hours() {
    let (tickets, work) = (starting_tickets(), starting_work());
    let (url, _) = serve(move |r, _| site_with(r, &tickets, &work));
    let store = Store::temporary().expect("store");
    let now = at("2026-01-10T00:00:00Z");
    sync_once(&store, &mut with_project(&url), now)
        .await
        .expect("syncs");
    let p = store.load().expect("load");
    // What the project detail sums: the last 30 days of time on the project's tickets.
    let mine: Vec<u64> = p
        .tickets
        .iter()
        .filter(|t| t.project.as_str() == "P42")
        .map(|t| t.id)
        .collect();
    let hours: Vec<(&str, f64)> = p
        .time_entries
        .iter()
        .filter(|e| mine.contains(&e.ticket) && e.at > now - chrono::Duration::days(30))
        .map(|e| (e.member.as_str(), e.hours))
        .collect();
    assert_eq!(hours, [("jdoe", 3.25)]);
}

/// `n` service tickets, enough for several batches; ConnectWise numbers service and project
/// tickets alike, so the project tickets' ids are left out.
fn many_tickets(n: u64) -> Tickets {
    Arc::new(Mutex::new(
        (1..=n + 4)
            .filter(|id| !(101..=104).contains(id))
            .map(|id| {
                let minute = id % 60;
                let hour = 8 + (id * 7 % 10);
                let status = if id % 3 == 0 {
                    (3, ">Closed")
                } else {
                    (1, "New")
                };
                ticket(
                    id,
                    status,
                    &format!("2026-01-0{}T{hour:02}:{minute:02}:00Z", 1 + id % 3),
                )
            })
            .collect(),
    ))
}

fn sorted(mut p: Portfolio) -> Portfolio {
    p.tickets.sort_by_key(|t| t.id);
    p.transitions.sort_by_key(|t| (t.ticket, t.at, t.field));
    p.notes.sort_by_key(|n| (n.ticket, n.id));
    p.time_entries.sort_by_key(|e| e.id);
    p
}

#[tokio::test]
async fn a_first_sync_cut_part_way_resumes_from_its_last_stored_batch() {
    let total = (2 * BATCH + 150) as u64;
    let (tickets, work) = (many_tickets(total), starting_work());
    let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let failing = cut.clone();
    let (url, log) = serve(move |r, _| {
        let later_batch = r.param("conditions").iter().any(|c| c.contains(" id > "));
        if failing.load(std::sync::atomic::Ordering::SeqCst)
            && later_batch
            && r.path == format!("{ROOT}/service/tickets")
        {
            Reply::raw(502, "bad gateway")
        } else {
            site_with(r, &tickets, &work)
        }
    });
    let now = at("2026-01-10T00:00:00Z");

    let reference = Store::temporary().expect("store");
    sync_once(&reference, &mut with_project(&url), now)
        .await
        .expect("uninterrupted");
    let whole = reference.load().expect("load");
    assert_eq!(whole.tickets.len(), total as usize + 3);
    let batches: Vec<String> = log
        .lock()
        .expect("log")
        .iter()
        .filter(|r| r.path == format!("{ROOT}/service/tickets"))
        .flat_map(|r| r.param("conditions").into_iter().map(str::to_string))
        .collect();
    assert!(
        batches
            .iter()
            .any(|c| c.ends_with(&format!(" and id > {}", BATCH + 4))),
        "the second batch asks for the ids after the first: {batches:?}"
    );
    assert_eq!(whole.time_entries.len(), 2, "time is read once, at the end");

    // The second batch's listing fails for good: the first batch is stored, the rest not.
    cut.store(true, std::sync::atomic::Ordering::SeqCst);
    let store = Store::temporary().expect("store");
    let err = sync_once(&store, &mut with_project(&url), now)
        .await
        .expect_err("cut");
    assert!(err.to_string().contains("502"), "{err}");
    let partial = store.load().expect("load");
    assert_eq!(partial.tickets.len(), BATCH, "the first batch is kept");
    assert!(partial.time_entries.is_empty());

    cut.store(false, std::sync::atomic::Ordering::SeqCst);
    log.lock().expect("log").clear();
    sync_once(&store, &mut with_project(&url), now)
        .await
        .expect("resumed");
    let resumed = log.lock().expect("log").clone();
    let notes_read = resumed
        .iter()
        .filter(|r| r.path.ends_with("/notes"))
        .count();
    assert_eq!(
        notes_read,
        total as usize + 3 - BATCH,
        "the resumed sync reads the tickets after the stored batch only"
    );

    assert!(
        sorted(store.load().expect("load")) == sorted(reference.load().expect("load")),
        "the resumed store differs from the uninterrupted one"
    );
    let position = |s: &Store| {
        let c = s.cursor("psa").expect("cursor").expect("a cursor");
        serde_json::from_str::<Value>(&c).expect("json cursor")
    };
    assert_eq!(position(&store), position(&reference));
}

#[tokio::test]
async fn a_long_audit_trail_is_read_to_its_end_and_missing_notes_cost_only_them() {
    // Ticket 1's audit trail spans two pages, its status move on the second; ticket 2 was
    // deleted between the listing and its notes.
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, _| {
        let trail = format!("{ROOT}/system/audittrail");
        if r.path == trail && r.param("id") == ["1"] {
            if r.param("page") == ["2"] {
                return Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \"In Progress\"",
                     "enteredDate": "2026-01-02T09:00:00Z", "enteredBy": "jdoe"},
                ]));
            }
            let host = r.header("host").unwrap_or("");
            return Reply::json(&json!([
                {"text": "Summary has been changed", "enteredDate": "2026-01-02T08:00:00Z"},
            ]))
            .with_header(
                "Link",
                &format!("<http://{host}{trail}?type=Ticket&id=1&page=2>; rel=\"next\""),
            );
        }
        if r.path == format!("{ROOT}/service/tickets/2/notes") {
            return Reply::raw(404, r#"{"code":"NotFound"}"#);
        }
        site(r, &tickets)
    });
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("a sync all the same");
    assert_eq!(changes.tickets.len(), 3);
    assert!(
        changes
            .transitions
            .iter()
            .any(|t| t.ticket == 1 && t.to.as_deref() == Some("In Progress")),
        "{:?}",
        changes.transitions
    );
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("#2") && w.contains("notes")),
        "{:?}",
        changes.warnings
    );
    let first_trail = log
        .lock()
        .expect("log")
        .iter()
        .find(|r| r.path.ends_with("/system/audittrail"))
        .cloned()
        .expect("the audit trail was read");
    assert_eq!(first_trail.param("pageSize"), ["1000"]);
}
