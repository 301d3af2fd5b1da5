//! The store: round trips, reopening, upserts, a second holder, and SIGKILL in mid-write.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{at, bulk, project, status_change, ticket};
use lookout::domain::{ChangeSet, Note, StatusCategory, Sweep, TimeEntry};
use lookout::store::{Store, StoreError};

#[test]
fn round_trip_and_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = ChangeSet::new("ops");
    c.projects.push(project("ops", "OPS"));
    c.tickets.push(ticket(
        "ops",
        "OPS",
        7,
        "In Progress",
        StatusCategory::InProgress,
    ));
    c.tickets
        .push(ticket("ops", "OPS", 300, "To Do", StatusCategory::Todo));
    c.transitions
        .push(status_change("ops", 7, 3, "In Review", "In Progress"));
    c.transitions
        .push(status_change("ops", 7, 1, "To Do", "In Progress"));
    c.cursor = Some("2026-01-05T00:00:00Z".into());
    {
        let store = Store::open(dir.path()).expect("open");
        store.write(&c).expect("write");
        let p = store.load().expect("load");
        assert_eq!(p.tickets, c.tickets, "tickets come back in id order");
        assert_eq!(
            p.transitions[0], c.transitions[1],
            "transitions come back in time order"
        );
    }
    let store = Store::open(dir.path()).expect("reopen");
    let p = store.load().expect("load");
    assert_eq!(p.projects, c.projects);
    assert_eq!(p.tickets.len(), 2);
    assert_eq!(p.transitions.len(), 2);
    assert_eq!(
        store.cursor("ops").expect("cursor").as_deref(),
        Some("2026-01-05T00:00:00Z")
    );
    assert_eq!(store.cursor("other").expect("cursor"), None);
}

#[test]
fn rewriting_a_ticket_updates_it() {
    let store = Store::temporary().expect("temp store");
    let mut c = ChangeSet::new("ops");
    c.tickets
        .push(ticket("ops", "OPS", 1, "To Do", StatusCategory::Todo));
    store.write(&c).expect("first write");
    c.tickets[0].status = "Done".into();
    c.tickets[0].category = StatusCategory::Done;
    store.write(&c).expect("second write");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 1);
    assert_eq!(p.tickets[0].status, "Done");
}

#[test]
fn a_swept_ticket_is_hidden_until_it_comes_back() {
    let store = Store::temporary().expect("temp store");
    let todo = |id| ticket("ops", "OPS", id, "To Do", StatusCategory::Todo);
    let mut c = ChangeSet::new("ops");
    c.tickets = vec![todo(1), todo(2), todo(3)];
    c.transitions
        .push(status_change("ops", 3, 1, "To Do", "Doing"));
    store.write(&c).expect("write");
    let sweep = |present: Vec<u64>, day| {
        let mut c = ChangeSet::new("ops");
        c.sweep = Some(Sweep {
            present,
            at: at(day),
        });
        c
    };
    let ids = |store: &Store| {
        let p = store.load().expect("load");
        let mut ids: Vec<u64> = p.tickets.iter().map(|t| t.id).collect();
        ids.sort();
        (ids, p.transitions.len())
    };

    store.write(&sweep(vec![1, 2], 9)).expect("sweep");
    let marked: Vec<u64> = store
        .deleted("ops")
        .expect("marks")
        .iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(marked, vec![3]);
    assert_eq!(ids(&store), (vec![1, 2], 0), "hidden with its history");
    store.write(&sweep(vec![1, 2], 10)).expect("again");
    assert_eq!(
        store.deleted("ops").expect("marks")[0].1,
        at(9),
        "first seen kept"
    );

    let mut back = ChangeSet::new("ops");
    back.tickets.push(todo(3));
    store.write(&back).expect("sent again");
    assert!(store.deleted("ops").expect("marks").is_empty());
    assert_eq!(ids(&store), (vec![1, 2, 3], 1), "back, history and all");

    store.write(&sweep(vec![1, 2], 11)).expect("swept");
    store.write(&sweep(vec![1, 2, 3], 12)).expect("listed");
    assert!(
        store.deleted("ops").expect("marks").is_empty(),
        "listed by a sweep"
    );
}

#[test]
fn time_and_notes_show_with_their_ticket_even_when_they_came_first() {
    let store = Store::temporary().expect("temp store");
    let entry = |source: &str, ticket: u64, id: u64| TimeEntry {
        source: source.into(),
        ticket,
        id,
        at: at(1),
        member: "ann".into(),
        hours: 1.0,
        comment: String::new(),
    };
    let note = |ticket: u64, id: u64| Note {
        source: "a".into(),
        ticket,
        id,
        at: at(1),
        author: "ann".into(),
        body: "hello".into(),
    };
    let mut first = ChangeSet::new("a");
    first
        .tickets
        .push(ticket("a", "P", 1, "To Do", StatusCategory::Todo));
    store.write(&first).expect("first write");

    let mut later = ChangeSet::new("a");
    for id in [9, 2, 5] {
        later
            .tickets
            .push(ticket("a", "P", id, "To Do", StatusCategory::Todo));
    }
    // History only: the ticket itself has not arrived.
    later
        .transitions
        .push(status_change("a", 7, 1, "To Do", "Done"));
    // 1 is stored, 2 and 5 arrive with them, 3 is nowhere, 7 has history only; "b" has no 1.
    later.time_entries = vec![
        entry("a", 5, 10),
        entry("a", 1, 11),
        entry("a", 3, 12),
        entry("a", 7, 13),
        entry("b", 1, 14),
        entry("a", 2, 15),
    ];
    later.notes = vec![note(2, 20), note(3, 21)];
    let written = store.write(&later).expect("second write");
    assert_eq!((written.time_entries, written.notes), (3, 1));
    assert_eq!(written.children_of, [1, 2, 5], "what the app refreshes");

    let ids = |p: &lookout::domain::Portfolio| {
        let mut e: Vec<u64> = p.time_entries.iter().map(|e| e.id).collect();
        e.sort_unstable();
        let n: Vec<u64> = p.notes.iter().map(|n| n.id).collect();
        (e, n)
    };
    let p = store.load().expect("load");
    assert_eq!(ids(&p), (vec![10, 11, 15], vec![20]));

    // Ticket 3 comes later (moved onto a synced board): its time and note were kept.
    let mut moved = ChangeSet::new("a");
    moved
        .tickets
        .push(ticket("a", "P", 3, "To Do", StatusCategory::Todo));
    store.write(&moved).expect("third write");
    let p = store.load().expect("load");
    assert_eq!(ids(&p), (vec![10, 11, 12, 15], vec![20, 21]));

    // Counted as a load shows them: not on 7 (its record holds history only), nor on 9
    // once a sweep has marked it deleted; on 1, stored whole.
    let mut sweep = ChangeSet::new("a");
    sweep.sweep = Some(Sweep {
        present: vec![1, 2, 3, 5, 7],
        at: at(2),
    });
    store.write(&sweep).expect("sweep");
    let mut more = ChangeSet::new("a");
    more.time_entries = vec![entry("a", 7, 16), entry("a", 9, 17), entry("a", 1, 18)];
    more.notes = vec![note(7, 22)];
    let written = store.write(&more).expect("fourth write");
    assert_eq!((written.time_entries, written.notes), (1, 0));
    assert_eq!(written.children_of, [1]);
    let p = store.load().expect("load");
    assert_eq!(ids(&p), (vec![10, 11, 12, 15, 18], vec![20, 21]));

    // A sweep and time in one change set (as Redmine and ConnectWise send them): the sweep
    // marks 5 deleted and lists 9 again, and the time is counted as the load after it shows.
    let mut both = ChangeSet::new("a");
    both.sweep = Some(Sweep {
        present: vec![1, 2, 3, 7, 9],
        at: at(3),
    });
    both.time_entries = vec![entry("a", 5, 19), entry("a", 9, 23)];
    let written = store.write(&both).expect("fifth write");
    assert_eq!((written.deleted, written.restored), (1, 1));
    assert_eq!((written.time_entries, written.children_of), (1, vec![9]));
    let p = store.load().expect("load");
    assert_eq!(ids(&p).0, vec![11, 12, 15, 17, 18, 23]);
}

#[test]
fn two_sources_keep_their_own_tickets() {
    let store = Store::temporary().expect("temp store");
    let mut a = ChangeSet::new("a");
    a.tickets
        .push(ticket("a", "P", 1, "To Do", StatusCategory::Todo));
    let mut b = ChangeSet::new("b");
    b.tickets
        .push(ticket("b", "P", 1, "Done", StatusCategory::Done));
    store.write(&a).expect("write a");
    store.write(&b).expect("write b");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 2, "same id in two sources are two tickets");
}

#[test]
fn second_holder_is_told_who_holds_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _first = Store::open(dir.path()).expect("open");
    let err = Store::open(dir.path())
        .err()
        .expect("second open must fail");
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("process {}", std::process::id())),
        "{text}"
    );
    assert!(text.contains("--data-dir"), "{text}");
}

const CHILD_ENV: &str = "LOOKOUT_TEST_KILL_CHILD_DIR";
const BATCH: u64 = 10_000;

/// Not a test on its own: when the parent below re-runs this binary with `CHILD_ENV` set, this
/// writes large batches forever, announcing each, until it is killed.
#[test]
fn kill_child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = Store::open(std::path::Path::new(&dir)).expect("child open");
    let mut next = store
        .cursor("bulk")
        .expect("cursor")
        .map(|c| c.parse::<u64>().expect("number") + 1)
        .unwrap_or(0);
    loop {
        let changes = bulk("bulk", next * 1_000_000, BATCH, &next.to_string());
        println!("writing batch {next}");
        store.write(&changes).expect("write");
        next += 1;
    }
}

#[test]
fn killed_mid_batch_is_all_or_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("test binary");
    for (round, delay_ms) in [(0u64, 5u64), (1, 150), (2, 300)].into_iter() {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "kill_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Let it finish at least one batch, then kill it while the next is in flight.
        let mut seen = 0;
        while let Some(Ok(line)) = lines.next() {
            if line.starts_with("writing batch") {
                seen += 1;
                if seen == 2 {
                    break;
                }
            }
        }
        assert_eq!(
            seen, 2,
            "round {round}: the child never started its second batch"
        );
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL the child");
        child.wait().expect("reap child");

        let store = Store::open(dir.path()).expect("the store reopens after a kill");
        let p = store.load().expect("every record is readable");
        let cursor: u64 = store
            .cursor("bulk")
            .expect("cursor")
            .expect("at least one batch")
            .parse()
            .expect("number");
        let mut counts = std::collections::BTreeMap::<u64, (u64, u64)>::new();
        for t in &p.tickets {
            counts.entry(t.id / 1_000_000).or_default().0 += 1;
        }
        for t in &p.transitions {
            counts.entry(t.ticket / 1_000_000).or_default().1 += 1;
        }
        for (batch, (tickets, transitions)) in &counts {
            assert!(
                *batch <= cursor,
                "round {round}: batch {batch} is stored but the cursor says {cursor}"
            );
            assert_eq!(
                (*tickets, *transitions),
                (BATCH, 2 * BATCH),
                "round {round}: batch {batch} is partial"
            );
        }
        assert_eq!(
            counts.len() as u64,
            cursor + 1,
            "round {round}: a batch before the cursor is missing"
        );
        drop(store);
    }
}

#[test]
fn transitions_merge_into_history_without_duplicates() {
    let store = Store::temporary().expect("temp store");
    let mut first = ChangeSet::new("ops");
    first.tickets.push(ticket(
        "ops",
        "OPS",
        5,
        "In Review",
        StatusCategory::InProgress,
    ));
    first
        .transitions
        .push(status_change("ops", 5, 1, "To Do", "In Progress"));
    first
        .transitions
        .push(status_change("ops", 5, 2, "In Progress", "In Review"));
    store.write(&first).expect("first");
    // An overlapping re-read: one change seen before, one new, and no ticket record.
    let mut second = ChangeSet::new("ops");
    second
        .transitions
        .push(status_change("ops", 5, 2, "In Progress", "In Review"));
    second
        .transitions
        .push(status_change("ops", 5, 4, "In Review", "Done"));
    store.write(&second).expect("second");
    let p = store.load().expect("load");
    assert_eq!(
        p.tickets.len(),
        1,
        "the ticket is kept when only history arrives"
    );
    let days: Vec<_> = p.transitions.iter().map(|t| t.at).collect();
    assert_eq!(days, vec![common::at(1), common::at(2), common::at(4)]);
}

#[test]
fn a_load_for_the_dashboard_leaves_members_on_disk() {
    let store = Store::temporary().expect("store");
    let mut c = bulk("s", 1, 3, "c1");
    c.members.push(lookout::domain::Member {
        source: "s".into(),
        project: "BULK".into(),
        login: "ana".into(),
        display_name: "Ana".into(),
    });
    store.write(&c).expect("write");
    let everything = store.load().expect("load");
    assert_eq!(everything.members.len(), 1);
    let shown = store.load_for_analysis().expect("load for analysis");
    assert!(shown.members.is_empty());
    assert_eq!(shown.tickets, everything.tickets);
    assert_eq!(shown.transitions, everything.transitions);
    assert_eq!(shown.projects, everything.projects);
}

#[test]
fn the_last_view_is_kept_for_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = {
        let store = Store::open(dir.path()).expect("open");
        assert!(store.load_view().is_none());
        store.write(&bulk("bulk", 0, 50, "0")).expect("write");
        let p = store.load().expect("load");
        let view = lookout::analysis::analyse(&p, &[], common::at(30), &Default::default());
        store.save_view(&view).expect("save view");
        view
    };
    let store = Store::open(dir.path()).expect("reopen");
    let view = store.load_view().expect("view survives a restart");
    assert_eq!(view.projects, p.projects);
    assert_eq!(view.now, p.now);
}

#[test]
fn snapshots_round_trip_and_replace_by_day() {
    use lookout::domain::Snapshot;
    let store = Store::temporary().expect("store");
    let snap = |day: i64, stalled| Snapshot {
        source: "ops".into(),
        project: "OPS".into(),
        day: common::at(day).date_naive(),
        delivered: 1,
        wip: 2,
        open: 3,
        stalled,
    };
    store
        .save_snapshots(&[snap(2, None), snap(1, None)])
        .expect("save");
    store.save_snapshots(&[snap(2, Some(4))]).expect("replace");
    let got = store.snapshots().expect("load");
    assert_eq!(
        got,
        vec![snap(1, None), snap(2, Some(4))],
        "in day order, replaced by day"
    );
}
