//! Tracker text that tries to drive the terminal, through every headless way out of lookout:
//! `doctor`, `sync`, the `forecast` table and JSON, `backtest` on a CSV, error messages and
//! the log. A tracker here is a local server answering as a Redmine that keeps ESC, BEL,
//! NUL, U+202E and U+009B byte for byte; a store "from an older version" is one written
//! without the sync's cleaning pass.

#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/routed.rs"]
mod routed;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use hostile::{assert_inert, wrap};
use routed::{Reply, Request};
use serde_json::json;

fn lookout(home: &Path, config: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lookout"));
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .env_remove("LOOKOUT_CONFIG")
        .env_remove("LOOKOUT_LOG")
        .env("XDG_CONFIG_HOME", home.join("xdg"))
        .env("HOSTILE_REDMINE_KEY", "key")
        .output()
        .expect("run lookout")
}

/// Both streams, checked; stdout returned as text.
fn inert(out: &Output, what: &str) -> String {
    assert_inert(&out.stdout, &format!("{what}, stdout"));
    assert_inert(&out.stderr, &format!("{what}, stderr"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A one-project, one-issue Redmine whose every name is hostile text around a plain one.
fn hostile_redmine() -> String {
    let issue = |journals: bool| {
        let mut issue = json!({
            "id": 7,
            "project": { "id": 1, "name": wrap("Ops") },
            "status": { "id": 2, "name": wrap("In Progress") },
            "priority": { "id": 2, "name": wrap("Normal") },
            "assigned_to": { "id": 5, "name": wrap("Dana") },
            "subject": wrap("Disk alarms"),
            "created_on": "2026-01-02T00:00:00Z",
            "updated_on": "2026-01-03T00:00:00Z"
        });
        if journals {
            issue["journals"] = json!([{
                "id": 70, "user": { "id": 5, "name": wrap("Dana") },
                "notes": wrap("looked\nat it"), "created_on": "2026-01-03T00:00:00Z",
                "details": [{ "property": "attr", "name": "status_id",
                              "old_value": "1", "new_value": "2" }]
            }]);
        }
        issue
    };
    let handler = move |r: Request| -> Reply {
        match r.path.as_str() {
            "/issue_statuses.json" => Reply::json(&json!({ "issue_statuses": [
                { "id": 1, "name": wrap("New"), "is_closed": false },
                { "id": 2, "name": wrap("In Progress"), "is_closed": false },
                { "id": 3, "name": wrap("Closed"), "is_closed": true },
            ]})),
            "/trackers.json" => Reply::json(&json!({ "trackers": [
                { "id": 1, "name": wrap("Bug"), "default_status": { "id": 1, "name": "New" } },
            ]})),
            "/enumerations/issue_priorities.json" => Reply::json(&json!({ "issue_priorities": [
                { "id": 2, "name": wrap("Normal"), "is_default": true },
            ]})),
            "/projects.json" => Reply::json(&json!({
                "projects": [{ "id": 1, "name": wrap("Ops"), "identifier": wrap("ops"),
                               "description": wrap("runs\nthings"),
                               "created_on": "2026-01-01T00:00:00Z" }],
                "total_count": 1
            })),
            "/projects/1/memberships.json" => Reply::json(&json!({
                "memberships": [{ "user": { "id": 5, "name": wrap("Dana") } }],
                "total_count": 1
            })),
            "/issues/7.json" => Reply::json(&json!({ "issue": issue(true) })),
            "/issues.json" => {
                let past_it = r.param("v[issue_id][]").iter().any(|v| *v != "1");
                let issues = if past_it {
                    json!([])
                } else {
                    json!([issue(false)])
                };
                Reply::json(&json!({ "issues": issues, "total_count": 1 }))
            }
            "/time_entries.json" => Reply::json(&json!({ "time_entries": [{
                "id": 3, "issue": { "id": 7 }, "user": { "id": 5, "name": wrap("Dana") },
                "hours": 1.5, "comments": wrap("on call"), "spent_on": "2026-01-02",
                "created_on": "2026-01-02T00:00:00Z", "updated_on": "2026-01-02T00:00:00Z"
            }], "total_count": 1 })),
            _ => Reply::raw(404, "{}"),
        }
    };
    format!("http://{}", routed::serve(Arc::new(handler)))
}

fn redmine_config(dir: &Path, url: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nkind = \"redmine\"\nname = \"rm\"\nurl = \"{url}\"\n\
             api_key_env = \"HOSTILE_REDMINE_KEY\"\n"
        ),
    )
    .expect("config");
    config
}

#[test]
fn doctor_names_a_hostile_trackers_projects_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = redmine_config(dir.path(), &hostile_redmine());
    let out = lookout(dir.path(), Some(&config), &["doctor"]);
    let text = inert(&out, "doctor");
    assert!(
        text.contains("ok    projects visible: 1: ops\n"),
        "the identifier, cleaned:\n{text}"
    );
}

#[test]
fn a_hostile_redmine_syncs_and_forecasts_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = redmine_config(dir.path(), &hostile_redmine());
    let sync = lookout(dir.path(), Some(&config), &["sync", "--once"]);
    let text = inert(&sync, "sync --once");
    assert!(
        sync.status.success() && text.starts_with("rm: 1 ticket (1 new"),
        "{text}"
    );

    let table = lookout(dir.path(), Some(&config), &["forecast", "--project", "ops"]);
    let text = inert(&table, "forecast table");
    assert!(table.status.success(), "{text}");
    assert!(
        text.starts_with("ops: when will 1 items be done?"),
        "{text}"
    );

    let out = lookout(
        dir.path(),
        Some(&config),
        &["forecast", "--project", "ops", "--format", "json"],
    );
    let text = inert(&out, "forecast JSON");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["project"], "ops");

    let log = std::fs::read(dir.path().join("data").join("lookout.log")).expect("a log");
    hostile::assert_no_controls(&log, "the log");
}

/// The demo's data with every text hostile, written as an older lookout wrote it: raw.
fn raw_store(data: &Path) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("date");
    let mut changes = lookout::sources::demo::generate("demo", 42, now).into_change_set();
    hostile::poison(&mut changes);
    let store = lookout::store::Store::open(data).expect("store");
    store.write(&changes).expect("write");
}

#[test]
fn a_store_holding_raw_text_forecasts_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    raw_store(&dir.path().join("data"));
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[[source]]\nkind = \"demo\"\nname = \"demo\"\n").expect("config");

    let table = lookout(
        dir.path(),
        Some(&config),
        &["forecast", "--project", "crux"],
    );
    let text = inert(&table, "forecast table");
    assert!(table.status.success(), "{text}");
    assert!(text.starts_with("CRUX: when will"), "{text}");

    let out = lookout(
        dir.path(),
        Some(&config),
        &["forecast", "--project", "crux", "--format", "json"],
    );
    let text = inert(&out, "forecast JSON");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["project"], "CRUX");

    // An error that lists what the store holds.
    let out = lookout(
        dir.path(),
        Some(&config),
        &["forecast", "--project", "nope"],
    );
    inert(&out, "forecast error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("known projects: ") && err.contains("CRUX"),
        "{err}"
    );
}

/// `rows` resolved tickets a day apart for each project, its name hostile, and two rows the
/// backtest leaves out (no project; not delivered), in a file whose name is hostile too.
fn hostile_csv(dir: &Path, projects: &[&str], rows: usize) -> std::path::PathBuf {
    let mut csv = String::from("project,created,resolved,resolution\n");
    csv.push_str(",2024-01-01,2024-01-02,Fixed\n");
    csv.push_str(&format!(
        "OPS,2024-01-01,2024-01-02,{}\n",
        wrap("Duplicate")
    ));
    for p in projects {
        for i in 0..rows {
            let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date")
                + chrono::Duration::days(i as i64);
            csv.push_str(&format!("\"{}\",{day},{day},Fixed\n", wrap(p)));
        }
    }
    let path = dir.join("history\u{1b}]0;t\u{7}\u{202e}\u{9b}1m.csv");
    std::fs::write(&path, csv).expect("csv");
    path
}

#[test]
fn backtest_of_a_hostile_csv_prints_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = hostile_csv(dir.path(), &["OPS", "WEB"], 400);
    let csv = csv.to_str().expect("utf-8 path");
    let args = ["backtest", "--csv", csv, "--min-resolved", "100"];
    let table = lookout(dir.path(), None, &args);
    let text = inert(&table, "backtest table");
    assert!(table.status.success(), "{text}");
    let err = String::from_utf8_lossy(&table.stderr);
    assert!(
        err.contains("history.csv: skipped 1 rows") && err.contains("history.csv: left out 1"),
        "{err}"
    );
    assert!(text.contains("  OPS ") && text.contains("  WEB "), "{text}");

    let out = lookout(
        dir.path(),
        None,
        &[&args[..], &["--format", "json"]].concat(),
    );
    let text = inert(&out, "backtest JSON");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let names: Vec<&str> = value["per_project"]
        .as_array()
        .expect("per project")
        .iter()
        .filter_map(|p| p["project"].as_str())
        .collect();
    assert_eq!(names, ["OPS", "WEB"]);

    // A header without the columns it needs is quoted in the error.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, format!("{},when\nx,y\n", wrap("proj"))).expect("csv");
    let out = lookout(
        dir.path(),
        None,
        &["backtest", "--csv", bad.to_str().expect("utf-8 path")],
    );
    inert(&out, "backtest error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("it has: proj, when"), "{err}");

    // Any error on the way out is printed clean, even one quoting the command line.
    // (No NUL: a command line cannot carry one.)
    let missing = dir
        .path()
        .join("gone\u{1b}]0;t\u{7}\u{202e}\u{9b}31m\u{1b}[31m.csv");
    let out = lookout(
        dir.path(),
        None,
        &["backtest", "--csv", missing.to_str().expect("utf-8 path")],
    );
    inert(&out, "backtest of a missing file");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gone.csv") && !out.status.success(), "{err}");
}

/// What a sync reports and stores is clean, whatever the source sent; the report's warnings
/// (printed by `sync`, counted in the status bar, logged) are cleaned only here.
#[tokio::test]
async fn a_sync_cleans_what_the_source_sent() {
    struct Answer(Option<lookout::domain::ChangeSet>);
    impl lookout::sources::Source for Answer {
        fn name(&self) -> &str {
            "demo"
        }
        fn fetch<'a>(
            &'a mut self,
            _: Option<String>,
            _: chrono::DateTime<Utc>,
        ) -> futures::future::BoxFuture<
            'a,
            Result<lookout::domain::ChangeSet, lookout::sources::SourceError>,
        > {
            let answer = self.0.take().unwrap_or_default();
            Box::pin(async move { Ok(answer) })
        }
    }
    let now = Utc
        .with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("date");
    let mut changes = lookout::sources::demo::generate("demo", 42, now).into_change_set();
    hostile::poison(&mut changes);
    changes
        .warnings
        .push(format!("x.csv:3: skipped: {}", wrap("bad row")));
    let store = lookout::store::Store::temporary().expect("store");
    let report = lookout::sync::sync_once(&store, &mut Answer(Some(changes)), now)
        .await
        .expect("sync");
    assert_eq!(report.warnings, ["x.csv:3: skipped: bad row"]);
    let p = store.load().expect("load");
    assert!(
        p.projects
            .iter()
            .any(|x| x.key == "CRUX" && x.name == "Crux Platform")
    );
    assert!(
        p.tickets
            .iter()
            .all(|t| p.projects.iter().any(|x| x.key == t.project))
    );
}

#[test]
fn log_lines_quoting_a_tracker_are_clean() {
    #[derive(Clone, Default)]
    struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("buffer").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Shared::default();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(lookout::text::log::CleanLog::new(
            buffer.clone(),
        )))
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let answer = wrap("Bad Gateway");
        tracing::warn!(source = %answer, "sync failed: {answer}");
        tracing::info!("next line");
    });
    // tracing spells some controls out (`\x1b`): text, not controls. The rest is cleaned.
    let log = buffer.0.lock().expect("buffer").clone();
    hostile::assert_no_controls(&log, "log");
    let text = String::from_utf8_lossy(&log);
    assert!(text.contains("sync failed: Bad Gateway"), "{text}");
    assert!(text.contains("source=Bad Gateway\n"), "{text}");
    assert_eq!(text.lines().count(), 2, "one line per record:\n{text}");
}
