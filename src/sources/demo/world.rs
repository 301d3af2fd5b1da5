//! The demo tracker's own state: what a real tracker would hold on its server.

use std::collections::HashMap;

use crate::domain::{ChangeSet, Portfolio, StatusCategory, Ticket};

pub const TODO: &str = "To Do";
pub const IN_PROGRESS: &str = "In Progress";
pub const IN_REVIEW: &str = "In Review";
pub const DONE: &str = "Done";

pub fn category_of(status: &str) -> StatusCategory {
    match status {
        TODO => StatusCategory::Todo,
        DONE => StatusCategory::Done,
        _ => StatusCategory::InProgress,
    }
}

#[derive(Debug, Clone, Default)]
pub struct World {
    pub source: String,
    /// Everything the tracker holds.
    pub data: Portfolio,
    last_id: u64,
    last_note: u64,
    last_entry: u64,
    per_project: HashMap<String, u64>,
}

impl World {
    pub fn new(source: &str) -> World {
        World {
            source: source.to_string(),
            ..World::default()
        }
    }

    /// Rebuilds the tracker's state from what lookout stored of it, so the demo carries on
    /// where it left off after a restart.
    pub fn from_portfolio(source: &str, p: &Portfolio) -> World {
        let mine = |s: &str| s == source;
        let mut w = World::new(source);
        w.data.projects = p
            .projects
            .iter()
            .filter(|x| mine(&x.source))
            .cloned()
            .collect();
        w.data.members = p
            .members
            .iter()
            .filter(|x| mine(&x.source))
            .cloned()
            .collect();
        for t in p.tickets.iter().filter(|x| mine(&x.source)) {
            w.push_ticket(t.clone());
        }
        w.last_note = p
            .notes
            .iter()
            .filter(|x| mine(&x.source))
            .map(|n| n.id)
            .max()
            .unwrap_or(0);
        w.last_entry = p
            .time_entries
            .iter()
            .filter(|x| mine(&x.source))
            .map(|e| e.id)
            .max()
            .unwrap_or(0);
        w
    }

    pub fn next_id(&mut self) -> u64 {
        self.last_id += 1;
        self.last_id
    }

    pub fn next_note_id(&mut self) -> u64 {
        self.last_note += 1;
        self.last_note
    }

    pub fn next_entry_id(&mut self) -> u64 {
        self.last_entry += 1;
        self.last_entry
    }

    pub fn count_in(&self, project: &str) -> u64 {
        self.per_project.get(project).copied().unwrap_or(0)
    }

    pub fn push_ticket(&mut self, t: Ticket) {
        self.last_id = self.last_id.max(t.id);
        let number = t
            .key
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        let seen = self.per_project.entry(t.project.to_string()).or_insert(0);
        *seen = (*seen).max(number);
        self.data.tickets.push(t);
    }

    /// Everything in the world, as one change set (the first sync).
    pub fn into_change_set(self) -> ChangeSet {
        let d = self.data;
        ChangeSet {
            source: self.source,
            projects: d.projects,
            members: d.members,
            tickets: d.tickets,
            transitions: d.transitions,
            time_entries: d.time_entries,
            notes: d.notes,
            cursor: None,
            ..ChangeSet::default()
        }
    }
}
