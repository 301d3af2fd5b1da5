//! Applying a freshly read part of the store to an in-memory portfolio, so that a small sync
//! costs a few reads and one analysis instead of a full reload.
//!
//! The result must equal what a full load would give, order included: the analysis relies on
//! store order (tickets by source and id, each ticket's history contiguous and in order).

use std::collections::HashSet;

use super::Portfolio;

impl Portfolio {
    /// Replaces the tickets `ids` of `source` (with their histories, time entries and notes)
    /// and the source's projects and members by what `part` holds; a ticket of `ids` that
    /// `part` lacks is gone (deleted in the tracker).
    pub fn patch(&mut self, source: &str, ids: &[u64], part: Portfolio) {
        let ids: HashSet<u64> = ids.iter().copied().collect();
        let touched = |s: &str, id: u64| s == source && ids.contains(&id);

        self.tickets.retain(|t| !touched(&t.source, t.id));
        self.tickets.extend(part.tickets);
        // Stable sorts of nearly sorted vectors: a merge of two runs, not a full sort.
        self.tickets
            .sort_by(|a, b| (&a.source, a.id).cmp(&(&b.source, b.id)));

        self.transitions.retain(|t| !touched(&t.source, t.ticket));
        self.transitions.extend(part.transitions);
        self.transitions
            .sort_by(|a, b| (&*a.source, a.ticket).cmp(&(&*b.source, b.ticket)));

        self.time_entries.retain(|e| !touched(&e.source, e.ticket));
        self.time_entries.extend(part.time_entries);
        self.time_entries
            .sort_by(|a, b| (&a.source, a.ticket, a.id).cmp(&(&b.source, b.ticket, b.id)));

        self.notes.retain(|n| !touched(&n.source, n.ticket));
        self.notes.extend(part.notes);
        self.notes
            .sort_by(|a, b| (&a.source, a.ticket, a.id).cmp(&(&b.source, b.ticket, b.id)));

        self.projects.retain(|p| p.source != source);
        self.projects.extend(part.projects);
        self.projects
            .sort_by(|a, b| (&a.source, &a.key).cmp(&(&b.source, &b.key)));

        self.members.retain(|m| m.source != source);
        self.members.extend(part.members);
        self.members.sort_by(|a, b| {
            (&a.source, &a.project, &a.login).cmp(&(&b.source, &b.project, &b.login))
        });
    }
}
