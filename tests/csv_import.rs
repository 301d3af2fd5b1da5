//! CSV import: presets, column mapping, bad rows by line, re-import without duplicates, and
//! the real PROMISE'19 file from ../shared/data.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use lookout::config::{Settings, SourceKind};
use lookout::domain::StatusCategory;
use lookout::sources::csv::{CsvSource, Mapping};
use lookout::store::Store;
use lookout::sync::sync_once;

const JIRA: &str = "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Created,Updated,Resolved,Labels,Custom field (Story Points)
\"Fix login, again\",OPS-1,10001,Bug,Done,OPS,High,Done,ana,01/Mar/26 9:15 AM,05/Mar/26 4:00 PM,05/Mar/26 4:00 PM,backend,3
Add export \u{1b}[31mred,OPS-2,10002,Story,In Progress,OPS,Medium,,ben,02/Mar/26 10:00 AM,06/Mar/26 11:00 AM,,,5
Old duplicate,OPS-3,10003,Bug,Closed,OPS,Low,Duplicate,,03/Mar/26 10:00 AM,04/Mar/26 10:00 AM,04/Mar/26 10:00 AM,,
Broken row,OPS-4,10004,Bug,Open,OPS,Low,,,not a date,,,,
Waiting,OPS-5,10005,Task,To Do,OPS,Lowest,,,04/Mar/26 10:00 AM,04/Mar/26 10:00 AM,,,x
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

#[tokio::test]
async fn jira_export_imports_with_bad_rows_reported_by_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "jira.csv", JIRA);
    let store = Store::temporary().expect("store");
    let mut source = CsvSource::new("jira", path, Mapping::preset("jira").expect("preset"));
    let report = sync_once(&store, &mut source, Utc::now())
        .await
        .expect("import");
    let p = store.load().expect("load");
    let keys: Vec<&str> = p.tickets.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(p.tickets.len(), 3, "{keys:?}");
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains(":5: skipped: no readable created date"),
        "{:?}",
        report.warnings
    );
    assert!(
        report.warnings[1].contains(":6: skipped: estimate \"x\" is not a number"),
        "{:?}",
        report.warnings
    );
    let t = |k: &str| p.tickets.iter().find(|t| t.key == k).expect("ticket");
    assert_eq!(t("OPS-1").title, "Fix login, again");
    assert_eq!(t("OPS-1").category, StatusCategory::Done);
    assert!(t("OPS-1").delivered());
    assert!(!t("OPS-3").delivered(), "a duplicate is not a delivery");
    assert_eq!(t("OPS-2").category, StatusCategory::InProgress);
    assert_eq!(t("OPS-2").estimate, Some(5.0));
    assert_eq!(p.projects.len(), 1);
    assert_eq!(p.members.len(), 2);
    assert!(
        p.transitions
            .iter()
            .any(|x| x.ticket == t("OPS-1").id && x.to.as_deref() == Some("Done"))
    );
}

#[tokio::test]
async fn reimporting_a_changed_file_updates_and_an_unchanged_one_is_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "jira.csv", JIRA);
    let store = Store::temporary().expect("store");
    let mut source = CsvSource::new(
        "jira",
        path.clone(),
        Mapping::preset("jira").expect("preset"),
    );
    sync_once(&store, &mut source, Utc::now())
        .await
        .expect("first import");
    let again = sync_once(&store, &mut source, Utc::now())
        .await
        .expect("second import");
    assert_eq!(again.changed, 0, "an unchanged file is not read again");
    // OPS-2 moves to Done; the file gets one more line so its size changes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let changed = JIRA.replace(
        "Add export \u{1b}[31mred,OPS-2,10002,Story,In Progress,OPS,Medium,,ben,02/Mar/26 10:00 AM,06/Mar/26 11:00 AM,,,5",
        "Add export,OPS-2,10002,Story,Done,OPS,Medium,Done,ben,02/Mar/26 10:00 AM,08/Mar/26 11:00 AM,08/Mar/26 11:00 AM,,5",
    );
    write(dir.path(), "jira.csv", &changed);
    let third = sync_once(&store, &mut source, Utc::now())
        .await
        .expect("re-import");
    assert!(third.changed > 0);
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 3, "updated, not duplicated");
    let ops2 = p.tickets.iter().find(|t| t.key == "OPS-2").expect("OPS-2");
    assert_eq!(ops2.category, StatusCategory::Done);
}

#[test]
fn config_names_the_file_line_and_key_for_csv_mistakes() {
    let parse = |text: &str| Settings::parse(Path::new("/etc/lookout/c.toml"), text);
    let ok = parse("[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"data/x.csv\"\npreset = \"jira\"\ncolumns = { title = \"Name\" }\n")
        .expect("valid");
    match &ok.sources[0].kind {
        SourceKind::Csv { path, mapping } => {
            assert_eq!(
                path,
                Path::new("/etc/lookout/data/x.csv"),
                "relative to the config file"
            );
            assert_eq!(
                mapping.columns.get("title").map(String::as_str),
                Some("Name")
            );
        }
        other => panic!("{other:?}"),
    }
    for (text, line, needle) in [
        (
            "[[source]]\nkind = \"csv\"\nname = \"a\"\n",
            2,
            "needs `path`",
        ),
        (
            "[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"x\"\npreset = \"excel\"\n",
            5,
            "not a preset",
        ),
        (
            "[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"x\"\ncolumns = { titel = \"T\" }\n",
            5,
            "not a ticket field",
        ),
        (
            "[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"x\"\ncolumns = { key = \"K\" }\n",
            5,
            "no column is mapped to project, created",
        ),
        (
            "[[source]]\nkind = \"demo\"\nname = \"a\"\npath = \"x\"\n",
            4,
            "`path` does not apply to demo sources",
        ),
    ] {
        let err = parse(text).expect_err(text).to_string();
        assert!(
            err.contains(&format!("c.toml:{line}:")) && err.contains(needle),
            "{text}\n=> {err}"
        );
    }
}

#[tokio::test]
async fn a_missing_column_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "bad.csv", "a,b\n1,2\n");
    let store = Store::temporary().expect("store");
    let mut source = CsvSource::new("x", path, Mapping::preset("jira").expect("preset"));
    let err = sync_once(&store, &mut source, Utc::now())
        .await
        .expect_err("no columns")
        .to_string();
    assert!(
        err.contains("no column \"Project key\" for project") && err.contains("a, b"),
        "{err}"
    );
}

#[test]
fn the_promise_file_imports_whole_and_forecasts_through_the_binary() {
    let Some(csv) = common::shared_csv() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write(
        dir.path(),
        "c.toml",
        &format!(
            "[[source]]\nkind = \"csv\"\nname = \"apache\"\npath = \"{}\"\npreset = \"promise19\"\n",
            csv.display()
        ),
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lookout"))
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(args)
            .output()
            .expect("run lookout")
    };
    let out = run(&["sync", "--once"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("apache: ok,") && !text.contains("skipped"),
        "{text}"
    );
    let store = Store::open(&dir.path().join("data")).expect("store");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 34_374, "every row of the file");
    assert_eq!(p.projects.len(), 46);
    assert!(p.tickets.iter().all(|t| t.category == StatusCategory::Done));
    drop(store);
    let by = (Utc::now().date_naive() + chrono::Duration::days(28)).to_string();
    let out = run(&["forecast", "--project", "KAFKA", "--by", &by]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("KAFKA: how many items by"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
