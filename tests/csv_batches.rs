//! CSV import of large files: batches with a cursor each, a restart that resumes where the
//! last stored batch ended, and repeated keys at the cost of a row.

use std::path::{Path, PathBuf};

use chrono::Utc;
use lookout::domain::StatusCategory;
use lookout::sources::csv::{CsvSource, Mapping};
use lookout::store::Store;
use lookout::sync::sync_once;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// The mapping of the generated files below.
fn plain_mapping() -> Mapping {
    let columns = [
        "project", "key", "created", "status", "resolved", "assignee",
    ]
    .map(|f| (f.to_string(), f.to_string()));
    Mapping {
        columns: columns.into_iter().collect(),
    }
}

/// `rows` tickets over projects A-D; ticket i of project D starts in March but one row early
/// in the file is D's earliest ticket, and line 3 cannot be read.
fn generated(rows: usize) -> String {
    let mut csv = String::from("project,key,created,status,resolved,assignee\n");
    csv.push_str("D,D-0,2025-01-01,Done,2025-01-05,dora\n");
    csv.push_str("A,A-bad,someday,To Do,,\n");
    for i in 1..rows {
        let project = ["A", "B", "C", "D"][i % 4];
        let done = i % 2 == 0;
        csv.push_str(&format!(
            "{project},{project}-{i},2026-03-{:02},{},{},dev{}\n",
            1 + i % 28,
            if done { "Done" } else { "In Progress" },
            if done { "2026-04-01" } else { "" },
            i % 50
        ));
    }
    csv
}

#[tokio::test]
async fn a_large_file_comes_in_batches_and_a_restart_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = 2 * lookout::sources::csv::BATCH_ROWS + 500;
    let path = write(dir.path(), "big.csv", &generated(rows));
    let store = Store::temporary().expect("store");
    let mut first = CsvSource::new("big", path.clone(), plain_mapping());
    let batch = first.read(None, Utc::now()).expect("first batch");
    assert!(batch.more, "a large file comes in batches");
    assert!(batch.tickets.len() <= lookout::sources::csv::BATCH_ROWS);
    assert!(batch.sweep.is_none(), "no sweep before the end of the file");
    store.write(&batch).expect("write the first batch");
    // The process stops here; a new one resumes from the stored cursor.
    let mut again = CsvSource::new("big", path, plain_mapping());
    let report = sync_once(&store, &mut again, Utc::now())
        .await
        .expect("the rest");
    assert!(
        report.changed < rows,
        "the first batch is not imported again: {}",
        report.changed
    );
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), rows, "every readable row, once");
    assert!(store.deleted("big").expect("deleted").is_empty());
    assert_eq!(
        report.warnings,
        vec![format!(
            "{}:3: skipped: no readable created date",
            dir.path().join("big.csv").display()
        )],
        "a skip in the first batch is still reported"
    );
    let d = p.projects.iter().find(|p| p.key == "D").expect("project D");
    assert_eq!(d.created.date_naive().to_string(), "2025-01-01");
    assert_eq!(p.projects.len(), 4);
    // Developer n works in the two projects n % 2 picks out of four, dora in D.
    assert_eq!(p.members.len(), 101, "each (project, assignee) once");
}

/// Every ticket of the file, batch after batch, and how long reading took.
fn read_all(source: &mut CsvSource) -> (Vec<lookout::domain::Ticket>, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut cursor = None;
    let mut tickets = Vec::new();
    loop {
        let batch = source.read(cursor.as_deref(), Utc::now()).expect("batch");
        tickets.extend(batch.tickets);
        if !batch.more {
            return (tickets, started.elapsed());
        }
        cursor = batch.cursor;
    }
}

/// A file that repeats half its keys: the later row wins, and a repeat costs what a row costs
/// (the old filter over every transition so far made repeats quadratic: minutes here).
#[test]
fn repeated_keys_keep_the_later_row_without_quadratic_cost() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = 60_000;
    let header = "project,key,created,status,resolved,assignee\n";
    let row = |i: usize, done: bool| {
        let (status, resolved) = if done {
            ("Done", "2026-04-01")
        } else {
            ("In Review", "")
        };
        format!("A,A-{i},2026-03-01,{status},{resolved},\n")
    };
    let distinct: String = (0..rows).map(|i| row(i, i % 2 == 0)).collect();
    let repeated: String = (0..rows / 2)
        .map(|i| row(i, false))
        .chain((0..rows / 2).map(|i| row(i, true)))
        .collect();
    let read = |name: &str, body: &str| {
        let path = write(dir.path(), name, &format!("{header}{body}"));
        read_all(&mut CsvSource::new("rep", path, plain_mapping()))
    };
    let (all, plain) = read("distinct.csv", &distinct);
    assert_eq!(all.len(), rows);
    let (tickets, took) = read("repeated.csv", &repeated);
    let latest: std::collections::HashMap<&str, &lookout::domain::Ticket> =
        tickets.iter().map(|t| (t.key.as_str(), t)).collect();
    assert_eq!(latest.len(), rows / 2);
    assert!(
        latest.values().all(|t| t.category == StatusCategory::Done),
        "the later row wins"
    );
    assert!(
        took < plain * 3 + std::time::Duration::from_secs(1),
        "{rows} rows with repeats took {took:?}, without {plain:?}"
    );
}
