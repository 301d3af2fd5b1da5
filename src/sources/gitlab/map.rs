//! From GitLab's issues, state events and scoped-label events to lookout's tickets and
//! transitions.
//!
//! GitLab has two states, opened and closed. A configured label scope adds statuses: with
//! `status_scope = "workflow"`, an open issue labelled `workflow::review` is in status
//! "review"; a closed one is "Closed" whatever its labels. Statuses and their history are
//! computed the same way from the issue and from its events, so they always agree.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Settings, dto};
use crate::domain::{Field, Priority, StatusCategory, Ticket, Transition, is_non_delivery};

/// Label scopes that say how an issue closed.
const CLOSING_SCOPES: [&str; 7] = [
    "resolution",
    "reason",
    "closed",
    "close",
    "state",
    "status",
    "workflow",
];

pub const OPEN: &str = "Open";
pub const CLOSED: &str = "Closed";

/// The value of `label` in `scope` (`workflow::review` in `workflow` is `review`).
pub fn scoped<'a>(scope: Option<&str>, label: &'a str) -> Option<&'a str> {
    let rest = label.strip_prefix(scope?)?.strip_prefix("::")?;
    // Nested scopes (`a::b::c`) belong to the scope `a::b`, not `a`.
    (!rest.contains("::") && !rest.trim().is_empty()).then_some(rest)
}

/// The status an issue in this state with this status label shows.
pub fn status_name(closed: bool, label: Option<&str>) -> &str {
    match (closed, label) {
        (true, _) => CLOSED,
        (false, Some(l)) => l,
        (false, None) => OPEN,
    }
}

impl Settings {
    /// The category of a status: the configured one, else by its name (see the README).
    pub fn category(&self, status: &str) -> StatusCategory {
        if status == CLOSED {
            return StatusCategory::Done;
        }
        if status == OPEN {
            return StatusCategory::Todo;
        }
        if let Some((_, c)) = self
            .status_categories
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(status))
        {
            return *c;
        }
        let words: String = status
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        const WAITING: [&str; 9] = [
            "todo", "backlog", "triage", "new", "open", "ready", "planning", "planned", "icebox",
        ];
        if WAITING.iter().any(|w| words == *w) {
            StatusCategory::Todo
        } else {
            StatusCategory::InProgress
        }
    }

    /// Whether a closed issue with this label was closed without delivering: a label that
    /// names it (`wontfix`), or a scoped one whose scope is about how it closed
    /// (`resolution::duplicate`); `docs::incomplete` says nothing of the issue's closing.
    pub fn not_delivered(&self, label: &str) -> bool {
        let named = match label.rsplit_once("::") {
            Some((scope, value)) => {
                CLOSING_SCOPES
                    .iter()
                    .any(|s| scope.trim().eq_ignore_ascii_case(s))
                    && is_non_delivery(value)
            }
            None => is_non_delivery(label),
        };
        named
            || self
                .not_delivered
                .iter()
                .any(|l| l.eq_ignore_ascii_case(label))
    }

    fn status_label<'a>(&self, labels: &'a [String]) -> Option<&'a str> {
        let scope = self.status_scope.as_deref();
        labels.iter().find_map(|l| scoped(scope, l))
    }

    fn priority_label<'a>(&self, labels: &'a [String]) -> Option<&'a str> {
        let scope = self.priority_scope.as_deref();
        labels.iter().find_map(|l| scoped(scope, l))
    }

    /// The issue's status name, normalised priority and the priority's own name.
    pub fn standing<'a>(&self, closed: bool, labels: &'a [String]) -> (&'a str, Priority, &'a str) {
        let status = status_name(closed, self.status_label(labels));
        let name = self.priority_label(labels).unwrap_or("");
        (status, priority(name), name)
    }
}

/// A priority label's value: GitLab's own convention numbers them (`priority::1` is the
/// most urgent), others name them.
pub fn priority(value: &str) -> Priority {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Priority::Medium,
        "1" | "p0" | "p1" | "s1" | "highest" | "critical" | "blocker" | "urgent" => {
            Priority::Highest
        }
        "2" | "p2" | "s2" | "high" | "major" => Priority::High,
        "4" | "p4" | "s4" | "low" | "minor" => Priority::Low,
        "5" | "p5" | "lowest" | "trivial" => Priority::Lowest,
        _ => Priority::Medium,
    }
}

/// One thing that happened to an issue, from either event list.
#[derive(Debug, Clone)]
pub enum Event {
    State { closed: bool },
    Label { name: String, added: bool },
}

pub struct Mapped {
    pub ticket: Ticket,
    pub transitions: Vec<Transition>,
}

/// `path` is the issue's project path (`group/project`); `events` are (when, event id,
/// what), in any order.
pub fn issue(
    source: &Arc<str>,
    settings: &Settings,
    path: &str,
    i: dto::Issue,
    mut events: Vec<(DateTime<Utc>, u64, Event)>,
) -> Mapped {
    let closed = i.closed();
    let (status, priority, _) = settings.standing(closed, &i.labels);
    let category = settings.category(status);
    events.sort_by_key(|(at, id, _)| (*at, *id));
    let transitions = history(source, settings, i.id, &events);
    let resolved = closed.then(|| i.closed_at.unwrap_or(i.updated_at));
    let started = transitions
        .iter()
        .find(|t| {
            t.field == Field::Status
                && t.to
                    .as_deref()
                    .is_some_and(|s| settings.category(s) != StatusCategory::Todo)
        })
        .map(|t| t.at)
        .or(resolved);
    let resolution = closed
        .then(|| i.labels.iter().find(|l| settings.not_delivered(l)))
        .flatten()
        .map(|l| l.as_str().into());
    let estimate = i.weight.or_else(|| {
        let secs = i.time_stats.as_ref()?.time_estimate?;
        (secs > 0.0).then_some(secs / 3600.0)
    });
    let assignee = i.assigned().map(|u| u.shown().into());
    let mut ticket = Ticket {
        source: (**source).into(),
        id: i.id,
        project: path.into(),
        key: compact_str::format_compact!("{path}#{}", i.iid),
        title: i.title,
        status: status.into(),
        category,
        assignee,
        priority,
        estimate,
        labels: i.labels.iter().map(|l| l.as_str().into()).collect(),
        created: i.created_at,
        updated: i.updated_at,
        started,
        resolved,
        resolution,
        url: i.web_url,
    };
    ticket.keep_work_in_order();
    Mapped {
        ticket,
        transitions,
    }
}

/// Status and priority changes, replaying the events from an open issue without labels.
fn history(
    source: &Arc<str>,
    settings: &Settings,
    ticket: u64,
    events: &[(DateTime<Utc>, u64, Event)],
) -> Vec<Transition> {
    let (status_scope, priority_scope) = (
        settings.status_scope.as_deref(),
        settings.priority_scope.as_deref(),
    );
    let mut closed = false;
    let mut label: Option<String> = None;
    let mut prio: Option<String> = None;
    let mut out = Vec::new();
    let mut change = |at, field, from: Option<&str>, to: Option<&str>| {
        out.push(Transition {
            source: source.clone(),
            ticket,
            at,
            field,
            from: from.map(Arc::from),
            to: to.map(Arc::from),
        });
    };
    for (at, _, event) in events {
        let before = status_name(closed, label.as_deref()).to_string();
        match event {
            Event::State { closed: c } => closed = *c,
            Event::Label { name, added } => {
                if let Some(v) = scoped(status_scope, name) {
                    if *added {
                        label = Some(v.to_string());
                    } else if label.as_deref() == Some(v) {
                        label = None;
                    }
                }
                if let Some(v) = scoped(priority_scope, name) {
                    let was = prio.clone();
                    if *added {
                        prio = Some(v.to_string());
                    } else if prio.as_deref() == Some(v) {
                        prio = None;
                    }
                    if was != prio {
                        change(*at, Field::Priority, was.as_deref(), prio.as_deref());
                    }
                }
            }
        }
        let after = status_name(closed, label.as_deref());
        if after != before {
            change(*at, Field::Status, Some(&before), Some(after));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> Settings {
        Settings {
            url: "https://gitlab.example".into(),
            token_env: "T".into(),
            auth: super::super::Auth::PrivateToken,
            projects: vec!["grp/app".into()],
            groups: vec![],
            status_scope: Some("workflow".into()),
            priority_scope: Some("priority".into()),
            status_categories: vec![("verify".into(), StatusCategory::Done)],
            not_delivered: vec!["spam".into()],
            sweep_every: Duration::from_secs(3600),
        }
    }

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_000_000 + min * 60, 0).expect("valid")
    }

    #[test]
    fn scoped_labels_give_status_and_priority() {
        let s = settings();
        assert_eq!(scoped(Some("workflow"), "workflow::review"), Some("review"));
        assert_eq!(scoped(Some("workflow"), "workflow::a::b"), None);
        assert_eq!(scoped(Some("workflow"), "workflowish::x"), None);
        assert_eq!(scoped(None, "workflow::review"), None);
        let labels = vec![
            "bug".to_string(),
            "workflow::review".into(),
            "priority::1".into(),
        ];
        assert_eq!(
            s.standing(false, &labels),
            ("review", Priority::Highest, "1")
        );
        assert_eq!(s.standing(true, &labels).0, CLOSED);
        assert_eq!(s.category("review"), StatusCategory::InProgress);
        assert_eq!(s.category("Ready"), StatusCategory::Todo);
        assert_eq!(s.category("to do"), StatusCategory::Todo);
        assert_eq!(s.category("VERIFY"), StatusCategory::Done, "configured");
        assert_eq!(s.category(OPEN), StatusCategory::Todo);
        assert!(s.not_delivered("won't fix") && s.not_delivered("Spam"));
        assert!(!s.not_delivered("bug"));
        // Scoped: only a scope about the closing counts.
        assert!(s.not_delivered("resolution::duplicate") && s.not_delivered("Workflow::Cancelled"));
        assert!(!s.not_delivered("docs::incomplete") && !s.not_delivered("qa::rejected"));
        assert!(!s.not_delivered("resolution::fixed"));
    }

    #[test]
    fn events_replay_into_status_and_priority_changes() {
        let s = settings();
        let label = |name: &str, added| Event::Label {
            name: name.into(),
            added,
        };
        let events = vec![
            (at(3), 9, Event::State { closed: true }),
            (at(1), 1, label("workflow::doing", true)),
            (at(2), 2, label("priority::high", true)),
            (at(2), 3, label("bug", true)),
            (at(4), 10, Event::State { closed: false }),
        ];
        let t = history(&Arc::from("gl"), &s, 5, &{
            let mut e = events;
            e.sort_by_key(|(a, i, _)| (*a, *i));
            e
        });
        let seen: Vec<(Field, Option<&str>, Option<&str>)> = t
            .iter()
            .map(|t| (t.field, t.from.as_deref(), t.to.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (Field::Status, Some("Open"), Some("doing")),
                (Field::Priority, None, Some("high")),
                (Field::Status, Some("doing"), Some("Closed")),
                (Field::Status, Some("Closed"), Some("doing")),
            ]
        );
    }
}
