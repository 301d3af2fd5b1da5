//! Reading parts of the store on their own: a few tickets back after a small sync, so the app
//! can refresh its in-memory copy instead of decoding the whole store again, and the members
//! that a full load leaves on disk, for the advisor to name assignees from.
//!
//! What it returns is exactly what a full `load_for_analysis` holds for those tickets
//! (soft-deleted ones left out), plus the source's projects, which are few. Like that load it
//! leaves members on disk: a large source has hundreds of thousands, and nothing shown uses
//! them.

use super::{DELETED, MEMBERS, NOTES, PROJECTS, Store, StoreError, TICKETS, TIME_ENTRIES};
use super::{codec, keys, record::TicketRecord};
use crate::domain::{Interner, Member, Note, Portfolio, Project, TimeEntry};

impl Store {
    /// Every member of every project, cleaned as a full load cleans them (a store written by
    /// an older lookout may hold raw text). Reads only the members tree.
    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        let _reading = self.consistency.read().unwrap_or_else(|e| e.into_inner());
        let mut part = Portfolio {
            members: self.scan(MEMBERS)?,
            ..Portfolio::default()
        };
        part.sanitize();
        Ok(part.members)
    }

    /// The stored state of tickets `ids` of `source`, with their histories, time entries and
    /// notes, and every project of `source`.
    pub fn load_tickets(&self, source: &str, ids: &[u64]) -> Result<Portfolio, StoreError> {
        let _reading = self.consistency.read().unwrap_or_else(|e| e.into_inner());
        let mut strings = Interner::default();
        let shared = strings.get(source);
        let mut part = Portfolio::default();
        for &id in ids {
            let key = keys::ticket(source, id);
            if self.trees[DELETED].contains_key(&key)? {
                continue;
            }
            let Some(raw) = self.trees[TICKETS].get(&key)? else {
                continue;
            };
            let record: TicketRecord = codec::decode(&raw)?;
            part.transitions.extend(
                record
                    .history
                    .into_iter()
                    .map(|c| c.into_transition(&shared, id, &mut strings)),
            );
            part.tickets.extend(record.ticket);
            part.time_entries
                .extend(self.children::<TimeEntry>(TIME_ENTRIES, &key)?);
            part.notes.extend(self.children::<Note>(NOTES, &key)?);
        }
        part.projects = self.of_source::<Project>(PROJECTS, source)?;
        Ok(part)
    }

    /// Records keyed under a ticket (time entries, notes).
    pub(super) fn children<T: serde::de::DeserializeOwned>(
        &self,
        tree: usize,
        ticket_key: &[u8],
    ) -> Result<Vec<T>, StoreError> {
        self.trees[tree]
            .scan_prefix(ticket_key)
            .map(|item| codec::decode(&item?.1))
            .collect()
    }

    fn of_source<T: serde::de::DeserializeOwned>(
        &self,
        tree: usize,
        source: &str,
    ) -> Result<Vec<T>, StoreError> {
        self.trees[tree]
            .scan_prefix(keys::source_prefix(source))
            .map(|item| codec::decode(&item?.1))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Store;
    use crate::domain::{ChangeSet, Member};

    fn member(project: &str, login: &str, name: &str) -> Member {
        Member {
            source: "demo".into(),
            project: project.into(),
            login: login.into(),
            display_name: name.into(),
        }
    }

    #[test]
    fn members_are_read_back_alone_and_clean() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        assert!(store.members().expect("members").is_empty());
        let mut changes = ChangeSet::new("demo");
        changes.members = vec![
            member("A", "priya", "Priya Raman"),
            member("B", "tomas", "Tom\u{1b}[31mas"),
        ];
        store.write(&changes).expect("write");
        let mut members = store.members().expect("members");
        members.sort_by(|a, b| a.login.cmp(&b.login));
        assert_eq!(
            members,
            vec![
                member("A", "priya", "Priya Raman"),
                member("B", "tomas", "Tomas")
            ]
        );
        assert!(
            store.load_for_analysis().expect("load").members.is_empty(),
            "the dashboard's load still leaves them on disk"
        );
    }
}
