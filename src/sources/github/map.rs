//! From GitHub's issues and their events to lookout's tickets and transitions.
//!
//! The status rule: a closed issue is "Closed" (done; its `state_reason` is the resolution,
//! so "Not planned" and "Duplicate" are not counted as delivered); an open issue with a
//! configured status label has that label as its status; an open issue with an assignee is
//! "In progress"; any other open issue is "Open" (to do). The same rule, replayed over the
//! issue's events, gives the status history.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::dto;
use super::labels::LabelRules;
use crate::domain::{Field, Interner, Priority, StatusCategory, Ticket, Transition};

pub const OPEN: &str = "Open";
pub const IN_PROGRESS: &str = "In progress";
pub const CLOSED: &str = "Closed";

/// The status an issue in this state shows, and its category.
pub fn status<'a>(
    rules: &LabelRules,
    open: bool,
    labels: &[&'a str],
    assigned: bool,
) -> (&'a str, StatusCategory) {
    if !open {
        return (CLOSED, StatusCategory::Done);
    }
    match rules.status(labels) {
        Some(by_label) => by_label,
        None if assigned => (IN_PROGRESS, StatusCategory::InProgress),
        None => (OPEN, StatusCategory::Todo),
    }
}

/// A closed issue's resolution, from why it was closed; `None` (delivered) when GitHub does
/// not say.
pub fn resolution(state_reason: Option<&str>) -> Option<&'static str> {
    match state_reason? {
        "completed" => Some("Completed"),
        "not_planned" => Some("Not planned"),
        "duplicate" => Some("Duplicate"),
        _ => None,
    }
}

/// The event kinds the replay reads; any other kind leaves the history as it is.
pub const REPLAYED: [&str; 6] = [
    "closed",
    "reopened",
    "assigned",
    "unassigned",
    "labeled",
    "unlabeled",
];

pub struct Mapped {
    pub ticket: Ticket,
    pub transitions: Vec<Transition>,
}

/// Where a replay of the events stands.
struct Replay<'e> {
    open: bool,
    labels: Vec<&'e str>,
    assignees: Vec<&'e str>,
}

impl<'e> Replay<'e> {
    fn status(&self, rules: &LabelRules) -> (&'e str, StatusCategory) {
        status(rules, self.open, &self.labels, !self.assignees.is_empty())
    }

    fn priority(&self, rules: &LabelRules) -> Option<&'e str> {
        rules.priority(&self.labels).map(|(_, l)| l)
    }
}

fn login(u: &Option<dto::User>) -> Option<&str> {
    u.as_ref().map(|u| u.login.as_str())
}

/// The ticket and its history. `strings` shares the names transitions hold (statuses,
/// logins, labels) across a sync's issues: a first sync stores 180,000 changes and more
/// that name a handful of values.
pub fn issue(
    source: &Arc<str>,
    repo: &str,
    rules: &LabelRules,
    mut i: dto::Issue,
    events: &[dto::Event],
    strings: &mut Interner,
) -> Mapped {
    let mut transitions = Vec::new();
    let mut replay = Replay {
        open: true,
        labels: Vec::new(),
        assignees: Vec::new(),
    };
    let mut started = None;
    let (mut was, _) = replay.status(rules);
    let mut owner: Option<&str> = None;
    let mut priority: Option<&str> = None;
    // GitHub lists events oldest first; a stable sort keeps same-second events in its order.
    let mut order: Vec<&dto::Event> = events.iter().collect();
    if !order.is_sorted_by_key(|e| e.created_at) {
        order.sort_by_key(|e| e.created_at);
    }
    for e in order {
        match e.event.as_str() {
            "closed" => replay.open = false,
            "reopened" => replay.open = true,
            "assigned" => match login(&e.assignee) {
                Some(who) if !replay.assignees.contains(&who) => replay.assignees.push(who),
                _ => continue,
            },
            "unassigned" => {
                let who = login(&e.assignee);
                replay.assignees.retain(|a| Some(*a) != who);
            }
            "labeled" => match e.label.as_ref().map(|l| l.name.as_str()) {
                Some(l) if !replay.labels.contains(&l) => replay.labels.push(l),
                _ => continue,
            },
            "unlabeled" => {
                let gone = e.label.as_ref().map(|l| l.name.as_str());
                replay.labels.retain(|l| Some(*l) != gone);
            }
            _ => continue,
        }
        let mut moved = |field: Field, from: Option<&str>, to: Option<&str>| {
            transitions.push(Transition {
                source: source.clone(),
                ticket: i.id,
                at: e.created_at,
                field,
                from: from.map(|s| strings.get(s)),
                to: to.map(|s| strings.get(s)),
            });
        };
        let (now, category) = replay.status(rules);
        if now != was {
            if started.is_none() && category != StatusCategory::Todo {
                started = Some(e.created_at);
            }
            moved(Field::Status, Some(was), Some(now));
            was = now;
        }
        let first = replay.assignees.first().copied();
        if first != owner {
            moved(Field::Assignee, owner, first);
            owner = first;
        }
        let level = replay.priority(rules);
        if level != priority {
            moved(Field::Priority, priority, level);
            priority = level;
        }
    }

    let url = i.html_url.take().filter(|u| !u.is_empty());
    let labels: Vec<&str> = i.labels.iter().map(|l| l.name.as_str()).collect();
    let open = i.state != "closed";
    let assignee = i.first_assignee();
    let (status, category) = status(rules, open, &labels, assignee.is_some());
    let resolved: Option<DateTime<Utc>> = (!open).then(|| i.closed_at.unwrap_or(i.updated_at));
    let mut ticket = Ticket {
        source: (**source).into(),
        id: i.id,
        project: repo.into(),
        key: compact_str::format_compact!("{repo}#{}", i.number),
        status: status.into(),
        category,
        assignee: assignee.map(Into::into),
        priority: rules
            .priority(&labels)
            .map_or(Priority::Medium, |(level, _)| level),
        estimate: rules.estimate(&labels),
        labels: labels.iter().map(|l| (*l).into()).collect(),
        created: i.created_at,
        updated: i.updated_at,
        started: started.or(if category == StatusCategory::Todo {
            None
        } else {
            Some(resolved.unwrap_or(i.updated_at))
        }),
        resolved,
        resolution: if open {
            None
        } else {
            resolution(i.state_reason.as_deref()).map(Into::into)
        },
        url,
        title: i.title,
    };
    ticket.keep_work_in_order();
    Mapped {
        ticket,
        transitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, minute: u32, who: Option<&str>, label: Option<&str>) -> dto::Event {
        dto::Event {
            id: None,
            event: kind.into(),
            created_at: format!("2026-01-02T10:{minute:02}:00Z")
                .parse()
                .expect("time"),
            assignee: who.map(|w| dto::User { login: w.into() }),
            label: label.map(|l| dto::Label { name: l.into() }),
            issue: None,
        }
    }

    fn closed_issue(reason: &str) -> dto::Issue {
        serde_json::from_value(serde_json::json!({
            "id": 900, "number": 7, "title": "Crash", "state": "closed",
            "state_reason": reason, "labels": [{"name": "P1"}],
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-03T00:00:00Z",
            "closed_at": "2026-01-02T10:30:00Z",
            "html_url": "https://github.com/acme/app/issues/7"
        }))
        .expect("issue")
    }

    #[test]
    fn events_replay_into_status_assignee_and_priority_history() {
        let rules = LabelRules {
            priority: vec![("P1".into(), Priority::Highest)],
            ..LabelRules::default()
        };
        let events = [
            event("labeled", 5, None, Some("P1")),
            event("subscribed", 6, None, None),
            event("assigned", 10, Some("ana"), None),
            event("closed", 30, None, None),
        ];
        let source: Arc<str> = Arc::from("gh");
        let m = issue(
            &source,
            "acme/app",
            &rules,
            closed_issue("completed"),
            &events,
            &mut Interner::default(),
        );
        let t = &m.ticket;
        assert_eq!(t.key, "acme/app#7");
        assert_eq!(
            (t.status.as_str(), t.category),
            (CLOSED, StatusCategory::Done)
        );
        assert_eq!(t.priority, Priority::Highest);
        assert!(t.delivered());
        let moves: Vec<(Field, Option<&str>, Option<&str>)> = m
            .transitions
            .iter()
            .map(|t| (t.field, t.from.as_deref(), t.to.as_deref()))
            .collect();
        assert_eq!(
            moves,
            [
                (Field::Priority, None, Some("P1")),
                (Field::Status, Some(OPEN), Some(IN_PROGRESS)),
                (Field::Assignee, None, Some("ana")),
                (Field::Status, Some(IN_PROGRESS), Some(CLOSED)),
            ]
        );
        assert_eq!(
            t.started,
            Some(events[2].created_at),
            "work began when assigned"
        );
        assert_eq!(
            t.resolved,
            t.started.map(|s| s + chrono::Duration::minutes(20))
        );
    }

    #[test]
    fn not_planned_closes_without_delivering() {
        let source: Arc<str> = Arc::from("gh");
        let m = issue(
            &source,
            "acme/app",
            &LabelRules::default(),
            closed_issue("not_planned"),
            &[],
            &mut Interner::default(),
        );
        assert_eq!(m.ticket.resolution.as_deref(), Some("Not planned"));
        assert!(!m.ticket.delivered());
    }
}
