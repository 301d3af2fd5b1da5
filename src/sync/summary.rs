//! What one sync brought, in the words users want: tickets new, changed and deleted, status
//! changes and projects, and how long it took. It also lists the tickets it touched, so the
//! app can refresh just those instead of reloading the whole store.

use std::time::Duration;

use crate::domain::{ChangeSet, Field};
use crate::store::Written;

/// Above this many touched tickets the app reloads the store instead of patching its copy.
pub const PATCH_LIMIT: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub tickets_new: usize,
    pub tickets_changed: usize,
    pub tickets_deleted: usize,
    /// Deleted tickets the tracker has again.
    pub tickets_restored: usize,
    pub status_changes: usize,
    /// Other history (assignee, priority) changes.
    pub other_changes: usize,
    pub projects: usize,
    pub members: usize,
    pub time_entries: usize,
    pub notes: usize,
    pub took: Duration,
    /// The tickets whose records were written, by id; `None` when there were more than
    /// `PATCH_LIMIT` or deletion marks changed (then only a full reload is right).
    pub touched: Option<Vec<u64>>,
}

impl SyncSummary {
    /// Adds one stored change set and what its write did.
    pub fn add(&mut self, changes: &ChangeSet, written: Written) {
        self.tickets_new += written.new;
        self.tickets_changed += written.changed;
        self.tickets_deleted += written.deleted;
        self.tickets_restored += written.restored;
        let status = changes
            .transitions
            .iter()
            .filter(|t| t.field == Field::Status)
            .count();
        self.status_changes += status;
        self.other_changes += changes.transitions.len() - status;
        self.projects += changes.projects.len();
        self.members += changes.members.len();
        self.time_entries += written.time_entries;
        self.notes += written.notes;
        let marks_changed = written.deleted + written.restored > 0;
        self.touched = match self.touched.take() {
            Some(mut ids) if !marks_changed => {
                ids.extend(changes.tickets.iter().map(|t| t.id));
                ids.extend(changes.transitions.iter().map(|t| t.ticket));
                // Time and notes of tickets not held show nowhere: nothing to refresh.
                ids.extend(&written.children_of);
                ids.sort_unstable();
                ids.dedup();
                (ids.len() <= PATCH_LIMIT).then_some(ids)
            }
            _ => None,
        };
    }

    /// A summary that has seen nothing yet lists no tickets (rather than "too many").
    pub fn start() -> SyncSummary {
        SyncSummary {
            touched: Some(Vec::new()),
            ..SyncSummary::default()
        }
    }

    /// Whether the sync brought nothing the screens could show.
    pub fn is_empty(&self) -> bool {
        self.tickets_new
            + self.tickets_changed
            + self.tickets_deleted
            + self.tickets_restored
            + self.status_changes
            + self.other_changes
            + self.projects
            + self.members
            + self.time_entries
            + self.notes
            == 0
    }

    /// `25 tickets (25 new, 0 changed, 0 deleted), 30 status changes, 1 project in 0.6 s`,
    /// with time entries and notes when there were any.
    pub fn line(&self) -> String {
        let tickets = self.tickets_new + self.tickets_changed;
        let mut out = format!(
            "{} ({} new, {} changed, {} deleted), {}, {}",
            count(tickets, "ticket", "tickets"),
            self.tickets_new,
            self.tickets_changed,
            self.tickets_deleted,
            count(self.status_changes, "status change", "status changes"),
            count(self.projects, "project", "projects"),
        );
        if self.time_entries > 0 {
            out.push_str(&format!(
                ", {}",
                count(self.time_entries, "time entry", "time entries")
            ));
        }
        if self.notes > 0 {
            out.push_str(&format!(", {}", count(self.notes, "note", "notes")));
        }
        out.push_str(&format!(" in {:.1} s", self.took.as_secs_f64()));
        out
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_arrived() {
        let s = SyncSummary {
            tickets_new: 25,
            status_changes: 30,
            projects: 1,
            took: Duration::from_millis(620),
            ..SyncSummary::start()
        };
        assert_eq!(
            s.line(),
            "25 tickets (25 new, 0 changed, 0 deleted), 30 status changes, 1 project in 0.6 s"
        );
        let s = SyncSummary {
            tickets_changed: 1,
            status_changes: 1,
            time_entries: 1,
            notes: 2,
            ..SyncSummary::start()
        };
        assert_eq!(
            s.line(),
            "1 ticket (0 new, 1 changed, 0 deleted), 1 status change, 0 projects, \
             1 time entry, 2 notes in 0.0 s"
        );
    }

    #[test]
    fn time_on_tickets_not_held_is_neither_counted_nor_refreshed() {
        let mut s = SyncSummary::start();
        let mut c = ChangeSet::new("s");
        for (id, ticket) in [(1, 7), (2, 99)] {
            c.time_entries.push(crate::domain::TimeEntry {
                source: "s".into(),
                ticket,
                id,
                at: chrono::Utc::now(),
                member: "ann".into(),
                hours: 1.0,
                comment: String::new(),
            });
        }
        s.add(
            &c,
            Written {
                time_entries: 1,
                children_of: vec![7],
                ..Written::default()
            },
        );
        assert_eq!(s.time_entries, 1);
        assert_eq!(
            s.touched,
            Some(vec![7]),
            "99 is on a board lookout does not sync"
        );
    }

    #[test]
    fn touched_tickets_are_listed_until_a_reload_is_cheaper() {
        let mut s = SyncSummary::start();
        assert!(s.is_empty());
        let mut c = ChangeSet::new("s");
        c.tickets
            .push(crate::domain::Ticket::stub(7, chrono::Utc::now()));
        s.add(&c, Written::default());
        assert_eq!(s.touched, Some(vec![7]));
        s.add(
            &ChangeSet::new("s"),
            Written {
                deleted: 1,
                ..Written::default()
            },
        );
        assert_eq!(s.touched, None, "deletions mean a reload");
        let mut s = SyncSummary::start();
        let mut big = ChangeSet::new("s");
        for id in 0..=PATCH_LIMIT as u64 {
            big.tickets
                .push(crate::domain::Ticket::stub(id, chrono::Utc::now()));
        }
        s.add(&big, Written::default());
        assert_eq!(s.touched, None, "too many to patch");
    }
}
