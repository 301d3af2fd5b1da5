//! Archiving closed tickets and restoring them: round trips to an identical store, flow
//! metrics unchanged, damaged files refused, the retention after a sync, and the CLI.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lookout::analysis::forecast::Settings as ForecastSettings;
use lookout::analysis::projection::{Question, forecast};
use lookout::analysis::{StallPolicy, analyse};
use lookout::config::{Retention, Settings};
use lookout::domain::Portfolio;
use lookout::lifecycle::archive::{self, Archived};
use lookout::sources::demo::{DemoSource, generate};
use lookout::store::{ArchivedWork, Store, TreeDump};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

/// A store in `dir` holding the demo portfolio as generated at `at`.
fn demo_store(dir: &Path, at: DateTime<Utc>) -> Store {
    let store = Store::open(dir).expect("open");
    store
        .write(&generate("demo", 42, at).into_change_set())
        .expect("write demo");
    store
}

/// Every tree, key by key, less the write counter (each write adds one: an archive and its
/// restore are two writes) and trees left empty (the flow tree exists once used).
fn trees(store: &Store) -> Vec<TreeDump> {
    let mut dump = store.dump().expect("dump");
    for t in &mut dump {
        if t.name == "meta" {
            t.entries.retain(|(k, _)| k.as_slice() != b"generation");
        }
    }
    dump.retain(|t| !t.entries.is_empty());
    dump
}

fn archive_at(store: &Store, days: i64, file: &Path) -> Archived {
    archive::archive(store, now() - Duration::days(days), now(), file, false).expect("archive")
}

#[test]
fn archive_then_restore_round_trips_to_an_identical_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path(), now());
    let before = trees(&store);
    let tickets = store.load().expect("load").tickets.len();
    let file = dir.path().join("a.jsonl.zst");
    let Archived::Moved { counts, .. } = archive_at(&store, 30, &file) else {
        panic!("something must move");
    };
    assert!(
        counts.tickets > 0 && counts.transitions > counts.tickets,
        "{counts:?}"
    );
    assert!(counts.notes > 0 && counts.time_entries > 0, "{counts:?}");
    let left = store.load().expect("load");
    assert_eq!(left.tickets.len(), tickets - counts.tickets);
    assert!(
        left.tickets
            .iter()
            .all(|t| t.is_open() || t.resolved >= Some(now() - Duration::days(30)))
    );
    assert_ne!(trees(&store), before);

    let restored = archive::restore(&store, &file).expect("restore");
    assert_eq!((restored.counts, restored.kept), (counts, 0));
    assert_eq!(trees(&store), before, "every tree as it was, key by key");
}

#[test]
fn archive_of_nothing_is_a_no_op_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path(), now());
    let before = trees(&store);
    let file = dir.path().join("a.jsonl.zst");
    assert_eq!(archive_at(&store, 100_000, &file), Archived::Nothing);
    assert!(!file.exists(), "no file for nothing");
    let dry =
        archive::archive(&store, now() - Duration::days(30), now(), &file, true).expect("dry run");
    assert!(
        matches!(dry, Archived::WouldMove(c) if c.tickets > 0),
        "{dry:?}"
    );
    assert!(!file.exists(), "a dry run writes nothing");
    assert_eq!(trees(&store), before);
}

/// One project's key, delivered per week, WIP per day, delivered in 30 days, and a seeded
/// forecast of its open items.
type ProjectFlow = (String, Vec<u32>, Vec<u32>, usize, String);

/// A store in memory holding the demo portfolio, and its tickets closed over 30 days ago.
fn demo_and_its_archivable() -> (Store, Vec<ArchivedWork>) {
    let store = Store::temporary().expect("store");
    store
        .write(&generate("demo", 42, now()).into_change_set())
        .expect("write demo");
    let read = store
        .closed_before(now() - Duration::days(30))
        .expect("read");
    (store, read)
}

#[test]
fn a_ticket_synced_between_reading_and_removing_stops_the_archive() {
    let (store, read) = demo_and_its_archivable();
    let mut changed = read[0].ticket.clone();
    changed.title.push_str(" (edited)");
    let mut changes = lookout::domain::ChangeSet::new("demo");
    changes.tickets.push(changed);
    store.write(&changes).expect("a sync in between");
    let before = trees(&store);
    let err = store.remove_archived(&read).expect_err("stale").to_string();
    assert!(err.contains("changed while it was being archived"), "{err}");
    assert!(err.contains("nothing was removed"), "{err}");
    assert_eq!(trees(&store), before);
}

/// Per project: delivered per week, WIP per day, and a seeded forecast of the open items.
fn flow(p: &Portfolio) -> Vec<ProjectFlow> {
    let a = analyse(p, &[], now(), &StallPolicy::default());
    a.projects
        .iter()
        .map(|s| {
            let settings = ForecastSettings {
                trials: 2_000,
                ..ForecastSettings::default()
            };
            let open = (s.todo + s.in_progress) as u32;
            let f = forecast(
                p,
                &s.source,
                &s.key,
                Question::When { items: open },
                now(),
                &settings,
            );
            let stated = format!("{:?} {:?} {:?}", f.statements, f.histogram, f.warnings);
            (
                s.key.clone(),
                s.weekly_delivered.clone(),
                s.wip_trend.clone(),
                s.done_30d,
                stated,
            )
        })
        .collect()
}

#[test]
fn flow_metrics_and_forecasts_are_the_same_across_archive_and_restore() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path(), now());
    let whole = store.load().expect("load");
    let before = flow(&whole);
    let file = dir.path().join("a.jsonl.zst");
    let Archived::Moved { counts, .. } = archive_at(&store, 30, &file) else {
        panic!("something must move");
    };
    assert!(
        counts.tickets * 3 >= whole.tickets.len(),
        "a good share is archived: {} of {}",
        counts.tickets,
        whole.tickets.len()
    );
    assert_eq!(
        flow(&store.load().expect("load")),
        before,
        "after archiving"
    );
    assert_eq!(
        flow(&store.load_for_analysis().expect("load")),
        before,
        "the dashboard's load too"
    );

    // A tracker that sends an archived ticket again: it counts once, from itself.
    let again = whole
        .tickets
        .iter()
        .find(|t| !t.is_open() && t.resolved < Some(now() - Duration::days(30)))
        .expect("an archived ticket")
        .clone();
    let mut changes = lookout::domain::ChangeSet::new("demo");
    changes.tickets.push(again);
    store.write(&changes).expect("sent again");
    assert_eq!(flow(&store.load().expect("load")), before, "sent again");

    let restored = archive::restore(&store, &file).expect("restore");
    assert_eq!(
        restored.kept, 1,
        "the ticket sent again keeps the store's copy"
    );
    assert_eq!(
        flow(&store.load().expect("load")),
        before,
        "after restoring"
    );
}

/// The archive's lines, decompressed.
fn lines(file: &Path) -> Vec<String> {
    let raw = std::fs::read(file).expect("read");
    let text = zstd::decode_all(raw.as_slice()).expect("decompress");
    text.lines().map(|l| l.expect("line")).collect()
}

fn compressed(lines: &[String]) -> Vec<u8> {
    let mut e = zstd::Encoder::new(Vec::new(), 3).expect("encoder");
    for l in lines {
        writeln!(e, "{l}").expect("write");
    }
    e.finish().expect("finish")
}

#[test]
fn damaged_archives_are_refused_with_the_store_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path(), now());
    let file = dir.path().join("a.jsonl.zst");
    archive_at(&store, 30, &file);
    let before = trees(&store);
    let good = std::fs::read(&file).expect("read");

    let mut flipped = good.clone();
    let mid = good.len() / 2;
    for byte in &mut flipped[mid..mid + 4] {
        *byte ^= 0x5a;
    }
    let mut missing_line = lines(&file);
    missing_line.pop();
    let mut not_json = lines(&file);
    not_json[3] = "{\"kind\":\"ticket\",".to_string();
    let mut other_format = lines(&file);
    other_format[0] = other_format[0].replace("lookout-archive", "something-else");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("flipped.zst", flipped, "damaged"),
        (
            "truncated.zst",
            good[..good.len() / 2].to_vec(),
            "cut short",
        ),
        ("short.zst", compressed(&missing_line), "incomplete"),
        ("garbled.zst", compressed(&not_json), "line 4"),
        (
            "other.zst",
            compressed(&other_format),
            "not a lookout archive",
        ),
        ("plain.zst", b"just text\n".to_vec(), "zstd"),
    ];
    for (name, bytes, says) in cases {
        let bad = dir.path().join(name);
        std::fs::write(&bad, bytes).expect("write");
        let err = archive::restore(&store, &bad).expect_err(name).to_string();
        assert!(err.contains(name), "names the file: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains("Nothing was changed"), "{err}");
        assert_eq!(trees(&store), before, "{name} changed the store");
    }
    // The good file still restores.
    archive::restore(&store, &file).expect("restore");
}

fn lookout(args: &[&str], data: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .output()
        .expect("run lookout")
}

fn archives(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(archive::default_folder(dir))
        .map(|d| d.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default()
}

#[test]
fn the_cli_archives_restores_and_says_what_moved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    let dump = {
        let store = demo_store(data, Utc::now());
        trees(&store)
    };
    let out = lookout(&["archive", "--older-than", "7"], data);
    assert_eq!(out.status.code(), Some(2), "the last 30 days stay: {out:?}");
    let out = lookout(&["archive", "--older-than", "36500"], data);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(said.contains("nothing to archive"), "{said}");
    let out = lookout(&["archive", "--older-than", "30", "--dry-run"], data);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("would archive") && said.contains("dry run"),
        "{said}"
    );
    assert!(
        archives(data).is_empty(),
        "no file for nothing, none for a dry run"
    );

    let out = lookout(&["archive", "--older-than", "30"], data);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.starts_with("archived "),
        "{out:?}"
    );
    let files = archives(data);
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    assert!(
        name.starts_with("archive-") && name.ends_with(".jsonl.zst"),
        "{name}"
    );
    let header: serde_json::Value = serde_json::from_str(&lines(&files[0])[0]).expect("header");
    assert_eq!(header["format"], "lookout-archive");
    assert_eq!(header["version"], 1);
    assert!(header["counts"]["tickets"].as_u64() > Some(0), "{header}");

    let file = files[0].to_string_lossy().to_string();
    let out = lookout(&["restore", &file], data);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.starts_with("restored "),
        "{out:?}"
    );
    let store = Store::open(data).expect("open");
    assert_eq!(trees(&store), dump);
    drop(store);

    std::fs::write(data.join("bad.zst"), b"\x28\xb5\x2f\xfd garbage").expect("write");
    let out = lookout(&["restore", &data.join("bad.zst").to_string_lossy()], data);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("bad.zst"), "{said}");
}

fn config_error(text: &str) -> String {
    Settings::parse(Path::new("lookout.toml"), text)
        .expect_err(text)
        .to_string()
}

#[test]
fn retention_settings_are_checked_with_file_line_and_key() {
    let ok = Settings::parse(
        Path::new("lookout.toml"),
        "[retention]\narchive_closed_after_days = 180\n",
    )
    .expect("valid");
    assert_eq!(
        ok.retention,
        Some(Retention {
            archive_closed_after_days: 180
        })
    );
    let absent = Settings::parse(Path::new("lookout.toml"), "[retention]\n").expect("valid");
    assert_eq!(absent.retention, None, "no key: never");
    for bad in ["0", "-3", "29", "40000"] {
        let err = config_error(&format!(
            "[ui]\n\n[retention]\narchive_closed_after_days = {bad}\n"
        ));
        assert!(
            err.starts_with("lookout.toml:4: retention.archive_closed_after_days:"),
            "{err}"
        );
    }
    let err = config_error("[retention]\narchive_closed_after_days = \"ten\"\n");
    assert!(err.starts_with("lookout.toml:2:"), "{err}");
    let err = config_error("[retention]\nkeep_days = 3\n");
    assert!(
        err.contains("lookout.toml:2:") && err.contains("keep_days"),
        "{err}"
    );
}

#[tokio::test]
async fn retention_archives_after_a_sync_once_a_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let demo = DemoSource::new("demo", 42, &Portfolio::default());
    let retention = Retention {
        archive_closed_after_days: 30,
    };
    let _refresh = lookout::sync::spawn_all_retaining(
        store.clone(),
        vec![(Box::new(demo), std::time::Duration::from_secs(3600))],
        tx,
        Some(retention),
    );
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(60), rx.recv())
            .await
            .expect("a sync within a minute")
            .expect("an event");
        if let lookout::sync::SyncEvent::Synced { warnings, .. } = event {
            assert!(
                warnings.iter().all(|w| !w.contains("retention")),
                "{warnings:?}"
            );
            break;
        }
    }
    let files = archives(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let cutoff = Utc::now() - Duration::days(30);
    let left = store.load().expect("load");
    assert!(!left.tickets.is_empty());
    assert!(
        left.tickets
            .iter()
            .all(|t| t.is_open() || t.resolved >= Some(cutoff)),
        "closed tickets older than 30 days are gone"
    );
    // Once a day: the next sync of the day does not archive again.
    assert_eq!(
        lookout::sync::retain(&store, Some(retention)).await,
        Ok(None)
    );
    assert_eq!(archives(dir.path()).len(), 1);
}

#[test]
fn history_that_came_while_a_ticket_was_archived_comes_back_with_it() {
    let (store, works) = demo_and_its_archivable();
    store.remove_archived(&works).expect("archive");
    let archived_flow = store.load().expect("load").archived;

    // The tracker lists a change of an archived ticket without the ticket itself, and an
    // edit of time logged on it.
    let gone = works
        .iter()
        .find(|w| !w.time_entries.is_empty())
        .expect("an archived ticket with time logged");
    let late = lookout::domain::Transition {
        source: "demo".into(),
        ticket: gone.ticket.id,
        at: now() - Duration::days(1),
        field: lookout::domain::Field::Assignee,
        from: None,
        to: Some("ann".into()),
    };
    let mut edited = gone.time_entries[0].clone();
    edited.hours += 1.5;
    let mut changes = lookout::domain::ChangeSet::new("demo");
    changes.transitions.push(late.clone());
    changes.time_entries.push(edited.clone());
    store.write(&changes).expect("history only");
    let p = store.load().expect("load");
    assert!(p.tickets.iter().all(|t| t.id != gone.ticket.id));
    assert!(
        p.archived == archived_flow,
        "still counted from the archive"
    );

    assert_eq!(store.put_back(&works).expect("restore"), 0, "none was held");
    let p = store.load().expect("load");
    assert!(p.tickets.iter().any(|t| t.id == gone.ticket.id), "back");
    let history: Vec<_> = p
        .transitions
        .iter()
        .filter(|t| t.ticket == gone.ticket.id)
        .collect();
    assert_eq!(history.len(), gone.history.len() + 1, "{history:?}");
    assert!(
        history
            .iter()
            .any(|t| t.at == late.at && t.field == late.field)
    );
    let entry = p
        .time_entries
        .iter()
        .find(|e| e.ticket == edited.ticket && e.id == edited.id)
        .expect("the entry");
    assert_eq!(entry.hours, edited.hours, "the newer copy is kept");
    let logged = p
        .time_entries
        .iter()
        .filter(|e| e.ticket == gone.ticket.id)
        .count();
    assert_eq!(logged, gone.time_entries.len());
}
