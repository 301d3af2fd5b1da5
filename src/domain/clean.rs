//! The one pass that makes tracker text safe to show: every text field of every entity a
//! source produces, cleaned by `text::sanitize` where it enters lookout (before a change set
//! is stored, and as a store is loaded). Pure; it never drops or reorders a record, and never
//! touches source names (validated config names) or cursors (opaque to everyone but their
//! source).
//!
//! Keys are cleaned like the rest. A ticket's `project` and a member's `project` are cleaned
//! by the same function as the project's `key`, so they still name the same project.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use compact_str::CompactString;

use super::{ChangeSet, Member, Note, Portfolio, Project, Ticket, TimeEntry, Transition};
use crate::text::{clean_block_in_place, clean_in_place, needs_cleaning, sanitize};

impl ChangeSet {
    /// Cleans every text the source sent, warnings included.
    pub fn sanitize(&mut self) {
        clean_all(
            &mut self.projects,
            &mut self.members,
            &mut self.tickets,
            &mut self.transitions,
            &mut self.time_entries,
            &mut self.notes,
        );
        self.warnings.iter_mut().for_each(clean_in_place);
    }

    /// `sanitize`, by value: what the sync loop stores.
    pub fn sanitized(mut self) -> ChangeSet {
        self.sanitize();
        self
    }
}

impl Portfolio {
    /// Cleans every text in the portfolio: a store written before text was cleaned on the
    /// way in holds it raw.
    ///
    /// Such a store keyed a project (and its members) by the raw key; synced again, the same
    /// project is stored under its clean key too. Both clean to the same key, and the one
    /// stored clean (the newer) is kept.
    pub fn sanitize(&mut self) {
        let raw_projects: Vec<bool> = self
            .projects
            .iter()
            .map(|p| needs_cleaning(&p.key))
            .collect();
        let raw_members: Vec<bool> = self
            .members
            .iter()
            .map(|m| needs_cleaning(&m.project) || needs_cleaning(&m.login))
            .collect();
        clean_all(
            &mut self.projects,
            &mut self.members,
            &mut self.tickets,
            &mut self.transitions,
            &mut self.time_entries,
            &mut self.notes,
        );
        keep_one(&mut self.projects, &raw_projects, |p| {
            (p.source.clone(), p.key.clone())
        });
        keep_one(&mut self.members, &raw_members, |m| {
            (m.source.clone(), m.project.clone(), m.login.clone())
        });
    }
}

/// Drops all but one of the items with the same key, keeping the first that was clean before
/// cleaning (or the first, when none was); `raw[i]` says whether item `i` was cleaned.
fn keep_one<T, K: Hash + Eq>(items: &mut Vec<T>, raw: &[bool], key: impl Fn(&T) -> K) {
    if !raw.contains(&true) {
        return;
    }
    let mut kept: HashMap<K, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let slot = kept.entry(key(item)).or_insert(i);
        if raw[*slot] && !raw[i] {
            *slot = i;
        }
    }
    let keep: HashSet<usize> = kept.into_values().collect();
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        keep.contains(&(i - 1))
    });
}

fn clean_all(
    projects: &mut [Project],
    members: &mut [Member],
    tickets: &mut [Ticket],
    transitions: &mut [Transition],
    time_entries: &mut [TimeEntry],
    notes: &mut [Note],
) {
    for p in projects {
        clean_in_place(&mut p.key);
        clean_in_place(&mut p.name);
        clean_block_in_place(&mut p.description);
        p.url.as_mut().map(clean_in_place);
    }
    for m in members {
        clean_short(&mut m.project);
        clean_short(&mut m.login);
        clean_short(&mut m.display_name);
    }
    for t in tickets {
        clean_ticket(t);
    }
    for t in transitions {
        clean_shared(&mut t.from);
        clean_shared(&mut t.to);
    }
    for e in time_entries {
        clean_in_place(&mut e.member);
        clean_block_in_place(&mut e.comment);
    }
    for n in notes {
        clean_in_place(&mut n.author);
        clean_block_in_place(&mut n.body);
    }
}

fn clean_ticket(t: &mut Ticket) {
    clean_short(&mut t.project);
    clean_short(&mut t.key);
    clean_in_place(&mut t.title);
    clean_short(&mut t.status);
    t.assignee.as_mut().map(clean_short);
    t.labels.iter_mut().for_each(clean_short);
    t.resolution.as_mut().map(clean_short);
    t.url.as_mut().map(clean_in_place);
}

/// `clean_in_place` for a ticket's short fields: a clean one (nearly all) is left as it is.
fn clean_short(s: &mut CompactString) {
    if needs_cleaning(s) {
        *s = sanitize(s).into();
    }
}

/// Transitions share their status strings: a clean one (nearly all) keeps its shared copy.
fn clean_shared(s: &mut Option<Arc<str>>) {
    if let Some(text) = s
        && needs_cleaning(text)
    {
        *s = Some(Arc::from(sanitize(text)));
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::Field;

    const HOSTILE: &str = "A\u{1b}[31m\u{9b}2J\u{202e}B\u{7}\u{0}";

    #[test]
    fn every_text_field_is_cleaned_and_references_still_match() {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("date");
        let mut c = ChangeSet::new("s");
        c.projects.push(Project {
            source: "s".into(),
            key: HOSTILE.into(),
            name: HOSTILE.into(),
            description: format!("line\n{HOSTILE}"),
            created: at,
            url: Some(HOSTILE.into()),
            target: None,
        });
        c.members.push(Member {
            source: "s".into(),
            project: HOSTILE.into(),
            login: HOSTILE.into(),
            display_name: HOSTILE.into(),
        });
        c.tickets.push(Ticket {
            project: HOSTILE.into(),
            key: HOSTILE.into(),
            title: HOSTILE.into(),
            status: HOSTILE.into(),
            assignee: Some(HOSTILE.into()),
            labels: vec![HOSTILE.into()],
            resolution: Some(HOSTILE.into()),
            url: Some(HOSTILE.into()),
            ..Ticket::stub(1, at)
        });
        let clean: Arc<str> = Arc::from("To Do");
        c.transitions.push(Transition {
            source: "s".into(),
            ticket: 1,
            at,
            field: Field::Status,
            from: Some(clean.clone()),
            to: Some(HOSTILE.into()),
        });
        c.time_entries.push(TimeEntry {
            source: "s".into(),
            ticket: 1,
            id: 1,
            at,
            member: HOSTILE.into(),
            hours: 1.0,
            comment: HOSTILE.into(),
        });
        c.notes.push(Note {
            source: "s".into(),
            ticket: 1,
            id: 1,
            at,
            author: HOSTILE.into(),
            body: HOSTILE.into(),
        });
        c.warnings.push(HOSTILE.into());
        c.cursor = Some("opaque\u{1b}".into());
        c.sanitize();

        let debug = format!(
            "{:?}",
            (&c.projects, &c.members, &c.tickets, &c.time_entries)
        );
        assert!(!debug.contains("\\u{"), "{debug}");
        assert!(!format!("{:?}", (&c.notes, &c.warnings)).contains("\\u{"));
        assert_eq!(c.tickets[0].project, c.projects[0].key);
        assert_eq!(c.members[0].project, "AB");
        assert_eq!(c.projects[0].description, "line\nAB");
        assert_eq!(c.transitions[0].to.as_deref(), Some("AB"));
        assert!(
            c.transitions[0]
                .from
                .as_ref()
                .is_some_and(|f| Arc::ptr_eq(f, &clean)),
            "a clean shared status stays shared"
        );
        assert_eq!(
            c.cursor.as_deref(),
            Some("opaque\u{1b}"),
            "cursors are opaque"
        );

        let mut p = Portfolio::from(c.clone());
        p.tickets[0].title = HOSTILE.into();
        p.sanitize();
        assert_eq!(p.tickets[0].title, "AB");
    }

    #[test]
    fn a_project_stored_under_its_raw_and_its_clean_key_loads_once() {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("date");
        let project = |key: &str, name: &str| Project {
            source: "s".into(),
            key: key.into(),
            name: name.into(),
            description: String::new(),
            created: at,
            url: None,
            target: None,
        };
        let mut p = Portfolio {
            projects: vec![
                project("AB", "new"),
                project(HOSTILE, "old"),
                project("CD", "other"),
            ],
            ..Portfolio::default()
        };
        p.sanitize();
        let names: Vec<(&str, &str)> = p
            .projects
            .iter()
            .map(|p| (p.key.as_str(), p.name.as_str()))
            .collect();
        assert_eq!(names, [("AB", "new"), ("CD", "other")]);

        // The raw one first, in store order, still loses to the clean one.
        p.projects = vec![project(HOSTILE, "old"), project("AB", "new")];
        p.sanitize();
        assert_eq!(p.projects.len(), 1);
        assert_eq!(p.projects[0].name, "new");
    }
}
