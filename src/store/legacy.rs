//! Record layouts of older schema versions, kept only so migrations can read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Batch, Transactional};

use super::StoreError;
use super::codec::{decode, encode};
use super::record::{Change, TicketRecord};
use crate::domain::{Priority, Project, StatusCategory, Ticket};

#[derive(Deserialize)]
struct ProjectV1 {
    source: String,
    key: String,
    name: String,
    description: String,
    created: DateTime<Utc>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct TicketV1 {
    source: String,
    id: u64,
    project: String,
    key: String,
    title: String,
    status: String,
    category: StatusCategory,
    assignee: Option<String>,
    priority: Priority,
    estimate: Option<f64>,
    labels: Vec<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    started: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct TicketRecordV1 {
    ticket: Option<TicketV1>,
    history: Vec<Change>,
}

/// Schema 2's ticket: times as RFC 3339 text.
#[derive(Serialize, Deserialize)]
struct TicketV2 {
    source: String,
    id: u64,
    project: String,
    key: String,
    title: String,
    status: String,
    category: StatusCategory,
    assignee: Option<String>,
    priority: Priority,
    estimate: Option<f64>,
    labels: Vec<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    started: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    resolution: Option<String>,
    url: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct TicketRecordV2 {
    ticket: Option<TicketV2>,
    history: Vec<Change>,
}

impl From<TicketV2> for Ticket {
    fn from(t: TicketV2) -> Ticket {
        Ticket {
            source: t.source.into(),
            id: t.id,
            project: t.project.into(),
            key: t.key.into(),
            title: t.title,
            status: t.status.into(),
            category: t.category,
            assignee: t.assignee.map(Into::into),
            priority: t.priority,
            estimate: t.estimate,
            labels: t.labels.into_iter().map(Into::into).collect(),
            created: t.created,
            updated: t.updated,
            started: t.started,
            resolved: t.resolved,
            resolution: t.resolution.map(Into::into),
            url: t.url,
        }
    }
}

impl From<TicketV1> for TicketV2 {
    fn from(t: TicketV1) -> TicketV2 {
        TicketV2 {
            source: t.source,
            id: t.id,
            project: t.project,
            key: t.key,
            title: t.title,
            status: t.status,
            category: t.category,
            assignee: t.assignee,
            priority: t.priority,
            estimate: t.estimate,
            labels: t.labels,
            created: t.created,
            updated: t.updated,
            started: t.started,
            resolved: t.resolved,
            resolution: None,
            url: t.url,
        }
    }
}

/// Schema 1 -> 2: tickets gained `resolution`, projects gained `target`. Every record is
/// rewritten in one transaction, so a kill mid-way leaves the store at schema 1.
pub fn v1_to_v2(db: &sled::Db) -> Result<(), StoreError> {
    let projects = db.open_tree("projects")?;
    let tickets = db.open_tree("tickets")?;
    let meta = db.open_tree("meta")?;
    let mut project_batch = Batch::default();
    for item in projects.iter() {
        let (key, raw) = item?;
        let p: ProjectV1 = decode(&raw)?;
        let p = Project {
            source: p.source,
            key: p.key,
            name: p.name,
            description: p.description,
            created: p.created,
            url: p.url,
            target: None,
        };
        project_batch.insert(key, encode(&p)?);
    }
    let mut ticket_batch = Batch::default();
    for item in tickets.iter() {
        let (key, raw) = item?;
        let r: TicketRecordV1 = decode(&raw)?;
        let r = TicketRecordV2 {
            ticket: r.ticket.map(TicketV2::from),
            history: r.history,
        };
        ticket_batch.insert(key, encode(&r)?);
    }
    rewrite(
        &meta,
        2,
        &[(&projects, project_batch), (&tickets, ticket_batch)],
    )
}

/// Schema 2 -> 3: a ticket's times are stored as numbers instead of text.
pub fn v2_to_v3(db: &sled::Db) -> Result<(), StoreError> {
    let tickets = db.open_tree("tickets")?;
    let meta = db.open_tree("meta")?;
    let mut batch = Batch::default();
    for item in tickets.iter() {
        let (key, raw) = item?;
        let r: TicketRecordV2 = decode(&raw)?;
        let r = TicketRecord {
            ticket: r.ticket.map(Ticket::from),
            history: r.history,
        };
        batch.insert(key, encode(&r)?);
    }
    rewrite(&meta, 3, &[(&tickets, batch)])
}

/// Applies a migration's rewrites and stamps its version in one transaction, so a kill
/// mid-way leaves the store as it was.
fn rewrite(
    meta: &sled::Tree,
    version: u32,
    rewrites: &[(&sled::Tree, Batch)],
) -> Result<(), StoreError> {
    let mut trees: Vec<&sled::Tree> = rewrites.iter().map(|(t, _)| *t).collect();
    trees.push(meta);
    trees
        .transaction(|tx| {
            for (tree, (_, batch)) in tx.iter().zip(rewrites) {
                tree.apply_batch(batch)?;
            }
            tx[rewrites.len()].insert(super::schema::KEY, &version.to_be_bytes())?;
            Ok::<(), ConflictableTransactionError<StoreError>>(())
        })
        .map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => StoreError::Sled(e),
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Field;
    use crate::store::Store;

    #[derive(Serialize)]
    struct OldProject<'a> {
        source: &'a str,
        key: &'a str,
        name: &'a str,
        description: &'a str,
        created: DateTime<Utc>,
        url: Option<String>,
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect(s)
    }

    /// A raw sled store at schema `version` holding `records` as (tree, key, value).
    fn old_store(version: u32, records: &[(&str, &[u8], Vec<u8>)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sled::open(dir.path().join("store")).expect("raw sled");
        for (tree, key, value) in records {
            let tree = db.open_tree(tree).expect("tree");
            tree.insert(key, value.as_slice()).expect("insert");
        }
        let meta = db.open_tree("meta").expect("tree");
        meta.insert(super::super::schema::KEY, &version.to_be_bytes())
            .expect("version");
        db.flush().expect("flush");
        dir
    }

    fn open(dir: &tempfile::TempDir) -> Store {
        // sled's background flusher may hold the file lock a moment after the drop.
        let mut store = Store::open(dir.path());
        for _ in 0..50 {
            if !matches!(store, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            store = Store::open(dir.path());
        }
        store.expect("migrates on open")
    }

    fn v2_ticket() -> TicketV2 {
        TicketV2 {
            source: "ops".into(),
            id: 7,
            project: "OPS".into(),
            key: "OPS-7".into(),
            title: "Rotate keys".into(),
            status: "Done".into(),
            category: StatusCategory::Done,
            assignee: Some("Ana".into()),
            priority: Priority::High,
            estimate: Some(3.0),
            labels: vec!["security".into()],
            created: at("2024-01-02T03:04:05.123456789Z"),
            updated: at("2024-03-01T10:00:00Z"),
            started: Some(at("2024-01-05T09:00:00Z")),
            resolved: Some(at("2024-02-29T17:30:00Z")),
            resolution: Some("Fixed".into()),
            url: None,
        }
    }

    fn history() -> Vec<Change> {
        vec![Change {
            at: at("2024-01-05T09:00:00Z").timestamp_millis(),
            field: Field::Status,
            from: Some("To Do".into()),
            to: Some("In Progress".into()),
        }]
    }

    #[test]
    fn a_schema_1_store_opens_and_keeps_its_data() {
        let project = OldProject {
            source: "ops",
            key: "OPS",
            name: "Operations",
            description: "",
            created: Utc::now(),
            url: None,
        };
        let t = v2_ticket();
        let ticket = TicketV1 {
            source: t.source,
            id: t.id,
            project: t.project,
            key: t.key,
            title: t.title,
            status: t.status,
            category: t.category,
            assignee: t.assignee,
            priority: t.priority,
            estimate: t.estimate,
            labels: t.labels,
            created: t.created,
            updated: t.updated,
            started: t.started,
            resolved: t.resolved,
            url: t.url,
        };
        let record = TicketRecordV1Out {
            ticket: Some(ticket),
            history: history(),
        };
        let key = crate::store::keys::ticket("ops", 7);
        let dir = old_store(
            1,
            &[
                ("projects", b"ops\0OPS", encode(&project).expect("encode")),
                ("tickets", &key, encode(&record).expect("encode")),
            ],
        );
        let p = open(&dir).load().expect("load");
        assert_eq!(p.projects.len(), 1);
        assert_eq!(p.projects[0].name, "Operations");
        assert_eq!(p.projects[0].target, None);
        assert_eq!(p.tickets.len(), 1, "through schema 2 to the current one");
        assert_eq!(p.tickets[0].created, at("2024-01-02T03:04:05.123456789Z"));
        assert_eq!(p.tickets[0].resolution, None, "schema 1 had none");
        assert_eq!(p.transitions.len(), 1);
    }

    #[test]
    fn inspecting_an_old_store_says_it_needs_a_migration_and_leaves_it_old() {
        let dir = old_store(
            2,
            &[(
                "tickets",
                &crate::store::keys::ticket("ops", 7),
                encode(&TicketRecordV2 {
                    ticket: Some(v2_ticket()),
                    history: history(),
                })
                .expect("encode"),
            )],
        );
        let db_file = dir.path().join("store").join("db");
        let before = std::fs::read(&db_file).expect("db");
        // sled's background flusher may hold the file lock a moment after the drop.
        let mut inspected = Store::inspect(dir.path());
        for _ in 0..50 {
            if !matches!(inspected, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            inspected = Store::inspect(dir.path());
        }
        let inspection = inspected.expect("inspects").expect("there is a store");
        assert_eq!(
            inspection.migration(),
            Some((2, super::super::schema::CURRENT))
        );
        let p = inspection.store.load().expect("the migrated copy reads");
        assert_eq!(p.tickets.len(), 1);
        drop(inspection);
        assert!(
            std::fs::read(&db_file).expect("db") == before,
            "the original is untouched"
        );
        let store = open(&dir);
        assert_eq!(
            store.load().expect("load").tickets.len(),
            1,
            "and migrates on open"
        );
    }

    #[test]
    fn a_schema_2_store_keeps_every_time_of_its_tickets() {
        let record = TicketRecordV2 {
            ticket: Some(v2_ticket()),
            history: history(),
        };
        let key = crate::store::keys::ticket("ops", 7);
        let dir = old_store(2, &[("tickets", &key, encode(&record).expect("encode"))]);
        let p = open(&dir).load().expect("load");
        let want = Ticket::from(v2_ticket());
        assert_eq!(
            p.tickets,
            vec![want],
            "every field, times to the nanosecond"
        );
        assert_eq!(p.transitions.len(), 1);
        assert_eq!(p.transitions[0].to.as_deref(), Some("In Progress"));
    }

    /// Schema 1's ticket record, written as schema 1 wrote it.
    #[derive(Serialize)]
    struct TicketRecordV1Out {
        ticket: Option<TicketV1>,
        history: Vec<Change>,
    }
}
