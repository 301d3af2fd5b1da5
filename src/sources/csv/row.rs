//! One CSV row to a ticket and the transitions its timestamps imply.

use chrono::{DateTime, Utc};

use super::statuses::Statuses;
use crate::domain::dates::parse_instant;
use crate::domain::{Field, Priority, StatusCategory, Ticket, Transition};

/// Column positions of the mapped fields in this file's header.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub project: usize,
    pub key: usize,
    pub created: usize,
    pub title: Option<usize>,
    pub status: Option<usize>,
    pub priority: Option<usize>,
    pub assignee: Option<usize>,
    pub updated: Option<usize>,
    pub started: Option<usize>,
    pub resolved: Option<usize>,
    pub resolution: Option<usize>,
    pub estimate: Option<usize>,
    pub labels: Option<usize>,
}

/// A stable id from the ticket key, so a re-import updates rather than duplicates.
pub fn id_of(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h >> 1
}

pub fn priority_of(name: &str) -> Priority {
    match name.trim().to_ascii_lowercase().as_str() {
        "blocker" | "highest" | "critical" | "urgent" | "immediate" => Priority::Highest,
        "high" | "major" => Priority::High,
        "low" | "minor" => Priority::Low,
        "lowest" | "trivial" => Priority::Lowest,
        _ => Priority::Medium,
    }
}

/// The row as a ticket, or why it cannot be one.
pub fn ticket_of(
    source: &str,
    record: &csv::StringRecord,
    c: &Columns,
    statuses: &Statuses,
) -> Result<(Ticket, Vec<Transition>), String> {
    let get = |i: Option<usize>| {
        i.and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let key = get(Some(c.key)).ok_or("no key")?;
    let project = get(Some(c.project)).ok_or("no project")?;
    let created = get(Some(c.created))
        .and_then(parse_instant)
        .ok_or("no readable created date")?;
    let date = |i: Option<usize>, what: &str| -> Result<Option<DateTime<Utc>>, String> {
        match get(i) {
            None => Ok(None),
            Some(v) => parse_instant(v)
                .map(Some)
                .ok_or_else(|| format!("{what} {v:?} is not a date")),
        }
    };
    let resolved = date(c.resolved, "resolved")?;
    let started = date(c.started, "started")?.filter(|s| *s >= created);
    let status = get(c.status)
        .unwrap_or(if resolved.is_some() { "Done" } else { "To Do" })
        .to_string();
    let category = statuses.category_of(&status, resolved.is_some());
    let resolved = resolved.filter(|_| category == StatusCategory::Done);
    let updated = date(c.updated, "updated")?
        .or(resolved)
        .or(started)
        .unwrap_or(created);
    let estimate = match get(c.estimate) {
        None => None,
        Some(v) => Some(
            v.parse::<f64>()
                .map_err(|_| format!("estimate {v:?} is not a number"))?,
        ),
    };
    let id = id_of(key);
    let mut transitions = Vec::new();
    let mut last = "To Do".to_string();
    let mut move_to = |at: DateTime<Utc>, to: &str| {
        transitions.push(Transition {
            source: source.into(),
            ticket: id,
            at,
            field: Field::Status,
            from: Some(last.as_str().into()),
            to: Some(to.into()),
        });
        last = to.to_string();
    };
    if let Some(s) = started {
        move_to(s, "In Progress");
    }
    match (resolved, category) {
        (Some(r), _) => move_to(r.max(started.unwrap_or(created)), &status),
        (None, StatusCategory::InProgress) if status != "In Progress" => move_to(updated, &status),
        _ => {}
    }
    let ticket = Ticket {
        source: source.into(),
        id,
        project: project.into(),
        key: key.into(),
        title: get(c.title).unwrap_or(key).to_string(),
        status: status.into(),
        category,
        assignee: get(c.assignee).map(Into::into),
        priority: get(c.priority).map(priority_of).unwrap_or(Priority::Medium),
        estimate,
        labels: get(c.labels)
            .map(|l| {
                l.split([' ', ',', ';'])
                    .filter(|x| !x.is_empty())
                    .map(Into::into)
                    .collect()
            })
            .unwrap_or_default(),
        created,
        updated,
        started: started.or(if category == StatusCategory::Todo {
            None
        } else {
            resolved
        }),
        resolved,
        resolution: get(c.resolution).map(Into::into),
        url: None,
    };
    Ok((ticket, transitions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_categories_and_priorities() {
        let s = Statuses::default();
        assert_eq!(s.category_of("Closed", false), StatusCategory::Done);
        assert_eq!(s.category_of("Reopened", false), StatusCategory::Todo);
        assert_eq!(
            s.category_of("Code Review", false),
            StatusCategory::InProgress
        );
        assert_eq!(s.category_of("Anything", true), StatusCategory::Done);
        assert_eq!(priority_of("Blocker"), Priority::Highest);
        assert_eq!(priority_of("Major"), Priority::High);
        assert_eq!(priority_of("Trivial"), Priority::Lowest);
        assert_eq!(priority_of("Whatever"), Priority::Medium);
        assert_eq!(id_of("KAFKA-1"), id_of("KAFKA-1"));
        assert_ne!(id_of("KAFKA-1"), id_of("KAFKA-2"));
    }
}
