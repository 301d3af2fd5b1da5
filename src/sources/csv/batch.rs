//! One batch of rows as tickets: a key seen twice keeps its later row, in constant time.
//!
//! Each ticket's transitions stay beside it until the batch is handed over, so replacing a
//! duplicate is a swap, not a filter over every transition so far. Must never read the file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::pass::Pass;
use crate::domain::{ChangeSet, Ticket, Transition};

#[derive(Default)]
pub struct Batch {
    tickets: Vec<(Ticket, Vec<Transition>)>,
    at: HashMap<u64, usize>,
    /// Projects new to the pass, or with an earlier first date than written so far.
    projects: BTreeSet<String>,
    /// Assignees new to the pass, as (project, login).
    members: Vec<(String, String)>,
}

impl Batch {
    pub fn push(&mut self, pass: &mut Pass, ticket: Ticket, transitions: Vec<Transition>) {
        let seen = pass.saw(&ticket);
        if seen.project_moved {
            self.projects.insert(ticket.project.to_string());
        }
        if let (true, Some(login)) = (seen.new_member, &ticket.assignee) {
            self.members
                .push((ticket.project.to_string(), login.to_string()));
        }
        // A key seen twice: the later row is the newer export of that ticket.
        match self.at.get(&ticket.id) {
            Some(&i) => self.tickets[i] = (ticket, transitions),
            None => {
                self.at.insert(ticket.id, self.tickets.len());
                self.tickets.push((ticket, transitions));
            }
        }
    }

    /// Moves the batch into `changes`, with the projects and members it brought.
    pub fn into_changes(self, changes: &mut ChangeSet, pass: &Pass, path: &Path) {
        let source = changes.source.clone();
        changes.projects = self
            .projects
            .iter()
            .filter_map(|key| pass.project(&source, key, path))
            .collect();
        changes.members = self
            .members
            .iter()
            .map(|(project, login)| Pass::member(&source, project, login))
            .collect();
        changes.tickets.reserve(self.tickets.len());
        for (ticket, transitions) in self.tickets {
            changes.tickets.push(ticket);
            changes.transitions.extend(transitions);
        }
    }
}
