//! A synthetic portfolio shaped like a real tracker's, shared by the benchmarks.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use lookout::domain::{ChangeSet, Field, Priority, Project, StatusCategory, Ticket, Transition};
use lookout::rng::Rng;

pub const PROJECTS: u64 = 50;
pub const BATCH: u64 = 10_000;
const STATUSES: [&str; 4] = ["To Do", "In Progress", "In Review", "Done"];

/// `BATCH` tickets with ids from `first`, four transitions each (the first batch also
/// carries the projects).
pub fn batch(first: u64, rng: &mut Rng) -> ChangeSet {
    let epoch = Utc
        .with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date");
    let mut c = ChangeSet::new("bench");
    let source: Arc<str> = "bench".into();
    let strings: Vec<Arc<str>> = [
        "To Do",
        "In Progress",
        "In Review",
        "Done",
        "dev",
        "Medium",
        "High",
    ]
    .map(Arc::from)
    .to_vec();
    if first == 0 {
        for p in 0..PROJECTS {
            c.projects.push(Project {
                source: "bench".into(),
                key: format!("P{p}"),
                name: format!("Project {p}"),
                description: String::new(),
                created: epoch,
                url: None,
                target: None,
            });
        }
    }
    for id in first..first + BATCH {
        let created = epoch + Duration::minutes(rng.below(600 * 24 * 60) as i64);
        // Like a real tracker: most tickets done, some waiting, a few in progress.
        let stage = match rng.below(100) {
            0..=9 => 0,
            10..=12 => 1,
            13..=15 => 2,
            _ => 3,
        };
        let mut at = created;
        let mut step = |rng: &mut Rng| {
            at += Duration::minutes(1 + rng.below(5 * 24 * 60) as i64);
            at
        };
        // Shared strings, as a store load interns them.
        let mut push = |at, field, from: Option<&str>, to: Option<&str>| {
            let shared = |s: &str| strings.iter().find(|x| &***x == s).cloned();
            c.transitions.push(Transition {
                source: source.clone(),
                ticket: id,
                at,
                field,
                from: from.and_then(shared),
                to: to.and_then(shared),
            })
        };
        // Exactly four changes per ticket: an assignment, its status moves, priority changes.
        push(step(rng), Field::Assignee, None, Some("dev"));
        for s in 0..stage {
            push(
                step(rng),
                Field::Status,
                Some(STATUSES[s]),
                Some(STATUSES[s + 1]),
            );
        }
        for _ in stage..3 {
            push(step(rng), Field::Priority, Some("Medium"), Some("High"));
        }
        let category = match stage {
            0 => StatusCategory::Todo,
            3 => StatusCategory::Done,
            _ => StatusCategory::InProgress,
        };
        c.tickets.push(Ticket {
            source: "bench".into(),
            id,
            project: format!("P{}", id % PROJECTS).into(),
            key: format!("P{}-{id}", id % PROJECTS).into(),
            title: format!("Benchmark ticket number {id} with a title of ordinary length"),
            status: STATUSES[stage].into(),
            category,
            assignee: Some("dev".into()),
            priority: Priority::High,
            estimate: Some(3.0),
            labels: vec!["backend".into()],
            created,
            updated: at,
            started: (stage > 0).then(|| created + Duration::hours(1)),
            resolved: (category == StatusCategory::Done).then_some(at),
            resolution: None,
            url: None,
        });
    }
    c.cursor = Some(first.to_string());
    c
}

/// A whole portfolio of `tickets` tickets, in memory.
pub fn portfolio(tickets: u64) -> lookout::domain::Portfolio {
    let mut rng = Rng::new(1);
    let mut p = lookout::domain::Portfolio::default();
    for b in 0..tickets / BATCH {
        let c = batch(b * BATCH, &mut rng);
        p.projects.extend(c.projects);
        p.tickets.extend(c.tickets);
        p.transitions.extend(c.transitions);
    }
    p.transitions.sort_by_key(|x| (x.ticket, x.at));
    p
}

/// Writes a CSV of `rows` tickets shaped like a multi-organisation Jira export reshaped to a
/// `columns` mapping (see `jira_like_mapping`): 400 projects, 3,000 assignees, a title of
/// ordinary length, labels, and created/updated/resolved times.
pub fn jira_like_csv(path: &std::path::Path, rows: u64) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "project,key,title,status,priority,assignee,created,updated,resolved,labels"
    )?;
    let mut rng = Rng::new(7);
    let epoch = Utc
        .with_ymd_and_hms(2019, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date");
    let statuses = ["Open", "In Progress", "In Review", "Resolved", "Closed"];
    let priorities = ["Blocker", "Critical", "Major", "Minor", "Trivial"];
    for i in 0..rows {
        let project = format!("ORG{}P{}", i % 40, i % 400);
        let created = epoch + Duration::minutes(rng.below(6 * 365 * 24 * 60) as i64);
        let status = statuses[rng.below(100) as usize % statuses.len()];
        let done = matches!(status, "Resolved" | "Closed");
        let updated = created + Duration::minutes(1 + rng.below(90 * 24 * 60) as i64);
        let when = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string();
        writeln!(
            out,
            "{project},{project}-{i},\"Ticket {i}: fix the {} path when the cache is cold\",{status},{},dev{},{},{},{},{}",
            ["login", "export", "billing", "search"][i as usize % 4],
            priorities[rng.below(5) as usize],
            rng.below(3_000),
            when(created),
            when(updated),
            if done { when(updated) } else { String::new() },
            ["backend", "frontend ux", "", "ops infra"][i as usize % 4],
        )?;
    }
    out.flush()
}

/// The `columns` mapping of `jira_like_csv`.
pub fn jira_like_mapping() -> lookout::sources::csv::Mapping {
    let fields = [
        "project", "key", "title", "status", "priority", "assignee", "created", "updated",
        "resolved", "labels",
    ];
    lookout::sources::csv::Mapping {
        columns: fields
            .iter()
            .map(|f| (f.to_string(), f.to_string()))
            .collect(),
    }
}
