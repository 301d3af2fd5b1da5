//! From ConnectWise's service tickets to lookout's tickets: a board is a project, the board's
//! statuses give the category, and the priority is read from ConnectWise's own naming.

use std::collections::HashMap;

use super::dto;
use super::status;
use crate::domain::{Priority, StatusCategory, Ticket};

/// Board statuses by id, with their category.
#[derive(Debug, Default)]
pub struct Statuses(
    HashMap<u64, StatusCategory>,
    HashMap<String, StatusCategory>,
);

impl Statuses {
    pub fn add(&mut self, list: &[dto::BoardStatus]) {
        for s in list {
            self.0
                .insert(s.id, status::category(&s.name, s.closed_status));
            self.1
                .insert(s.name.clone(), status::category(&s.name, s.closed_status));
        }
    }

    /// A status by the name history gives it: the board's flag where a board lists that
    /// name, else the name alone.
    pub fn named(&self, name: &str) -> StatusCategory {
        self.1
            .get(name)
            .copied()
            .unwrap_or_else(|| status::category(name, false))
    }

    /// A status the board no longer lists (renamed, removed) is placed by its name.
    fn of(&self, s: &dto::Reference) -> StatusCategory {
        self.0
            .get(&s.id)
            .copied()
            .unwrap_or_else(|| status::category(s.name.as_deref().unwrap_or(""), false))
    }
}

/// ConnectWise ships "Priority 1 - Emergency Response" to "Priority 4 - Schedule
/// Maintenance"; sites rename them, so words count where the number is gone.
pub fn priority(name: &str) -> Priority {
    let lower = name.to_ascii_lowercase();
    let number = lower
        .strip_prefix("priority")
        .map(str::trim_start)
        .and_then(|r| r.chars().next())
        .and_then(|c| c.to_digit(10));
    match number {
        Some(1) => Priority::Highest,
        Some(2) => Priority::High,
        Some(3) => Priority::Medium,
        Some(4) => Priority::Low,
        Some(_) => Priority::Lowest,
        None if ["emergency", "critical", "urgent"]
            .iter()
            .any(|w| lower.contains(w)) =>
        {
            Priority::Highest
        }
        None if lower.contains("high") => Priority::High,
        None if lower.contains("low") || lower.contains("do not respond") => Priority::Low,
        None => Priority::Medium,
    }
}

/// Which listing a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/service/tickets`: its board is its project.
    Service,
    /// `/project/tickets`: its project is its project, and its phase a label.
    Project,
}

/// The ticket as lookout keeps it; `started` comes from the status history, not from here.
pub fn ticket(source: &str, kind: Kind, t: &dto::ServiceTicket, statuses: &Statuses) -> Ticket {
    // A project ticket's own flag says it is closed, whatever its board calls the status.
    let category = if kind == Kind::Project && t.closed_flag == Some(true) {
        StatusCategory::Done
    } else {
        statuses.of(&t.status)
    };
    let (project, key, labels) = match (kind, &t.project) {
        (Kind::Project, Some(p)) => (
            super::projects::key(p.id),
            super::projects::ticket_key(t.id),
            t.phase
                .as_ref()
                .and_then(|ph| ph.name.as_deref())
                .map(crate::text::sanitize)
                .filter(|n| !n.is_empty())
                .map(|n| vec![n.as_str().into()])
                .unwrap_or_default(),
        ),
        _ => (
            t.board.name.clone().unwrap_or_default(),
            format!("#{}", t.id),
            Vec::new(),
        ),
    };
    let resolved =
        (category == StatusCategory::Done).then(|| t.closed_date.unwrap_or(t.info.last_updated));
    Ticket {
        source: source.into(),
        id: t.id,
        project: project.into(),
        key: key.into(),
        title: t.summary.clone(),
        status: t.status.name.clone().unwrap_or_default().into(),
        category,
        assignee: t
            .owner
            .as_ref()
            .and_then(|o| o.identifier.clone().or_else(|| o.name.clone()))
            .map(Into::into),
        priority: t
            .priority
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .map(priority)
            .unwrap_or(Priority::Medium),
        estimate: t.budget_hours.filter(|h| h.is_finite() && *h > 0.0),
        labels,
        created: t.info.date_entered,
        updated: t.info.last_updated,
        started: None,
        resolved,
        // None: a board's closed statuses say how it closed ("Closed - Cancelled"), and
        // `Ticket::delivered` reads the status where there is no resolution.
        resolution: None,
        url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_ticket(status_id: u64, status: &str) -> dto::ServiceTicket {
        serde_json::from_value(serde_json::json!({
            "id": 4711,
            "summary": "Printer on 3rd floor offline",
            "board": {"id": 1, "name": "Help Desk"},
            "status": {"id": status_id, "name": status},
            "owner": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
            "priority": {"id": 8, "name": "Priority 2 - Quick Response"},
            "budgetHours": 1.5,
            "closedDate": "2026-01-03T10:00:00Z",
            "_info": {"dateEntered": "2026-01-01T09:00:00Z", "lastUpdated": "2026-01-03T10:05:00Z"}
        }))
        .expect("a service ticket as 2022.1 sends it")
    }

    #[test]
    fn a_service_ticket_maps_board_status_owner_and_priority() {
        let mut statuses = Statuses::default();
        statuses.add(&[
            dto::BoardStatus {
                id: 1,
                name: "New".into(),
                closed_status: false,
            },
            dto::BoardStatus {
                id: 5,
                name: "Completed".into(),
                closed_status: true,
            },
        ]);
        let open = ticket("cw", Kind::Service, &service_ticket(1, "New"), &statuses);
        assert_eq!(
            (open.key.as_str(), open.project.as_str(), open.category),
            ("#4711", "Help Desk", StatusCategory::Todo)
        );
        assert_eq!(open.assignee.as_deref(), Some("jdoe"));
        assert_eq!(open.priority, Priority::High);
        assert_eq!(open.estimate, Some(1.5));
        assert_eq!(open.resolved, None);

        let done = ticket(
            "cw",
            Kind::Service,
            &service_ticket(5, "Completed"),
            &statuses,
        );
        assert_eq!(done.category, StatusCategory::Done);
        assert_eq!(
            done.resolved.map(|d| d.to_rfc3339()),
            Some("2026-01-03T10:00:00+00:00".into())
        );
        assert!(done.delivered());
        assert_eq!(open.resolution, None);

        // Closed without the work: not throughput.
        statuses.add(&[dto::BoardStatus {
            id: 6,
            name: "Closed - Cancelled".into(),
            closed_status: true,
        }]);
        let cancelled = ticket(
            "cw",
            Kind::Service,
            &service_ticket(6, "Closed - Cancelled"),
            &statuses,
        );
        assert_eq!(cancelled.category, StatusCategory::Done);
        assert!(!cancelled.delivered());

        // A status the board no longer lists is placed by its name.
        let gone = ticket(
            "cw",
            Kind::Service,
            &service_ticket(99, "Waiting on client"),
            &statuses,
        );
        assert_eq!(gone.category, StatusCategory::InProgress);
    }

    #[test]
    fn priorities_read_connectwise_s_numbering_then_words() {
        assert_eq!(
            priority("Priority 1 - Emergency Response"),
            Priority::Highest
        );
        assert_eq!(priority("Priority 3 - Normal Response"), Priority::Medium);
        assert_eq!(priority("Priority 4 - Schedule Maintenance"), Priority::Low);
        assert_eq!(priority("Critical"), Priority::Highest);
        assert_eq!(priority("Do not respond"), Priority::Low);
        assert_eq!(priority("Normal"), Priority::Medium);
    }
}
