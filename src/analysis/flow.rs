//! Flow facts about a set of tickets: what arrived, what finished, how long things sat.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::{Field, Ticket, Transition};

/// Days as a fraction, from a duration.
pub fn days(d: Duration) -> f64 {
    d.num_seconds() as f64 / 86_400.0
}

/// Tickets delivered in `[now - window, now]` (closures that delivered nothing do not count).
pub fn done_within(tickets: &[&Ticket], now: DateTime<Utc>, window: Duration) -> usize {
    let from = now - window;
    tickets
        .iter()
        .filter(|t| t.delivered() && t.resolved.is_some_and(|r| r >= from && r <= now))
        .count()
}

/// Tickets created in `[now - window, now]`.
pub fn arrived_within(tickets: &[&Ticket], now: DateTime<Utc>, window: Duration) -> usize {
    let from = now - window;
    tickets
        .iter()
        .filter(|t| t.created >= from && t.created <= now)
        .count()
}

/// Deliveries per calendar day from `from` to `to` inclusive, zero days included.
pub fn daily_throughput(tickets: &[&Ticket], from: NaiveDate, to: NaiveDate) -> Vec<u32> {
    let len = (to - from).num_days() + 1;
    if len <= 0 {
        return Vec::new();
    }
    let mut out = vec![0u32; len as usize];
    for t in tickets.iter().filter(|t| t.delivered()) {
        if let Some(r) = t.resolved {
            let d = (r.date_naive() - from).num_days();
            if (0..len).contains(&d) {
                out[d as usize] += 1;
            }
        }
    }
    out
}

/// Cycle times (started -> delivered) in days.
pub fn cycle_times(tickets: &[&Ticket]) -> Vec<f64> {
    tickets
        .iter()
        .filter(|t| t.delivered())
        .filter_map(|t| Some(days(t.resolved? - t.started?)))
        .filter(|d| *d >= 0.0)
        .collect()
}

/// Lead times (created -> delivered) in days.
pub fn lead_times(tickets: &[&Ticket]) -> Vec<f64> {
    tickets
        .iter()
        .filter(|t| t.delivered())
        .filter_map(|t| Some(days(t.resolved? - t.created)))
        .filter(|d| *d >= 0.0)
        .collect()
}

/// Work in progress: tickets started and not done.
pub fn wip(tickets: &[&Ticket]) -> usize {
    tickets
        .iter()
        .filter(|t| t.category == crate::domain::StatusCategory::InProgress)
        .count()
}

/// Ages in days of the work in progress (now - started).
pub fn work_item_ages(tickets: &[&Ticket], now: DateTime<Utc>) -> Vec<f64> {
    tickets
        .iter()
        .filter(|t| t.category == crate::domain::StatusCategory::InProgress)
        .map(|t| days(now - t.started.unwrap_or(t.created)))
        .collect()
}

/// Daily counts folded into weeks, the last week ending on the last day (a partial first week
/// is dropped so every point covers seven days).
pub fn weekly(daily: &[u32]) -> Vec<u32> {
    let skip = daily.len() % 7;
    daily[skip..].chunks(7).map(|w| w.iter().sum()).collect()
}

/// When the ticket entered its current status: its last status transition, else its creation.
pub fn status_since(ticket: &Ticket, history: &[Transition]) -> DateTime<Utc> {
    history
        .iter()
        .rev()
        .find(|t| t.field == Field::Status)
        .map(|t| t.at)
        .unwrap_or(ticket.created)
}

/// Completed stays in each status: (status, days), from one ticket's chronological history.
pub fn dwell_periods(history: &[Transition]) -> impl Iterator<Item = (&str, f64)> {
    let mut entered: Option<(&str, DateTime<Utc>)> = None;
    history
        .iter()
        .filter(|t| t.field == Field::Status)
        .filter_map(move |t| {
            let done = match (entered, t.from.as_deref()) {
                (Some((status, at)), Some(from)) if status == from => {
                    Some((status, days(t.at - at)))
                }
                _ => None,
            };
            entered = t.to.as_deref().map(|s| (s, t.at));
            done
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StatusCategory;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, day, hour, 0, 0)
            .single()
            .expect("valid")
    }

    fn ticket(
        created: DateTime<Utc>,
        started: Option<DateTime<Utc>>,
        resolved: Option<DateTime<Utc>>,
    ) -> Ticket {
        let (status, category) = match resolved {
            Some(_) => ("Done", StatusCategory::Done),
            None => ("In Progress", StatusCategory::InProgress),
        };
        Ticket {
            status: status.into(),
            category,
            started,
            resolved,
            ..Ticket::stub(1, created)
        }
    }

    fn status(day: u32, from: &str, to: &str) -> Transition {
        Transition {
            source: "s".into(),
            ticket: 1,
            at: at(day, 12),
            field: Field::Status,
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[test]
    fn throughput_counts_zero_days() {
        let a = ticket(at(1, 9), Some(at(1, 10)), Some(at(2, 10)));
        let b = ticket(at(1, 9), Some(at(1, 10)), Some(at(4, 10)));
        let c = ticket(at(1, 9), Some(at(1, 10)), None);
        let ts = [&a, &b, &c];
        let from = at(1, 0).date_naive();
        let to = at(5, 0).date_naive();
        assert_eq!(daily_throughput(&ts, from, to), vec![0, 1, 0, 1, 0]);
        assert_eq!(daily_throughput(&ts, to, from), Vec::<u32>::new());
        assert_eq!(daily_throughput(&[], from, from), vec![0]);
    }

    #[test]
    fn closures_that_deliver_nothing_are_not_throughput() {
        let mut dup = ticket(at(1, 9), Some(at(1, 10)), Some(at(2, 10)));
        dup.resolution = Some("Duplicate".into());
        let fixed = ticket(at(1, 9), Some(at(1, 10)), Some(at(2, 10)));
        let ts = [&dup, &fixed];
        assert_eq!(
            daily_throughput(&ts, at(2, 0).date_naive(), at(2, 0).date_naive()),
            vec![1]
        );
        assert_eq!(done_within(&ts, at(3, 0), Duration::days(7)), 1);
        assert_eq!(cycle_times(&ts).len(), 1);
        assert_eq!(lead_times(&ts), vec![1.0 + 1.0 / 24.0]);
    }

    #[test]
    fn wip_ages_and_weeks() {
        let a = ticket(at(1, 12), Some(at(3, 12)), None);
        let b = ticket(at(1, 12), None, Some(at(4, 12)));
        assert_eq!(wip(&[&a, &b]), 1);
        assert_eq!(work_item_ages(&[&a, &b], at(10, 12)), vec![7.0]);
        assert_eq!(
            weekly(&[9, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]),
            vec![7, 14]
        );
        assert!(weekly(&[1, 2]).is_empty());
        assert!(wip(&[]) == 0 && work_item_ages(&[], at(1, 0)).is_empty());
    }

    #[test]
    fn windows_and_cycle_times() {
        let a = ticket(at(1, 12), Some(at(2, 12)), Some(at(4, 12)));
        let b = ticket(at(10, 12), None, None);
        let ts = [&a, &b];
        assert_eq!(done_within(&ts, at(10, 12), Duration::days(7)), 1);
        assert_eq!(done_within(&ts, at(20, 12), Duration::days(7)), 0);
        assert_eq!(arrived_within(&ts, at(10, 12), Duration::days(1)), 1);
        assert_eq!(cycle_times(&ts), vec![2.0]);
    }

    #[test]
    fn dwell_periods_follow_reopenings() {
        let h = vec![
            status(1, "To Do", "In Progress"),
            status(3, "In Progress", "Done"),
            status(4, "Done", "In Progress"),
            status(5, "In Progress", "In Review"),
        ];
        let d: Vec<(&str, f64)> = dwell_periods(&h).collect();
        assert_eq!(
            d,
            vec![("In Progress", 2.0), ("Done", 1.0), ("In Progress", 1.0)]
        );
        let t = ticket(at(1, 0), None, None);
        assert_eq!(status_since(&t, &h), at(5, 12));
        assert_eq!(status_since(&t, &[]), at(1, 0));
        assert_eq!(dwell_periods(&[]).count(), 0);
    }
}
