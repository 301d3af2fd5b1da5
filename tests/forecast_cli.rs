//! The forecast and backtest commands through the binary: stable JSON fields, clear errors.

use std::path::Path;
use std::process::{Command, Output};

fn lookout(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LOOKOUT_DATA_DIR", home.join("data"))
        .output()
        .expect("run lookout")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON only")
}

#[test]
fn forecast_on_the_demo_answers_both_questions_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let when = json(&lookout(
        &[
            "--demo",
            "forecast",
            "--project",
            "atlas",
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(when["question"]["question"], "when");
    let statements = when["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 4);
    let days: Vec<u64> = statements
        .iter()
        .map(|s| s["value"].as_u64().expect("days"))
        .collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "percentiles are ordered: {days:?}"
    );
    assert!(
        when["chance_by_target"].as_f64().is_some(),
        "ATLAS has a target date"
    );
    // The corrected method by default, with the record its levels come from.
    assert_eq!(when["method"], "corrected");
    let record = &when["track_record"];
    for field in ["levels", "settled", "hits"] {
        let values = record[field].as_array().expect(field);
        assert_eq!(values.len(), 4, "{field}: {record}");
    }
    let settled = record["settled"][2].as_u64().expect("settled");
    let hits = record["hits"][2].as_u64().expect("hits");
    assert!(hits <= settled, "{record}");
    assert!(record["span_days"].as_u64().is_some(), "{record}");
    assert_eq!(
        when["correcting"], false,
        "the command waits for its replay"
    );

    let by = (chrono::Utc::now().date_naive() + chrono::Duration::days(28)).to_string();
    let many = json(&lookout(
        &[
            "--demo",
            "forecast",
            "--project",
            "ATLAS",
            "--by",
            &by,
            "--method",
            "classic",
            "--format",
            "json",
        ],
        dir.path(),
    ));
    assert_eq!(many["method"], "classic");
    let items: Vec<u64> = many["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["value"].as_u64().expect("items"))
        .collect();
    assert!(
        items.windows(2).all(|w| w[0] >= w[1]),
        "higher confidence, fewer items: {items:?}"
    );
    assert!(items[0] > 0);
}

#[test]
fn forecast_errors_are_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = lookout(&["--demo", "forecast", "--project", "NOPE"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no project \"NOPE\"") && err.contains("ATLAS"),
        "{err}"
    );
    let out = lookout(
        &[
            "--demo",
            "forecast",
            "--project",
            "ATLAS",
            "--by",
            "2001-01-01",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the past"));
    let out = lookout(
        &["--demo", "forecast", "--project", "ATLAS", "--by", "soon"],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn backtest_json_has_its_stable_fields_and_reports_bad_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("history.csv");
    let mut text = String::from("project,key,resolved,created\n");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    for day in 0..500 {
        let date = start + chrono::Duration::days(day);
        for n in 0..(day % 3) {
            text.push_str(&format!("P,P-{day}-{n},{date}T10:00:00.000+0000,{date}\n"));
        }
    }
    text.push_str("P,P-bad,not a date,2020-01-01\n");
    let bad_line = text.lines().count();
    std::fs::write(&csv, text).expect("write csv");
    let out = lookout(
        &[
            "backtest",
            "--csv",
            csv.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        dir.path(),
    );
    let v = json(&out);
    for q in ["how_many", "when"] {
        for p in ["p50", "p70", "p85", "p95"] {
            let c = v["coverage"][q][p].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&c), "coverage.{q}.{p} = {c}");
        }
        assert_eq!(v["pit"][q].as_array().map(Vec::len), Some(10));
        assert!(v["mean_relative_crps"][q].as_f64().is_some());
        assert!(v["median_interval_width"][q].as_f64().is_some());
    }
    assert!(v["origins"].as_u64().unwrap_or(0) > 10);
    assert_eq!(v["per_project"][0]["project"], "P");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("skipped 1 rows") && err.contains(&format!("[{bad_line}]")),
        "{err}"
    );

    let out = lookout(
        &[
            "backtest",
            "--csv",
            csv.to_str().expect("utf-8"),
            "--min-resolved",
            "100000",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let missing = lookout(&["backtest", "--csv", "/nonexistent/file.csv"], dir.path());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/file.csv"));
}

#[test]
fn a_configured_target_reaches_the_forecast() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("c.toml");
    let target = (chrono::Utc::now().date_naive() + chrono::Duration::days(400)).to_string();
    std::fs::write(&config, format!("[targets]\nCRUX = \"{target}\"\n")).expect("write");
    let out = lookout(
        &[
            "--demo",
            "--config",
            config.to_str().expect("utf-8"),
            "forecast",
            "--project",
            "CRUX",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let v = json(&out);
    assert_eq!(v["target"], target.as_str());
    assert!(
        v["chance_by_target"].as_f64().is_some_and(|c| c > 0.9),
        "{}",
        v["chance_by_target"]
    );
}
