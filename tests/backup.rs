//! `lookout backup` and `lookout restore-backup`: the whole store to one file and back, run
//! through the binary as a user would.

use std::path::Path;
use std::process::{Command, Output};

use lookout::sources::demo::generate;
use lookout::store::{Store, TreeDump};

fn lookout(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .output()
        .expect("run lookout")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A store in `dir` with the demo portfolio, snapshots and audit records: every kind of
/// tree. Returns every tree, key by key.
fn filled(dir: &Path) -> Vec<TreeDump> {
    let store = Store::open(dir).expect("open");
    let world = generate("demo", 42, chrono::Utc::now());
    store.write(&world.into_change_set()).expect("write");
    let p = store.load().expect("load");
    let a = lookout::analysis::analyse(&p, &[], chrono::Utc::now(), &Default::default());
    store.save_snapshots(&a.snapshots).expect("snapshots");
    store.save_view(&a).expect("view");
    for n in 0..3 {
        store
            .append(lookout::store::journal::AUDIT, &format!("record {n}"))
            .expect("append");
    }
    store.dump().expect("dump")
}

fn dump(dir: &Path) -> Vec<TreeDump> {
    Store::open(dir).expect("open").dump().expect("dump")
}

#[test]
fn backup_and_restore_round_trip_to_an_identical_store() {
    let from = tempfile::tempdir().expect("temp dir");
    let before = filled(from.path());
    assert!(
        before
            .iter()
            .any(|t| t.name == "audit" && t.entries.len() == 3)
    );
    let file = from.path().join("store.backup.zst");
    let out = lookout(&["backup", &file.to_string_lossy()], from.path());
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("backed up"), "{}", said(&out));

    let to = tempfile::tempdir().expect("temp dir");
    let out = lookout(&["restore-backup", &file.to_string_lossy()], to.path());
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(dump(to.path()), before, "every tree, key by key");

    // The restored store goes on numbering its audit log after the restored records.
    let store = Store::open(to.path()).expect("open");
    let next = store
        .append(lookout::store::journal::AUDIT, &"after")
        .expect("append");
    let all: Vec<(u64, String)> = store
        .records(lookout::store::journal::AUDIT, 0)
        .expect("records");
    assert_eq!(all.len(), 4, "nothing overwritten");
    assert_eq!(all.last().map(|r| r.0), Some(next));
}

#[test]
fn restoring_over_a_store_with_data_needs_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = filled(dir.path());
    let file = dir.path().join("b.zst");
    assert!(
        lookout(&["backup", &file.to_string_lossy()], dir.path())
            .status
            .success()
    );
    let other = tempfile::tempdir().expect("temp dir");
    let theirs = {
        let store = Store::open(other.path()).expect("open");
        store
            .write(&generate("other", 7, chrono::Utc::now()).into_change_set())
            .expect("write");
        store.dump().expect("dump")
    };
    let out = lookout(&["restore-backup", &file.to_string_lossy()], other.path());
    assert!(!out.status.success());
    assert!(said(&out).contains("--force"), "{}", said(&out));
    assert_eq!(dump(other.path()), theirs, "refused: the store as it was");

    let out = lookout(
        &["restore-backup", &file.to_string_lossy(), "--force"],
        other.path(),
    );
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(dump(other.path()), saved);
    assert!(
        !other.path().join("store.replaced").exists()
            && !other.path().join("store.restoring").exists(),
        "no directory left over"
    );
}

#[test]
fn a_store_held_by_another_lookout_is_neither_backed_up_nor_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    filled(dir.path());
    let file = dir.path().join("c.zst");
    assert!(
        lookout(&["backup", &file.to_string_lossy()], dir.path())
            .status
            .success()
    );
    let held = Store::open(dir.path()).expect("held by this test");
    let pid = std::process::id().to_string();
    for args in [
        vec!["backup", "other.zst"],
        vec!["restore-backup", "c.zst", "--force"],
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.ends_with(".zst") {
                    dir.path().join(a).to_string_lossy().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = lookout(&args, dir.path());
        let text = said(&out);
        assert!(!out.status.success(), "{text}");
        assert!(
            text.contains(&format!("in use by another lookout (process {pid})")),
            "{text}"
        );
        assert!(
            text.contains("Quit that lookout") && text.contains("lookout sync"),
            "{text}"
        );
    }
    assert!(!dir.path().join("other.zst").exists());
    drop(held);
}

#[test]
fn a_damaged_backup_is_refused_before_the_store_is_touched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = filled(dir.path());
    let file = dir.path().join("d.zst");
    assert!(
        lookout(&["backup", &file.to_string_lossy()], dir.path())
            .status
            .success()
    );
    let good = std::fs::read(&file).expect("read");
    for (name, bytes) in [
        ("cut.zst", good[..good.len() * 2 / 3].to_vec()),
        ("flipped.zst", {
            let mut b = good.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0xff;
            b[mid + 1] ^= 0xff;
            b
        }),
    ] {
        let bad = dir.path().join(name);
        std::fs::write(&bad, bytes).expect("write");
        let out = lookout(
            &["restore-backup", &bad.to_string_lossy(), "--force"],
            dir.path(),
        );
        let text = said(&out);
        assert!(!out.status.success(), "{text}");
        assert!(
            text.contains(name) && text.contains("Nothing was changed"),
            "{text}"
        );
        assert_eq!(dump(dir.path()), before, "{name}");
    }
}

#[test]
fn a_restore_killed_between_its_renames_leaves_the_old_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = filled(dir.path());
    // As a kill leaves it after the old store was moved aside and before the new one was
    // moved in.
    std::fs::rename(dir.path().join("store"), dir.path().join("store.replaced")).expect("rename");
    std::fs::create_dir(dir.path().join("store.restoring")).expect("half-built");
    assert_eq!(dump(dir.path()), before, "the old store is back");
    assert!(!dir.path().join("store.replaced").exists());
}

/// A restore holds `restore.lock` between its renames; an open in that moment must not take
/// the old store aside for an interrupted restore, nor start an empty store where none is.
#[test]
fn an_open_waits_for_no_restore_half_way_through_its_swap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = filled(dir.path());
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join("restore.lock"))
        .expect("lock file");
    lock.try_lock().expect("the test is the restore");
    std::fs::rename(dir.path().join("store"), dir.path().join("store.replaced")).expect("rename");
    let e = Store::open(dir.path()).err().expect("refused mid-swap");
    assert!(e.to_string().contains("restore-backup"), "{e}");
    assert!(
        !dir.path().join("store").exists(),
        "no empty store was started"
    );
    assert!(
        dir.path().join("store.replaced").exists(),
        "the old store stays aside"
    );
    drop(lock);
    // After both renames the leftover goes: as the restore itself would have finished.
    std::fs::rename(dir.path().join("store.replaced"), dir.path().join("store")).expect("back");
    assert_eq!(dump(dir.path()), before);
}
