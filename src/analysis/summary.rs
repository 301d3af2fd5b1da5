//! One row of facts per project, and the bundle of everything the UI shows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::baseline::Baselines;
use super::flow::{days, done_within, weekly};
use super::health::{Health, assess};
use super::projection::{Flow, history_of};
use super::stalled::{Severity, StallPolicy, StalledTicket, levels, stalled_with};
use super::trend::recent;
use crate::domain::{Portfolio, Priority, Snapshot, StatusCategory, Ticket};

/// Days of trend kept on each summary (and drawn as a sparkline).
pub const TREND_DAYS: i64 = 90;
/// Weeks of delivered-per-week on each summary.
pub const WEEKS: usize = 26;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub target: Option<NaiveDate>,
    pub health: Health,
    /// Delivered per week, oldest first, the last week ending yesterday.
    pub weekly_delivered: Vec<u32>,
    /// Work in progress at the end of each of the last `TREND_DAYS` days.
    pub wip_trend: Vec<u32>,
    /// Open tickets by status, most first.
    pub statuses: Vec<(String, usize)>,
    /// Open tickets by priority, highest first.
    pub priorities: Vec<(Priority, usize)>,
}

/// What the analysis step hands the UI after each load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub now: Option<DateTime<Utc>>,
    pub projects: Vec<ProjectSummary>,
    pub stalled: Vec<StalledTicket>,
    /// The trend days behind the summaries, today's with its live stalled count: the store
    /// keeps those it does not have yet.
    #[serde(skip)]
    pub snapshots: Vec<Snapshot>,
}

pub fn analyse(
    p: &Portfolio,
    stored: &[Snapshot],
    now: DateTime<Utc>,
    policy: &StallPolicy,
) -> Analysis {
    let histories = p.histories();
    let baselines = Baselines::build(p, &histories, policy.min_samples, &levels(policy));
    let stalled = stalled_with(p, &histories, &baselines, now, policy);
    let mut by_project: HashMap<(&str, &str), Vec<&Ticket>> = HashMap::new();
    for t in &p.tickets {
        by_project
            .entry((t.source.as_str(), t.project.as_str()))
            .or_default()
            .push(t);
    }
    let mut flagged: HashMap<(&str, &str), usize> = HashMap::new();
    for s in stalled.iter().filter(|s| s.severity == Severity::Flag) {
        *flagged
            .entry((s.source.as_str(), s.project.as_str()))
            .or_default() += 1;
    }
    let mut stored_by: HashMap<(&str, &str), HashMap<NaiveDate, &Snapshot>> = HashMap::new();
    for s in stored {
        stored_by
            .entry((s.source.as_str(), s.project.as_str()))
            .or_default()
            .insert(s.day, s);
    }
    let today = now.date_naive();
    let mut snapshots = Vec::new();
    let empty = Vec::new();
    let projects = p
        .projects
        .iter()
        .map(|project| {
            let key = (project.source.as_str(), project.key.as_str());
            let tickets = by_project.get(&key).unwrap_or(&empty);
            let count = |c: StatusCategory| tickets.iter().filter(|t| t.category == c).count();
            let stalled_here = flagged.get(&key).copied().unwrap_or(0);
            let archived = p.archived.of(key.0, key.1);
            let mut trend = recent(
                key.0,
                key.1,
                tickets,
                archived,
                stored_by.get(&key).unwrap_or(&HashMap::new()),
                now,
                TREND_DAYS,
            );
            if let Some(last) = trend.last_mut().filter(|s| s.day == today) {
                last.stalled = Some(stalled_here as u32);
            }
            let history = history_of(Flow { tickets, archived }, today);
            let weeks = weekly(&history);
            let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
            let mut priorities: BTreeMap<Priority, usize> = BTreeMap::new();
            for t in tickets.iter().filter(|t| t.is_open()) {
                *statuses.entry(t.status.as_str()).or_default() += 1;
                *priorities.entry(t.priority).or_default() += 1;
            }
            let mut statuses: Vec<(String, usize)> = statuses
                .into_iter()
                .map(|(s, n)| (s.to_string(), n))
                .collect();
            statuses.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let summary = ProjectSummary {
                source: project.source.clone(),
                key: project.key.clone(),
                name: project.name.clone(),
                todo: count(StatusCategory::Todo),
                in_progress: count(StatusCategory::InProgress),
                done_30d: done_within(tickets, now, Duration::days(30)),
                stalled: stalled_here,
                oldest_wip_days: tickets
                    .iter()
                    .filter(|t| t.category == StatusCategory::InProgress)
                    .filter_map(|t| t.started.map(|s| days(now - s)))
                    .max_by(f64::total_cmp),
                total: tickets.len(),
                target: project.target,
                health: assess(p, &baselines, key.0, key.1, tickets, now),
                weekly_delivered: weeks[weeks.len().saturating_sub(WEEKS)..].to_vec(),
                wip_trend: trend.iter().map(|s| s.wip).collect(),
                statuses,
                priorities: priorities.into_iter().rev().collect(),
            };
            snapshots.extend(trend);
            summary
        })
        .collect();
    Analysis {
        now: Some(now),
        projects,
        stalled,
        snapshots,
    }
}
