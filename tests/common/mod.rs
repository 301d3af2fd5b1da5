//! Builders shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use lookout::domain::{ChangeSet, Field, Priority, Project, StatusCategory, Ticket, Transition};

pub fn at(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date")
        + Duration::days(day)
}

pub fn project(source: &str, key: &str) -> Project {
    Project {
        source: source.into(),
        key: key.into(),
        name: format!("{key} project"),
        description: String::new(),
        created: at(0),
        url: None,
        target: None,
    }
}

pub fn ticket(
    source: &str,
    project: &str,
    id: u64,
    status: &str,
    category: StatusCategory,
) -> Ticket {
    Ticket {
        source: source.into(),
        id,
        project: project.into(),
        key: compact_str::format_compact!("{project}-{id}"),
        title: format!("Ticket {id}"),
        status: status.into(),
        category,
        assignee: Some("ana".into()),
        priority: Priority::Medium,
        estimate: Some(3.0),
        labels: vec!["backend".into()],
        created: at(0),
        updated: at(1),
        started: (category != StatusCategory::Todo).then(|| at(1)),
        resolved: (category == StatusCategory::Done).then(|| at(2)),
        resolution: None,
        url: None,
    }
}

pub fn status_change(source: &str, ticket: u64, day: i64, from: &str, to: &str) -> Transition {
    Transition {
        source: source.into(),
        ticket,
        at: at(day),
        field: Field::Status,
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

/// A change set of `n` tickets with ids from `first`, each with two status changes.
pub fn bulk(source: &str, first: u64, n: u64, cursor: &str) -> ChangeSet {
    let mut c = ChangeSet::new(source);
    c.projects.push(project(source, "BULK"));
    for id in first..first + n {
        c.tickets
            .push(ticket(source, "BULK", id, "Done", StatusCategory::Done));
        c.transitions
            .push(status_change(source, id, 1, "To Do", "In Progress"));
        c.transitions
            .push(status_change(source, id, 2, "In Progress", "Done"));
    }
    c.cursor = Some(cursor.to_string());
    c
}

/// The PROMISE'19 file beside the clone; tests that read it are marked ignored and fail when
/// asked to run without it.
pub fn shared_csv() -> std::path::PathBuf {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/apache_bugfix_promise19.csv");
    assert!(
        path.exists(),
        "{} is missing: these tests read the shared dataset beside the clone",
        path.display()
    );
    path
}
