//! A damaged store through the real binary: doctor, forecast and sync say what is damaged and
//! change nothing; doctor never writes to a healthy store either, and reports a store held by
//! another lookout instead of failing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lookout::store::Store;

/// A data directory with a store synced from a generated CSV of `rows` tickets, and the config
/// that names it.
fn synced_store(root: &Path, rows: usize) -> (PathBuf, PathBuf) {
    let mut csv = String::from("project,key,created,status,resolved\n");
    for i in 0..rows {
        let day = 1 + i % 28;
        let done = i % 3 == 0;
        csv.push_str(&format!(
            "OPS,OPS-{i},2026-01-{day:02},{},{}\n",
            if done { "Done" } else { "To Do" },
            if done {
                format!("2026-02-{day:02}")
            } else {
                String::new()
            }
        ));
    }
    std::fs::write(root.join("t.csv"), csv).expect("csv");
    let config = root.join("config.toml");
    std::fs::write(
        &config,
        "[[source]]\nkind = \"csv\"\nname = \"file\"\npath = \"t.csv\"\ncolumns = { project = \
         \"project\", key = \"key\", created = \"created\", status = \"status\", resolved = \
         \"resolved\" }\n",
    )
    .expect("config");
    let data = root.join("data");
    let out = lookout(&config, &data, &["sync", "--once"]);
    assert!(out.status.success(), "{}", text(&out));
    (config, data)
}

fn lookout(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("lookout runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file under `dir` with its bytes, in name order.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).expect("read")));
        }
    }
    out.sort();
    out
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

enum Damage {
    CutInHalf,
    Garbage,
    NoConf,
}

fn damage(store: &Path, how: &Damage) {
    let db = store.join("db");
    match how {
        Damage::CutInHalf => {
            let len = std::fs::metadata(&db).expect("db").len();
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&db)
                .expect("open db");
            file.set_len(len / 2).expect("cut");
        }
        Damage::Garbage => {
            let mut bytes = std::fs::read(&db).expect("db");
            let middle = bytes.len() / 3;
            for (i, b) in bytes[middle..middle + 4096].iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(151).wrapping_add(7);
            }
            std::fs::write(&db, bytes).expect("write garbage");
        }
        Damage::NoConf => std::fs::remove_file(store.join("conf")).expect("rm conf"),
    }
}

fn assert_told_and_untouched(out: &Output, store: &Path, before: &[(PathBuf, Vec<u8>)]) {
    let said = text(out);
    assert_ne!(out.status.code(), Some(101), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(!said.contains("RUST_BACKTRACE"), "{said}");
    assert!(said.contains("is damaged: "), "{said}");
    assert!(said.contains("Nothing was changed"), "{said}");
    assert!(
        said.contains("backup") && said.contains("move it aside"),
        "{said}"
    );
    assert!(files(store) == before, "the store's files changed: {said}");
}

#[test]
fn damage_is_reported_and_the_files_stay_as_they_were() {
    let root = tempfile::tempdir().expect("temp dir");
    let (config, data) = synced_store(root.path(), 3000);
    let cases = [
        ("cut", Damage::CutInHalf),
        ("garbage", Damage::Garbage),
        ("noconf", Damage::NoConf),
    ];
    for (name, how) in &cases {
        let case = root.path().join(name);
        copy(&data, &case);
        let store = case.join("store");
        damage(&store, how);
        let before = files(&store);
        let doctor = lookout(&config, &case, &["doctor"]);
        assert_told_and_untouched(&doctor, &store, &before);
        let said = text(&doctor);
        assert_eq!(doctor.status.code(), Some(1), "{said}");
        assert!(
            said.contains("readable: 3000 tickets") && said.contains("verdict: "),
            "doctor still reports the rest: {said}"
        );
        assert_eq!(said.matches("is damaged").count(), 1, "said once: {said}");
        let forecast = lookout(&config, &case, &["forecast", "--project", "OPS"]);
        assert_told_and_untouched(&forecast, &store, &before);
        let sync = lookout(&config, &case, &["sync", "--once"]);
        assert_told_and_untouched(&sync, &store, &before);
    }
}

/// With a snapshot from an earlier open beside it, sled panics on a cut file instead of
/// quietly dropping the rest.
#[test]
fn a_cut_store_with_a_snapshot_is_reported_not_a_panic() {
    let root = tempfile::tempdir().expect("temp dir");
    let (config, data) = synced_store(root.path(), 3000);
    let out = lookout(&config, &data, &["forecast", "--project", "OPS"]);
    assert!(out.status.success(), "{}", text(&out));
    let store = data.join("store");
    damage(&store, &Damage::CutInHalf);
    let before = files(&store);
    for args in [
        &["doctor"][..],
        &["forecast", "--project", "OPS"],
        &["sync", "--once"],
    ] {
        let out = lookout(&config, &data, args);
        assert_told_and_untouched(&out, &store, &before);
    }
}

#[test]
fn doctor_changes_nothing_in_a_healthy_store() {
    let root = tempfile::tempdir().expect("temp dir");
    let (config, data) = synced_store(root.path(), 500);
    let store = data.join("store");
    let before = files(&store);
    let out = lookout(&config, &data, &["doctor"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("ok    opens: schema current"), "{said}");
    assert!(said.contains("500 tickets"), "{said}");
    assert!(files(&store) == before, "doctor wrote to the store: {said}");
    let left: Vec<_> = std::fs::read_dir(&data)
        .expect("data dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().starts_with(".store-check"))
        .collect();
    assert!(
        left.is_empty(),
        "doctor's private copy is removed: {left:?}"
    );
}

#[test]
fn doctor_reports_a_store_another_lookout_holds() {
    let root = tempfile::tempdir().expect("temp dir");
    let (config, data) = synced_store(root.path(), 100);
    let held = Store::open(&data).expect("this test holds the store");
    let out = lookout(&config, &data, &["doctor"]);
    let said = text(&out);
    assert!(
        said.contains(&format!(
            "ok    opens: in use by another lookout (process {})",
            std::process::id()
        )),
        "{said}"
    );
    assert!(
        out.status.success(),
        "a running lookout is no fault: {said}"
    );
    drop(held);
}

#[test]
fn a_store_closed_cleanly_reopens_without_a_check_and_a_killed_one_with_one() {
    let root = tempfile::tempdir().expect("temp dir");
    let (_, data) = synced_store(root.path(), 100);
    let store = Store::open(&data).expect("open");
    assert_eq!(store.trust(), lookout::store::Trust::Sealed);
    drop(store);
    // A kill leaves the seal open: simulated by a seal without its closing line.
    std::fs::write(data.join("store/lookout.seal"), "generation 1\n").expect("seal");
    let store = Store::open(&data).expect("open");
    assert_eq!(store.trust(), lookout::store::Trust::Verified);
    assert_eq!(store.load().expect("load").tickets.len(), 100);
}

const EXIT_CHILD_ENV: &str = "LOOKOUT_TEST_EXIT_CHILD_DIR";

/// Not a test on its own: re-run by the test below, this opens the store, writes, and closes
/// it the way the dashboard does when it quits.
#[test]
fn exit_child() {
    let Some(dir) = std::env::var_os(EXIT_CHILD_ENV) else {
        return;
    };
    let store = Store::open(Path::new(&dir)).expect("child open");
    let mut changes = lookout::domain::ChangeSet::new("quit");
    changes.cursor = Some("written before quitting".into());
    store.write(&changes).expect("write");
    store.close_for_exit().expect("close");
    drop(store);
}

#[test]
fn a_store_closed_for_exit_is_sealed_and_reopens_without_a_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "exit_child", "--nocapture", "--test-threads=1"])
        .env(EXIT_CHILD_ENV, dir.path())
        .output()
        .expect("child runs");
    assert!(out.status.success(), "{}", text(&out));
    let store = Store::open(dir.path()).expect("reopen");
    assert_eq!(store.trust(), lookout::store::Trust::Sealed);
    assert_eq!(
        store.cursor("quit").expect("cursor").as_deref(),
        Some("written before quitting")
    );
}
