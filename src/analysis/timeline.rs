//! One ticket's history as stays: which status (or assignee) it had, from when to when, and
//! how long that was; and the total per status, a status entered twice counting both times.
//!
//! Read from the ticket's own transitions. The value before the first change is that change's
//! `from`; a field that never changed held its current value since the ticket was created.

use chrono::{DateTime, Utc};

use super::flow::days;
use crate::domain::{Field, Ticket, Transition};

/// One stretch of time a field held one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Stay {
    /// The value held (a status, an assignee's login); `None` when the field was empty.
    pub value: Option<String>,
    pub from: DateTime<Utc>,
    /// `None` while the value still holds.
    pub until: Option<DateTime<Utc>>,
    /// Length in days, up to `now` for the current stay; never negative.
    pub days: f64,
}

impl Stay {
    pub fn is_current(&self) -> bool {
        self.until.is_none()
    }
}

/// Total time in one status over every visit.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTotal {
    pub status: String,
    pub days: f64,
    pub visits: usize,
}

/// The ticket's stays in each status, oldest first, the last one current.
pub fn status_stays(ticket: &Ticket, history: &[Transition], now: DateTime<Utc>) -> Vec<Stay> {
    stays(
        ticket,
        history,
        Field::Status,
        Some(ticket.status.as_str()),
        now,
    )
}

/// The ticket's assignees over time, oldest first, the last one current.
pub fn assignee_stays(ticket: &Ticket, history: &[Transition], now: DateTime<Utc>) -> Vec<Stay> {
    stays(
        ticket,
        history,
        Field::Assignee,
        ticket.assignee.as_deref(),
        now,
    )
}

/// Whether the history holds any change of `field`.
pub fn has_changes(history: &[Transition], field: Field) -> bool {
    history.iter().any(|x| x.field == field)
}

fn stays(
    ticket: &Ticket,
    history: &[Transition],
    field: Field,
    current: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<Stay> {
    let mut changes: Vec<&Transition> = history.iter().filter(|x| x.field == field).collect();
    // Histories arrive in time order from the store; a hand-made or merged one may not.
    changes.sort_by_key(|x| x.at);
    let first = match changes.first() {
        Some(c) => c.from.as_deref(),
        None => current,
    };
    let mut out = Vec::with_capacity(changes.len() + 1);
    let mut value = first.map(str::to_string);
    let mut since = ticket.created;
    for c in changes {
        // A change recorded before the ticket's creation (clock skew, an import) starts the
        // history there instead of producing a negative stay.
        let at = c.at.max(since);
        out.push(Stay {
            value,
            from: since,
            until: Some(at),
            days: days(at - since),
        });
        value = c.to.as_deref().map(str::to_string);
        since = at;
    }
    out.push(Stay {
        value,
        from: since,
        until: None,
        days: days(now - since).max(0.0),
    });
    // A zero-length stay before the first change is the ticket being created straight into
    // it: nothing sat there.
    if out.len() > 1 && out[0].days == 0.0 {
        out.remove(0);
    }
    out
}

/// Total days and visits per status, longest total first (ties by name).
pub fn totals(stays: &[Stay]) -> Vec<StatusTotal> {
    let mut out: Vec<StatusTotal> = Vec::new();
    for s in stays {
        let name = s.value.as_deref().unwrap_or("(none)");
        match out.iter_mut().find(|t| t.status == name) {
            Some(t) => {
                t.days += s.days;
                t.visits += 1;
            }
            None => out.push(StatusTotal {
                status: name.to_string(),
                days: s.days,
                visits: 1,
            }),
        }
    }
    out.sort_by(|a, b| {
        b.days
            .total_cmp(&a.days)
            .then_with(|| a.status.cmp(&b.status))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0)
            .single()
            .expect("valid")
    }

    fn change(day: u32, field: Field, from: Option<&str>, to: Option<&str>) -> Transition {
        Transition {
            source: "s".into(),
            ticket: 1,
            at: at(day),
            field,
            from: from.map(Into::into),
            to: to.map(Into::into),
        }
    }

    fn status(day: u32, from: &str, to: &str) -> Transition {
        change(day, Field::Status, Some(from), Some(to))
    }

    fn summary(stays: &[Stay]) -> Vec<(Option<&str>, f64, bool)> {
        stays
            .iter()
            .map(|s| (s.value.as_deref(), s.days, s.is_current()))
            .collect()
    }

    #[test]
    fn stays_follow_the_changes_in_time_order_whatever_order_they_came_in() {
        let t = Ticket {
            status: "In Review".into(),
            ..Ticket::stub(1, at(1))
        };
        let mut h = vec![
            status(3, "To Do", "In Progress"),
            status(7, "In Progress", "In Review"),
            change(4, Field::Assignee, None, Some("ana")),
        ];
        h.reverse();
        let s = status_stays(&t, &h, at(10));
        assert_eq!(
            summary(&s),
            vec![
                (Some("To Do"), 2.0, false),
                (Some("In Progress"), 4.0, false),
                (Some("In Review"), 3.0, true),
            ]
        );
        assert_eq!((s[1].from, s[1].until), (at(3), Some(at(7))));
        assert!(
            s.iter().all(|x| x.value.as_deref() != Some("ana")),
            "only status changes make the status timeline"
        );
    }

    #[test]
    fn a_status_entered_twice_is_two_stays_and_one_total() {
        let t = Ticket {
            status: "In Progress".into(),
            ..Ticket::stub(1, at(1))
        };
        let h = vec![
            status(1, "To Do", "In Progress"),
            status(3, "In Progress", "In Review"),
            status(4, "In Review", "In Progress"),
        ];
        let s = status_stays(&t, &h, at(9));
        assert_eq!(
            summary(&s),
            vec![
                (Some("In Progress"), 2.0, false),
                (Some("In Review"), 1.0, false),
                (Some("In Progress"), 5.0, true),
            ],
            "created straight into work: no zero-length to-do stay"
        );
        let total = totals(&s);
        assert_eq!(
            total[0],
            StatusTotal {
                status: "In Progress".into(),
                days: 7.0,
                visits: 2
            }
        );
        assert_eq!(
            (total[1].status.as_str(), total[1].visits),
            ("In Review", 1)
        );
    }

    #[test]
    fn a_ticket_with_no_transitions_sat_in_its_status_since_creation() {
        let t = Ticket {
            assignee: Some("bo".into()),
            ..Ticket::stub(1, at(2))
        };
        let s = status_stays(&t, &[], at(5));
        assert_eq!(summary(&s), vec![(Some("To Do"), 3.0, true)]);
        assert_eq!(s[0].from, at(2));
        let a = assignee_stays(&t, &[], at(5));
        assert_eq!(summary(&a), vec![(Some("bo"), 3.0, true)]);
        assert!(!has_changes(&[], Field::Assignee));
    }

    #[test]
    fn assignee_changes_start_from_unassigned_and_odd_clocks_stay_non_negative() {
        let t = Ticket {
            assignee: Some("bo".into()),
            ..Ticket::stub(1, at(2))
        };
        let h = vec![
            // Recorded before the ticket was created: read as at creation.
            change(1, Field::Assignee, None, Some("ana")),
            change(6, Field::Assignee, Some("ana"), Some("bo")),
        ];
        assert!(has_changes(&h, Field::Assignee));
        let a = assignee_stays(&t, &h, at(8));
        assert_eq!(
            summary(&a),
            vec![(Some("ana"), 4.0, false), (Some("bo"), 2.0, true)]
        );
        // `now` before the last change (a clock behind the tracker's) is no negative stay.
        let b = assignee_stays(&t, &h, at(5));
        assert_eq!(b.last().map(|s| s.days), Some(0.0));
        assert!(totals(&[]).is_empty());
    }
}
