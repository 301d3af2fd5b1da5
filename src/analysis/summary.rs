//! One row of facts per project, and the bundle of everything the UI shows.

use chrono::{DateTime, Duration, Utc};

use super::flow::{days, done_within};
use super::stalled::{Severity, StallPolicy, StalledTicket, find_stalled};
use crate::domain::{Portfolio, StatusCategory, Ticket};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProjectSummary {
    pub source: String,
    pub key: String,
    pub name: String,
    pub todo: usize,
    pub in_progress: usize,
    pub done_30d: usize,
    pub stalled: usize,
    pub oldest_wip_days: Option<f64>,
    pub total: usize,
}

/// What the analysis step hands the UI after each load.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Analysis {
    pub now: Option<DateTime<Utc>>,
    pub projects: Vec<ProjectSummary>,
    pub stalled: Vec<StalledTicket>,
}

pub fn analyse(p: &Portfolio, now: DateTime<Utc>, policy: &StallPolicy) -> Analysis {
    let stalled = find_stalled(p, now, policy);
    let projects = p
        .projects
        .iter()
        .map(|project| {
            let tickets: Vec<&Ticket> = p
                .tickets
                .iter()
                .filter(|t| t.source == project.source && t.project == project.key)
                .collect();
            let count = |c: StatusCategory| tickets.iter().filter(|t| t.category == c).count();
            ProjectSummary {
                source: project.source.clone(),
                key: project.key.clone(),
                name: project.name.clone(),
                todo: count(StatusCategory::Todo),
                in_progress: count(StatusCategory::InProgress),
                done_30d: done_within(&tickets, now, Duration::days(30)),
                stalled: stalled
                    .iter()
                    .filter(|s| {
                        s.severity == Severity::Flag
                            && s.source == project.source
                            && s.project == project.key
                    })
                    .count(),
                oldest_wip_days: tickets
                    .iter()
                    .filter(|t| t.category == StatusCategory::InProgress)
                    .filter_map(|t| t.started.map(|s| days(now - s)))
                    .max_by(f64::total_cmp),
                total: tickets.len(),
            }
        })
        .collect();
    Analysis {
        now: Some(now),
        projects,
        stalled,
    }
}
