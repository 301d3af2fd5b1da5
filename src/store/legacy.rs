//! Record layouts of older schema versions, kept only so migrations can read them.

use chrono::{DateTime, Utc};
use serde::Deserialize;
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

impl From<TicketV1> for Ticket {
    fn from(t: TicketV1) -> Ticket {
        Ticket {
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
        let r = TicketRecord {
            ticket: r.ticket.map(Ticket::from),
            history: r.history,
        };
        ticket_batch.insert(key, encode(&r)?);
    }
    (&projects, &tickets, &meta)
        .transaction(|(p, t, m)| {
            p.apply_batch(&project_batch)?;
            t.apply_batch(&ticket_batch)?;
            m.insert(super::schema::KEY, &2u32.to_be_bytes())?;
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
    use serde::Serialize;

    use super::*;
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

    #[test]
    fn a_schema_1_store_opens_and_keeps_its_data() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let db = sled::open(dir.path().join("store")).expect("raw sled");
            let projects = db.open_tree("projects").expect("tree");
            let old = OldProject {
                source: "ops",
                key: "OPS",
                name: "Operations",
                description: "",
                created: Utc::now(),
                url: None,
            };
            projects
                .insert(b"ops\0OPS", encode(&old).expect("encode"))
                .expect("insert");
            let meta = db.open_tree("meta").expect("tree");
            meta.insert(super::super::schema::KEY, &1u32.to_be_bytes())
                .expect("version");
            db.flush().expect("flush");
        }
        // sled's background flusher may hold the file lock a moment after the drop.
        let mut store = Store::open(dir.path());
        for _ in 0..50 {
            if !matches!(store, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            store = Store::open(dir.path());
        }
        let store = store.expect("migrates on open");
        let p = store.load().expect("load");
        assert_eq!(p.projects.len(), 1);
        assert_eq!(p.projects[0].name, "Operations");
        assert_eq!(p.projects[0].target, None);
    }
}
