//! From Redmine's issues and journals to lookout's tickets, transitions and notes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::dto;
use crate::domain::{Field, Note, Priority, StatusCategory, Ticket, Transition};

/// The names behind Redmine's ids: journals speak in ids only.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Status id to (name, category).
    pub statuses: HashMap<u64, (String, StatusCategory)>,
    /// Priority id to (name, normalised priority), in Redmine's order.
    pub priorities: Vec<(u64, String, Priority)>,
    pub users: HashMap<u64, String>,
    /// Project id to identifier.
    pub projects: HashMap<u64, String>,
}

impl Catalog {
    /// Redmine has only "closed or not": a tracker's default status is where work waits,
    /// every other open status is work in progress.
    pub fn set_statuses(&mut self, statuses: Vec<dto::Status>, defaults: &[u64]) {
        self.statuses = statuses
            .into_iter()
            .map(|s| {
                let category = if s.is_closed {
                    StatusCategory::Done
                } else if defaults.contains(&s.id) {
                    StatusCategory::Todo
                } else {
                    StatusCategory::InProgress
                };
                (s.id, (s.name, category))
            })
            .collect();
    }

    /// Priorities are ordered; the default one is Medium, and each step away one level.
    pub fn set_priorities(&mut self, list: Vec<dto::PriorityDto>) {
        let default = list
            .iter()
            .position(|p| p.is_default)
            .unwrap_or(list.len() / 2) as i64;
        self.priorities = list
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let level = match i as i64 - default {
                    ..=-2 => Priority::Lowest,
                    -1 => Priority::Low,
                    0 => Priority::Medium,
                    1 => Priority::High,
                    _ => Priority::Highest,
                };
                (p.id, p.name, level)
            })
            .collect();
    }

    fn category(&self, status: u64) -> StatusCategory {
        self.statuses
            .get(&status)
            .map(|s| s.1)
            .unwrap_or(StatusCategory::InProgress)
    }

    fn priority(&self, id: u64) -> Priority {
        self.priorities
            .iter()
            .find(|p| p.0 == id)
            .map(|p| p.2)
            .unwrap_or(Priority::Medium)
    }

    /// The name for a journal's id value of `field`.
    fn name_of(&self, field: Field, value: Option<&str>) -> Option<String> {
        let raw = value.filter(|v| !v.is_empty())?;
        let Ok(id) = raw.parse::<u64>() else {
            return Some(raw.to_string());
        };
        let name = match field {
            Field::Status => self.statuses.get(&id).map(|s| s.0.clone()),
            Field::Priority => self
                .priorities
                .iter()
                .find(|p| p.0 == id)
                .map(|p| p.1.clone()),
            Field::Assignee => self.users.get(&id).cloned(),
        };
        Some(name.unwrap_or_else(|| format!("#{id}")))
    }

    pub fn status_id(&self, name: &str) -> Option<u64> {
        self.statuses
            .iter()
            .find(|(_, s)| s.0.eq_ignore_ascii_case(name))
            .map(|(id, _)| *id)
    }

    pub fn priority_id(&self, name: &str) -> Option<u64> {
        self.priorities
            .iter()
            .find(|p| p.1.eq_ignore_ascii_case(name) || p.2.label().eq_ignore_ascii_case(name))
            .map(|p| p.0)
    }
}

pub struct Mapped {
    pub ticket: Ticket,
    pub transitions: Vec<Transition>,
    pub notes: Vec<Note>,
}

pub fn issue(source: &Arc<str>, base: &str, c: &Catalog, i: dto::Issue) -> Mapped {
    let category = c.category(i.status.id);
    let mut transitions = Vec::new();
    let mut notes = Vec::new();
    let mut started = None;
    for j in &i.journals {
        if let Some(body) = j.notes.as_deref().filter(|n| !n.trim().is_empty()) {
            notes.push(Note {
                source: source.to_string(),
                ticket: i.id,
                id: j.id,
                at: j.created_on,
                author: j.user.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                body: body.to_string(),
            });
        }
        for d in j.details.iter().filter(|d| d.property == "attr") {
            let field = match d.name.as_str() {
                "status_id" => Field::Status,
                "assigned_to_id" => Field::Assignee,
                "priority_id" => Field::Priority,
                _ => continue,
            };
            if field == Field::Status && started.is_none() {
                let to = d.new_value.as_deref().and_then(|v| v.parse().ok());
                if to.is_some_and(|s| c.category(s) != StatusCategory::Todo) {
                    started = Some(j.created_on);
                }
            }
            transitions.push(Transition {
                source: source.clone(),
                ticket: i.id,
                at: j.created_on,
                field,
                from: c.name_of(field, d.old_value.as_deref()).map(Arc::from),
                to: c.name_of(field, d.new_value.as_deref()).map(Arc::from),
            });
        }
    }
    let done = category == StatusCategory::Done;
    let resolved: Option<DateTime<Utc>> = done.then(|| i.closed_on.unwrap_or(i.updated_on));
    let mut ticket = Ticket {
        source: (**source).into(),
        id: i.id,
        project: c
            .projects
            .get(&i.project.id)
            .cloned()
            .unwrap_or_else(|| i.project.name.clone())
            .into(),
        key: compact_str::format_compact!("#{}", i.id),
        title: i.subject,
        status: i.status.name.as_str().into(),
        category,
        assignee: i.assigned_to.map(|a| a.name.into()),
        priority: c.priority(i.priority.id),
        estimate: i.estimated_hours,
        labels: Vec::new(),
        created: i.created_on,
        updated: i.updated_on,
        started: started.or(resolved),
        resolved,
        // Redmine's closed statuses double as resolutions ("Rejected" delivers nothing).
        resolution: done.then_some(i.status.name.into()),
        url: Some(format!("{}/issues/{}", base.trim_end_matches('/'), i.id)),
    };
    ticket.keep_work_in_order();
    Mapped {
        ticket,
        transitions,
        notes,
    }
}
