//! `lookout backtest --stalls` through the binary: its JSON keys on the demo, and figures
//! counted by hand on a CSV source whose histories come from a transitions file.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

fn lookout(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .env_remove("LOOKOUT_CONFIG")
        .env_remove("LOOKOUT_LOG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LOOKOUT_DATA_DIR", home.join("data"))
        .env("HOME", home)
        .output()
        .expect("run lookout")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn share(doc: &serde_json::Value, pointer: &str) -> Option<f64> {
    let v = doc
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} missing: {doc}"));
    assert!(v.is_null() || v.is_f64(), "{pointer}: {v}");
    v.as_f64()
}

#[test]
fn the_demo_reports_every_key_under_stalls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = json(&lookout(
        &["--demo", "backtest", "--stalls", "--format", "json"],
        dir.path(),
    ));
    assert!(
        doc.pointer("/stalls/origins")
            .and_then(|v| v.as_u64())
            .is_some_and(|n| n > 0),
        "{doc}"
    );
    for key in [
        "/stalls/precision_at_10",
        "/stalls/precision_at_25",
        "/stalls/share_true",
        "/stalls/baseline/precision_at_10",
        "/stalls/baseline/precision_at_25",
        "/stalls/base_rate",
    ] {
        if let Some(x) = share(&doc, key) {
            assert!((0.0..=1.0).contains(&x), "{key}: {x}");
        }
    }
    assert!(
        share(&doc, "/stalls/precision_at_10").is_some(),
        "the demo has stalls: {doc}"
    );
    share(&doc, "/stalls/lead_days_median");
    let projects = doc
        .pointer("/stalls/per_project")
        .and_then(|v| v.as_array())
        .expect("per_project");
    assert!(!projects.is_empty());
    assert!(projects[0].pointer("/baseline/precision_at_10").is_some());
    let table = lookout(&["--demo", "backtest", "--stalls"], dir.path());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("no change for 14 days"), "{text}");
}

/// The hand-made history of the stall backtest's unit test, as two files: twenty tickets done
/// in five days each, then at the one origin (day 90) five in progress whose fates are known.
fn files(dir: &Path) {
    let day = |d: i64| {
        (chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + chrono::Duration::days(d))
            .format("%Y-%m-%dT00:00:00Z")
            .to_string()
    };
    let mut tickets = String::from("project,key,status,created,resolved,resolution\n");
    let mut moves = String::from("key,at,field,from,to\n");
    let mut add = |id: i64, start: i64, done: Option<(i64, &str)>| {
        let key = format!("P-{id}");
        match done {
            Some((d, r)) => writeln!(tickets, "P,{key},Done,{},{},{r}", day(0), day(d)),
            None => writeln!(tickets, "P,{key},In Progress,{},,", day(0)),
        }
        .expect("write");
        writeln!(moves, "{key},{},status,To Do,In Progress", day(start)).expect("write");
        if let Some((d, _)) = done {
            writeln!(moves, "{key},{},status,In Progress,Done", day(d)).expect("write");
        }
    };
    for id in 1..=20 {
        add(id, id, Some((id + 5, "Fixed")));
    }
    add(101, 10, None);
    add(102, 84, Some((100, "Fixed")));
    add(103, 70, Some((95, "Fixed")));
    add(104, 74, Some((110, "Duplicate")));
    add(105, 89, None);
    // The data runs to day 130, so only the origin of day 90 has its outcome.
    writeln!(tickets, "P,P-200,To Do,{},,", day(130)).expect("write");
    std::fs::write(dir.join("tickets.csv"), tickets).expect("tickets");
    std::fs::write(dir.join("transitions.csv"), moves).expect("transitions");
    std::fs::write(
        dir.join("lookout.toml"),
        "[[source]]\nkind = \"csv\"\nname = \"desk\"\npath = \"tickets.csv\"\n\
         transitions = \"transitions.csv\"\n\
         columns = { project = \"project\", key = \"key\", status = \"status\", \
         created = \"created\", resolved = \"resolved\", resolution = \"resolution\" }\n",
    )
    .expect("config");
}

#[test]
fn a_csv_history_scores_as_counted_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    files(dir.path());
    let config = dir.path().join("lookout.toml");
    let config = config.to_str().expect("path");
    let doc = json(&lookout(
        &[
            "--config", config, "backtest", "--stalls", "--format", "json",
        ],
        dir.path(),
    ));
    assert_eq!(doc.pointer("/stalls/origins"), Some(&1.into()), "{doc}");
    // Lookout flags 101 to 104; 101 (still open) and 104 (a duplicate) were true stalls.
    assert_eq!(share(&doc, "/stalls/precision_at_10"), Some(0.5), "{doc}");
    assert_eq!(share(&doc, "/stalls/precision_at_25"), Some(0.5));
    // The baseline flags 101, 103 and 104 (quiet for 80, 20 and 16 days).
    assert_eq!(
        share(&doc, "/stalls/baseline/precision_at_10"),
        Some(2.0 / 3.0)
    );
    assert_eq!(
        share(&doc, "/stalls/baseline/precision_at_25"),
        Some(2.0 / 3.0)
    );
    assert_eq!(share(&doc, "/stalls/lead_days_median"), Some(0.0));
    assert_eq!(share(&doc, "/stalls/base_rate"), Some(0.6));
}

#[test]
fn stalls_and_a_forecast_csv_do_not_mix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = lookout(
        &["--demo", "backtest", "--stalls", "--csv", "x.csv"],
        dir.path(),
    );
    assert!(!out.status.success());
    let out = lookout(&["--demo", "backtest"], dir.path());
    assert!(!out.status.success(), "one of --csv or --stalls is needed");
}
