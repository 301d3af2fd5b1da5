//! One config with a GitHub, a GitLab and a ConnectWise source, each a local server shaped as
//! its tracker: `lookout sync --once` (the real binary, the real config reader) brings all
//! three into one store, and the Projects tab shows every source's projects side by side.

#[path = "common/demo_state.rs"]
mod demo_state;
#[path = "common/fake_github.rs"]
mod fake_github;
#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/routed.rs"]
mod routed;
#[path = "common/screen.rs"]
mod screen;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use demo_state::loaded_as;
use fake_github::{FakeGithub, FakeIssue};
use fake_gitlab::FakeGitLab;
use lookout::domain::StatusCategory;
use lookout::store::Store;
use routed::{Reply, Request};
use serde_json::json;

const CW_ROOT: &str = "/v4_6_release/apis/3.0";

/// A ConnectWise site with one board of three service tickets, as a sync reads it.
fn connectwise() -> String {
    let addr = routed::serve(Arc::new(|r: Request| {
        let path = r.path.strip_prefix(CW_ROOT).unwrap_or("");
        match (r.method.as_str(), path) {
            ("GET", "/service/boards") => Reply::json(&json!([
                {"id": 1, "name": "Help Desk"},
                {"id": 2, "name": "Sales"},
            ])),
            ("GET", "/service/boards/1/statuses") => Reply::json(&json!([
                {"id": 1, "name": "New", "closedStatus": false},
                {"id": 2, "name": "In Progress", "closedStatus": false},
                {"id": 3, "name": ">Closed", "closedStatus": true},
            ])),
            ("GET", "/system/members") => Reply::json(&json!([
                {"id": 7, "identifier": "jdoe", "firstName": "Jane", "lastName": "Doe"},
            ])),
            ("GET", "/service/tickets") => {
                // `conditions=... lastUpdated > [2026-01-03T11:58:00Z]`, as the site filters.
                let conditions = r.param("conditions").first().copied().unwrap_or("");
                let after = conditions
                    .split_once("lastUpdated > [")
                    .and_then(|(_, rest)| rest.split_once(']'))
                    .map(|(ts, _)| ts.to_string());
                let rows: Vec<serde_json::Value> = [
                    cw_ticket(1, (2, "In Progress"), "2026-01-02T10:00:00Z"),
                    cw_ticket(2, (1, "New"), "2026-01-02T11:00:00Z"),
                    cw_ticket(3, (3, ">Closed"), "2026-01-03T12:00:00Z"),
                ]
                .into_iter()
                .filter(|t| {
                    // RFC 3339 UTC times in one format compare as text.
                    after
                        .as_deref()
                        .is_none_or(|a| t["_info"]["lastUpdated"].as_str().is_some_and(|u| u > a))
                })
                .collect();
                Reply::json(&serde_json::Value::Array(rows))
            }
            ("GET", "/system/audittrail") => Reply::json(&json!([])),
            ("GET", p) if p.ends_with("/notes") => Reply::json(&json!([])),
            ("GET", "/time/entries") => Reply::json(&json!([])),
            ("GET", p) if p.starts_with("/project/") => Reply::json(&json!([])),
            _ => Reply::raw(404, r#"{"code":"NotFound"}"#),
        }
    }));
    format!("http://{addr}")
}

fn cw_ticket(id: u64, status: (u64, &str), updated: &str) -> serde_json::Value {
    json!({
        "id": id,
        "summary": format!("Printer ticket {id}"),
        "board": {"id": 1, "name": "Help Desk"},
        "status": {"id": status.0, "name": status.1},
        "owner": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
        "priority": {"id": 8, "name": "Priority 2 - Quick Response"},
        "_info": {"dateEntered": "2026-01-01T09:00:00Z", "lastUpdated": updated}
    })
}

fn github() -> FakeGithub {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("a date")
        .timestamp();
    let mut closed = FakeIssue::open(2, start + 3600);
    closed.closed = Some((start + 7200, "completed"));
    closed.updated = start + 7200;
    FakeGithub::start(
        vec![(
            "acme/app".into(),
            vec![
                FakeIssue::open(1, start),
                closed,
                FakeIssue::open(3, start + 60),
            ],
        )],
        false,
    )
}

fn gitlab() -> FakeGitLab {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("a date");
    FakeGitLab::start(&["grp/web"], fake_gitlab::generate(6, 1, start))
}

fn config(gh: &str, gl: &str, cw: &str) -> String {
    // Token variables name ones cargo sets for every test, so no secret is needed.
    format!(
        r#"
[[source]]
kind = "github"
name = "gh"
url = "{gh}"
token_env = "CARGO_PKG_NAME"
repos = ["acme/app"]

[[source]]
kind = "gitlab"
name = "gl"
url = "{gl}"
token_env = "CARGO_PKG_NAME"
projects = ["grp/web"]

[[source]]
kind = "connectwise"
name = "psa"
url = "{cw}"
company = "acme"
public_key_env = "CARGO_PKG_NAME"
private_key_env = "CARGO_PKG_VERSION"
client_id = "c0ffee-client"
boards = ["Help Desk"]
"#
    )
}

fn sync_once(config: &Path, data: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(["sync", "--once"])
        .env_remove("LOOKOUT_CONFIG")
        .output()
        .expect("run lookout")
}

#[test]
fn three_trackers_sync_into_one_portfolio_and_the_projects_tab_shows_each() {
    let (gh, gl, cw) = (github(), gitlab(), connectwise());
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("config.toml");
    std::fs::write(&file, config(&gh.url, &gl.url, &cw)).expect("write config");
    let data = dir.path().join("data");

    let out = sync_once(&file, &data);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["gh: ", "gl: ", "psa: "] {
        assert!(said.lines().any(|l| l.starts_with(name)), "{said}");
    }

    let portfolio = Store::open(&data).expect("open").load().expect("load");
    let mut keys: Vec<(String, String)> = portfolio
        .projects
        .iter()
        .map(|p| (p.source.clone(), p.key.clone()))
        .collect();
    keys.sort();
    let sources: Vec<&str> = keys.iter().map(|(s, _)| s.as_str()).collect();
    assert!(sources.contains(&"gh") && sources.contains(&"gl") && sources.contains(&"psa"));
    let count = |source: &str| {
        portfolio
            .tickets
            .iter()
            .filter(|t| t.source == source)
            .count()
    };
    assert_eq!(
        (count("gh"), count("gl"), count("psa")),
        (3, 6, 3),
        "{keys:?}"
    );
    // Each tracker's own notion of done arrived as the one category lookout counts.
    let done = |source: &str| {
        portfolio
            .tickets
            .iter()
            .filter(|t| t.source == source && t.category == StatusCategory::Done)
            .count()
    };
    assert_eq!((done("gh"), done("gl"), done("psa")), (1, 2, 1));

    let state = loaded_as(portfolio.clone(), &["gh", "gl", "psa"], true);
    let text = screen::screen(&state, 120, 40);
    for (source, key) in &keys {
        let row = text
            .lines()
            .find(|l| l.contains(key.as_str()))
            .unwrap_or_else(|| panic!("{key} on screen:\n{text}"));
        assert!(
            row.contains(source.as_str()),
            "{source} beside {key}: {row}"
        );
    }

    // A second sync of unchanged trackers brings nothing new.
    let again = sync_once(&file, &data);
    assert!(again.status.success());
    let said = String::from_utf8_lossy(&again.stdout).to_string();
    for name in ["gh", "gl", "psa"] {
        let line = said
            .lines()
            .find(|l| l.starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("{name} in {said}"));
        assert!(line.contains("(0 new, 0 changed"), "{line}");
    }
}
