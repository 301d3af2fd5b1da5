//! CSV import with a transitions file and a statuses table: histories from the file, status
//! names mapped by the table then the defaults, unmapped names and odd rows reported by name
//! and line, and an unchanged pair of files not read again.

use std::path::{Path, PathBuf};

use chrono::Utc;
use lookout::config::Settings;
use lookout::domain::{Field, Portfolio, StatusCategory};
use lookout::sources::csv::{Class, CsvSource, Mapping, Statuses};
use lookout::store::Store;
use lookout::sync::sync_once;

const TICKETS: &str = "project,key,title,status,created,resolved,resolution
SD,SD-1,Printer offline,Awaiting Customer,2026-01-05T09:00:00Z,,
SD,SD-2,New laptop,Closed,2026-01-06T09:00:00Z,,
SD,SD-3,VPN drops,QA,2026-01-07T09:00:00Z,,
SD,SD-4,Mailbox full,Queued,2026-01-08T09:00:00Z,,
SD,SD-5,Badge reader,Escalated to Tier 3,2026-01-09T09:00:00Z,,
SD,SD-6,Old request,Closed,2026-01-09T09:00:00Z,2026-01-12T09:00:00Z,
";

const TRANSITIONS: &str = "key,at,field,from,to
SD-1,2026-01-05T09:00:00Z,status,,Queued
SD-1,2026-01-06T10:00:00Z,status,Queued,In Progress
SD-1,2026-01-07T11:00:00Z,status,,Awaiting Customer
SD-1,2026-01-06T10:00:00Z,assignee,,ana
SD-2,2026-01-06T09:00:00Z,status,,Queued
SD-2,2026-01-08T09:00:00Z,status,Queued,Work Started
SD-2,2026-01-10T09:00:00Z,status,Work Started,Closed
SD-2,2026-01-10T09:00:00Z,resolution,,Duplicate
SD-9,2026-01-10T09:00:00Z,status,Queued,Closed
SD-3,someday,status,Queued,QA
SD-3,2026-01-09T09:00:00Z,colour,red,blue
SD-3,2026-01-09T09:00:00Z,priority,Low,High
SD-6,2026-01-10T09:00:00Z,status,Queued,In Progress
SD-6,2026-01-12T09:00:00Z,status,In Progress,Closed
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

fn mapping() -> Mapping {
    Mapping {
        columns: [
            "project",
            "key",
            "title",
            "status",
            "created",
            "resolved",
            "resolution",
        ]
        .iter()
        .map(|f| (f.to_string(), f.to_string()))
        .collect(),
    }
}

fn source(dir: &Path) -> CsvSource {
    CsvSource::new("desk", dir.join("tickets.csv"), mapping())
        .with_transitions(dir.join("transitions.csv"))
        .with_statuses(Statuses::new([
            ("Awaiting Customer", Class::Waiting),
            ("QA", Class::InProgress),
        ]))
}

fn moves(p: &Portfolio, key: &str, field: Field) -> Vec<(String, String)> {
    let id = p
        .tickets
        .iter()
        .find(|t| t.key == key)
        .map(|t| t.id)
        .expect("ticket");
    p.transitions
        .iter()
        .filter(|x| x.ticket == id && x.field == field)
        .map(|x| {
            (
                x.from.as_deref().unwrap_or("").to_string(),
                x.to.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn histories_come_from_the_transitions_file_with_names_mapped_and_odd_rows_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "tickets.csv", TICKETS);
    write(dir.path(), "transitions.csv", TRANSITIONS);
    let store = Store::temporary().expect("store");
    let report = sync_once(&store, &mut source(dir.path()), Utc::now())
        .await
        .expect("import");
    let p = store.load().expect("load");
    assert_eq!(
        p.tickets.len(),
        6,
        "every ticket imports: {:?}",
        report.warnings
    );
    let t = |k: &str| p.tickets.iter().find(|t| t.key == k).expect("ticket");

    // Mapping: the table first, then the defaults; waiting is stored as in progress.
    assert_eq!(t("SD-1").category, StatusCategory::InProgress);
    assert_eq!(t("SD-1").status, "Awaiting Customer");
    assert_eq!(t("SD-2").category, StatusCategory::Done);
    assert_eq!(t("SD-3").category, StatusCategory::InProgress);
    assert_eq!(t("SD-4").category, StatusCategory::Todo, "Queued is to do");

    // The file's history replaces the one the dates implied; an empty `from` after the first
    // row of a field is the value before.
    assert_eq!(
        moves(&p, "SD-1", Field::Status),
        vec![
            ("".into(), "Queued".into()),
            ("Queued".into(), "In Progress".into()),
            ("In Progress".into(), "Awaiting Customer".into()),
        ]
    );
    assert_eq!(
        moves(&p, "SD-1", Field::Assignee),
        vec![("".into(), "ana".into())]
    );
    assert_eq!(
        moves(&p, "SD-3", Field::Priority),
        vec![("Low".into(), "High".into())]
    );
    let day = |d: u32| {
        format!("2026-01-{d:02}T09:00:00Z")
            .parse::<chrono::DateTime<Utc>>()
            .expect("date")
    };
    assert_eq!(
        t("SD-1").started,
        Some(day(6) + chrono::Duration::hours(1)),
        "work started with the first move out of to do"
    );
    assert_eq!(
        t("SD-2").resolved,
        Some(day(10)),
        "resolved by its last move to done"
    );
    assert_eq!(
        t("SD-6").started,
        Some(day(10)),
        "without a start column, the history's start, not the resolution"
    );
    assert_eq!(t("SD-6").resolved, Some(day(12)));
    assert_eq!(t("SD-2").resolution.as_deref(), Some("Duplicate"));
    assert!(!t("SD-2").delivered(), "a duplicate delivers nothing");

    // Every odd row is named with its file and line; unmapped names with their counts.
    let w = report.warnings.join("\n");
    assert!(
        w.contains("transitions.csv:10: skipped: no ticket \"SD-9\""),
        "{w}"
    );
    assert!(
        w.contains("transitions.csv:11: skipped: at \"someday\" is not a date"),
        "{w}"
    );
    assert!(
        w.contains("transitions.csv:12: skipped: field \"colour\" is not one of"),
        "{w}"
    );
    assert!(
        w.contains("status \"Escalated to Tier 3\" (1 times) is in no `statuses` table"),
        "{w}"
    );
    assert!(w.contains("status \"Work Started\" (2 times)"), "{w}");
    assert!(!w.contains("\"Queued\" ("), "Queued has a default: {w}");
    assert_eq!(report.warnings.len(), 5, "{w}");
}

#[tokio::test]
async fn an_unchanged_pair_of_files_changes_nothing_and_a_changed_history_is_read_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "tickets.csv", TICKETS);
    let history = write(dir.path(), "transitions.csv", TRANSITIONS);
    let store = Store::temporary().expect("store");
    let mut src = source(dir.path());
    sync_once(&store, &mut src, Utc::now())
        .await
        .expect("import");
    let before = store.load().expect("load");
    let again = sync_once(&store, &mut src, Utc::now())
        .await
        .expect("again");
    assert_eq!(again.changed, 0, "nothing is read again");
    assert_eq!(store.load().expect("load").transitions, before.transitions);

    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        &history,
        format!("{TRANSITIONS}SD-4,2026-01-09T09:00:00Z,status,,Queued\n"),
    )
    .expect("rewrite");
    let third = sync_once(&store, &mut src, Utc::now())
        .await
        .expect("re-import");
    assert!(third.changed > 0, "a changed history is imported");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 6, "updated, not duplicated");
    assert_eq!(
        moves(&p, "SD-4", Field::Status),
        vec![("".into(), "Queued".into())]
    );
    assert_eq!(
        moves(&p, "SD-1", Field::Status).len(),
        3,
        "one history, not the old one and the new"
    );
}

#[test]
fn the_config_takes_a_transitions_file_and_a_statuses_table() {
    let parse = |text: &str| Settings::parse(Path::new("/etc/lookout/c.toml"), text);
    let ok = parse(
        "[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"x.csv\"\npreset = \"jira\"\n\
         transitions = \"history/x.csv\"\n\
         statuses = { \"Awaiting Customer\" = \"waiting\", \"QA\" = \"in progress\" }\n",
    )
    .expect("valid");
    let s = ok.sources[0]
        .kind
        .get::<lookout::sources::csv::Settings>()
        .expect("csv settings");
    assert_eq!(
        s.transitions.as_deref(),
        Some(Path::new("/etc/lookout/history/x.csv")),
        "relative to the config file"
    );
    assert_eq!(
        s.statuses.class_of("awaiting customer"),
        Some(Class::Waiting)
    );
    assert_eq!(s.statuses.class_of("QA"), Some(Class::InProgress));
    let err = parse(
        "[[source]]\nkind = \"csv\"\nname = \"a\"\npath = \"x.csv\"\npreset = \"jira\"\n\
         statuses = { \"QA\" = \"testing\" }\n",
    )
    .expect_err("not a category");
    let text = err.to_string();
    assert!(text.contains("\"testing\" is not a category"), "{text}");
    assert!(text.contains("to do, in progress, waiting, done"), "{text}");
}

#[test]
fn doctor_reads_the_transitions_file_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "tickets.csv", TICKETS);
    write(dir.path(), "transitions.csv", TRANSITIONS);
    let columns = "columns = { project = \"project\", key = \"key\", title = \"title\", \
                   status = \"status\", created = \"created\" }\n";
    let config = write(
        dir.path(),
        "config.toml",
        &format!(
            "[[source]]\nkind = \"csv\"\nname = \"desk\"\npath = \"tickets.csv\"\n\
             transitions = \"transitions.csv\"\n{columns}\n\
             [[source]]\nkind = \"csv\"\nname = \"lost\"\npath = \"tickets.csv\"\n\
             transitions = \"gone.csv\"\n{columns}"
        ),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("doctor")
        .env_remove("LOOKOUT_CONFIG")
        .output()
        .expect("lookout runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let (desk, lost) = text
        .split_once("\nsource lost")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(desk.contains("readable: 6 tickets in 1 projects"), "{text}");
    assert!(
        desk.contains("transitions.csv:10: skipped: no ticket \"SD-9\""),
        "{text}"
    );
    assert!(
        lost.contains("FAIL  readable: ") && lost.contains("gone.csv"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
}
