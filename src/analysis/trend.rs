//! Daily snapshots per project: rebuilt from ticket history for the past (so trends exist
//! from the first sync), and recorded live each day for what history cannot tell.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::{ArchivedDays, Snapshot, StatusCategory, Ticket};

/// Delivered, WIP and open per day from `from` to `to` inclusive, from ticket timestamps
/// and what archived tickets of the project added (counted exactly as their tickets were).
pub fn backfill(
    source: &str,
    project: &str,
    tickets: &[&Ticket],
    archived: Option<&ArchivedDays>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Snapshot> {
    let len = (to - from).num_days() + 1;
    if len <= 0 {
        return Vec::new();
    }
    let len = len as usize;
    // Changes at the start of each day index; `len` collects everything after `to`.
    let mut delivered = vec![0u32; len];
    let mut open = vec![0i64; len + 1];
    let mut wip = vec![0i64; len + 1];
    let slot = |d: NaiveDate| -> usize { (d - from).num_days().clamp(0, len as i64) as usize };
    for t in tickets {
        let created = slot(t.created.date_naive());
        let closed = t
            .resolved
            .filter(|_| t.category == StatusCategory::Done)
            .map(|r| slot(r.date_naive()));
        open[created] += 1;
        if let Some(c) = closed {
            open[c] -= 1;
        }
        if let Some(s) = t.started {
            wip[slot(s.date_naive())] += 1;
            if let Some(c) = closed {
                wip[c] -= 1;
            }
        }
        if t.delivered()
            && let Some(r) = t.resolved
        {
            let d = (r.date_naive() - from).num_days();
            if (0..len as i64).contains(&d) {
                delivered[d as usize] += 1;
            }
        }
    }
    for (&day, f) in archived.into_iter().flatten() {
        let at = slot(day);
        open[at] += i64::from(f.created) - i64::from(f.closed);
        wip[at] += i64::from(f.started) - i64::from(f.closed_started);
        let d = (day - from).num_days();
        if (0..len as i64).contains(&d) {
            delivered[d as usize] += f.delivered;
        }
    }
    let (mut o, mut w) = (0i64, 0i64);
    (0..len)
        .map(|i| {
            o += open[i];
            w += wip[i];
            Snapshot {
                source: source.to_string(),
                project: project.to_string(),
                day: from + Duration::days(i as i64),
                delivered: delivered[i],
                wip: w.max(0) as u32,
                open: o.max(0) as u32,
                stalled: None,
            }
        })
        .collect()
}

/// The last `days` days of one project's trend: stored snapshots where there are, rebuilt
/// ones elsewhere.
pub fn recent(
    source: &str,
    project: &str,
    tickets: &[&Ticket],
    archived: Option<&ArchivedDays>,
    stored: &HashMap<NaiveDate, &Snapshot>,
    now: DateTime<Utc>,
    days: i64,
) -> Vec<Snapshot> {
    let to = now.date_naive();
    let from = to - Duration::days(days - 1);
    backfill(source, project, tickets, archived, from, to)
        .into_iter()
        .map(|rebuilt| match stored.get(&rebuilt.day) {
            Some(s) if s.stalled.is_some() => Snapshot {
                stalled: s.stalled,
                ..rebuilt
            },
            _ => rebuilt,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0)
            .single()
            .expect("valid")
    }

    fn t(created: u32, started: Option<u32>, resolved: Option<u32>) -> Ticket {
        let category = if resolved.is_some() {
            StatusCategory::Done
        } else {
            StatusCategory::InProgress
        };
        Ticket {
            category,
            started: started.map(day),
            resolved: resolved.map(day),
            ..Ticket::stub(1, day(created))
        }
    }

    #[test]
    fn wip_open_and_deliveries_by_day() {
        let a = t(1, Some(2), Some(4));
        let b = t(2, Some(3), None);
        let snaps = backfill(
            "s",
            "P",
            &[&a, &b],
            None,
            day(1).date_naive(),
            day(5).date_naive(),
        );
        let wip: Vec<u32> = snaps.iter().map(|s| s.wip).collect();
        let open: Vec<u32> = snaps.iter().map(|s| s.open).collect();
        let delivered: Vec<u32> = snaps.iter().map(|s| s.delivered).collect();
        assert_eq!(wip, vec![0, 1, 2, 1, 1]);
        assert_eq!(open, vec![1, 2, 2, 1, 1]);
        assert_eq!(delivered, vec![0, 0, 0, 1, 0]);
        assert!(
            backfill(
                "s",
                "P",
                &[],
                None,
                day(5).date_naive(),
                day(1).date_naive()
            )
            .is_empty()
        );
    }

    #[test]
    fn archived_tickets_count_as_their_tickets_did() {
        let a = t(1, Some(2), Some(4));
        let b = t(2, Some(3), None);
        let mut dup = t(1, None, Some(3));
        dup.resolution = Some("Duplicate".into());
        let range = (day(2).date_naive(), day(5).date_naive());
        let whole = backfill("s", "P", &[&a, &b, &dup], None, range.0, range.1);
        let mut flow = crate::domain::ArchivedFlow::default();
        for gone in [&a, &dup] {
            flow.add(
                "s",
                &crate::domain::ArchivedTicket::of(gone).expect("closed"),
            );
        }
        let kept = backfill("s", "P", &[&b], flow.of("s", "P"), range.0, range.1);
        assert_eq!(kept, whole);
    }

    #[test]
    fn stored_stalled_counts_survive_the_rebuild() {
        let a = t(1, Some(2), None);
        let stored = Snapshot {
            source: "s".into(),
            project: "P".into(),
            day: day(3).date_naive(),
            delivered: 0,
            wip: 1,
            open: 1,
            stalled: Some(4),
        };
        let map: HashMap<NaiveDate, &Snapshot> = [(stored.day, &stored)].into_iter().collect();
        let r = recent("s", "P", &[&a], None, &map, day(4), 3);
        assert_eq!(
            r.iter().map(|s| s.stalled).collect::<Vec<_>>(),
            vec![None, Some(4), None]
        );
        assert_eq!(r.iter().map(|s| s.wip).collect::<Vec<_>>(), vec![1, 1, 1]);
    }
}
