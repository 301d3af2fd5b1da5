//! What archived tickets added to their projects' flow, so that the flow rebuilt from the
//! tickets (deliveries, WIP and open per day, the forecast's history) stays as it was once
//! closed tickets leave the store for an archive file.
//!
//! Kept per ticket in the store (see `store::archive`) and summed per project and day here:
//! a ticket that comes back (restored, or sent again by its tracker) is then counted once,
//! from its own timestamps, instead of twice.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{StatusCategory, Ticket};

/// One archived ticket's part in its project's flow: the days of its timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedTicket {
    pub project: String,
    pub created: NaiveDate,
    pub started: Option<NaiveDate>,
    pub closed: NaiveDate,
    pub delivered: bool,
}

impl ArchivedTicket {
    /// The flow facts of a closed ticket; `None` for one still open (never archived).
    pub fn of(t: &Ticket) -> Option<ArchivedTicket> {
        let closed = t.resolved.filter(|_| t.category == StatusCategory::Done)?;
        Some(ArchivedTicket {
            project: t.project.to_string(),
            created: t.created.date_naive(),
            started: t.started.map(|s| s.date_naive()),
            closed: closed.date_naive(),
            delivered: t.delivered(),
        })
    }
}

/// What archived tickets did on one day of one project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayFlow {
    pub created: u32,
    pub started: u32,
    pub closed: u32,
    /// Closed tickets that had started: they leave the WIP that day.
    pub closed_started: u32,
    pub delivered: u32,
}

/// One project's archived flow, by day.
pub type ArchivedDays = BTreeMap<NaiveDate, DayFlow>;

/// Every project's archived flow, by (source, project).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchivedFlow {
    projects: BTreeMap<(String, String), ArchivedDays>,
}

impl ArchivedFlow {
    /// Counts one archived ticket of `source`.
    pub fn add(&mut self, source: &str, t: &ArchivedTicket) {
        let days = self
            .projects
            .entry((source.to_string(), t.project.clone()))
            .or_default();
        days.entry(t.created).or_default().created += 1;
        if let Some(s) = t.started {
            days.entry(s).or_default().started += 1;
        }
        let closed = days.entry(t.closed).or_default();
        closed.closed += 1;
        closed.closed_started += u32::from(t.started.is_some());
        closed.delivered += u32::from(t.delivered);
    }

    /// The archived flow of one project, if it has any.
    pub fn of(&self, source: &str, project: &str) -> Option<&ArchivedDays> {
        self.projects
            .get(&(source.to_string(), project.to_string()))
    }

    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }

    /// Keeps only the flow of `keep(source)`.
    pub fn retain_sources(&mut self, keep: impl Fn(&str) -> bool) {
        self.projects.retain(|(source, _), _| keep(source));
    }
}

/// The first day an archived ticket of the project was created.
pub fn first_created(days: &ArchivedDays) -> Option<NaiveDate> {
    days.iter().find(|(_, f)| f.created > 0).map(|(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_closed_ticket_counts_on_its_days_and_an_open_one_not_at_all() {
        let at = |d: u32| {
            chrono::Utc
                .with_ymd_and_hms(2026, 3, d, 12, 0, 0)
                .single()
                .expect("date")
        };
        let done = Ticket {
            category: StatusCategory::Done,
            started: Some(at(2)),
            resolved: Some(at(4)),
            ..Ticket::stub(1, at(1))
        };
        let open = Ticket::stub(2, at(1));
        assert!(ArchivedTicket::of(&open).is_none());
        let mut flow = ArchivedFlow::default();
        flow.add("s", &ArchivedTicket::of(&done).expect("closed"));
        let days = flow.of("s", "P").expect("project");
        assert_eq!(first_created(days), Some(at(1).date_naive()));
        assert_eq!(days[&at(2).date_naive()].started, 1);
        let closed = days[&at(4).date_naive()];
        assert_eq!(
            (closed.closed, closed.closed_started, closed.delivered),
            (1, 1, 1)
        );
        flow.retain_sources(|s| s != "s");
        assert!(flow.is_empty());
    }
}
