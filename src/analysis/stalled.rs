//! Stalled work: tickets in progress that have sat in their status longer than this project's
//! own history says is usual.
//!
//! The yardstick is the project's completed stays in the same status (warn above P70, flag
//! above P85); a project with too little history borrows the portfolio's and says so.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::flow::{days, dwell_periods, status_since};
use super::quantile::inverted_cdf;
use crate::domain::{Portfolio, StatusCategory};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StallPolicy {
    pub warn_quantile: f64,
    pub flag_quantile: f64,
    /// Completed stays a project needs in a status before its own percentiles are trusted.
    pub min_samples: usize,
    /// Nothing under this many days in a status counts as stalled, whatever the percentiles.
    pub min_days: f64,
}

impl Default for StallPolicy {
    fn default() -> Self {
        StallPolicy {
            warn_quantile: 0.70,
            flag_quantile: 0.85,
            min_samples: 8,
            min_days: 1.0,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Warn,
    Flag,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StalledTicket {
    pub source: String,
    pub id: u64,
    pub project: String,
    pub key: String,
    pub title: String,
    pub status: String,
    pub assignee: Option<String>,
    pub in_status_days: f64,
    pub threshold_days: f64,
    pub severity: Severity,
    pub reason: String,
}

/// Compact age: minutes, hours, days or weeks, whichever reads best.
pub fn format_days(d: f64) -> String {
    if d < 1.0 / 24.0 {
        format!("{}m", (d * 1440.0).round() as i64)
    } else if d < 1.0 {
        format!("{}h", (d * 24.0).round() as i64)
    } else if d < 100.0 {
        format!("{}d", d.floor() as i64)
    } else {
        format!("{}w", (d / 7.0).floor() as i64)
    }
}

/// Every in-progress ticket past its warn threshold, most severe first.
pub fn find_stalled(p: &Portfolio, now: DateTime<Utc>, policy: &StallPolicy) -> Vec<StalledTicket> {
    let index = p.history_index();
    let mut by_project: HashMap<(&str, &str, &str), Vec<f64>> = HashMap::new();
    let mut by_status: HashMap<&str, Vec<f64>> = HashMap::new();
    for t in &p.tickets {
        let Some(range) = index.get(&(t.source.as_str(), t.id)) else {
            continue;
        };
        for (status, d) in dwell_periods(&p.transitions[range.clone()]) {
            by_project
                .entry((t.source.as_str(), t.project.as_str(), status))
                .or_default()
                .push(d);
            by_status.entry(status).or_default().push(d);
        }
    }
    for v in by_project.values_mut().chain(by_status.values_mut()) {
        v.sort_by(f64::total_cmp);
    }

    let mut out = Vec::new();
    for t in p
        .tickets
        .iter()
        .filter(|t| t.category == StatusCategory::InProgress)
    {
        let history = index
            .get(&(t.source.as_str(), t.id))
            .map(|r| &p.transitions[r.clone()])
            .unwrap_or(&[]);
        let in_status = days(now - status_since(t, history));
        let own = by_project.get(&(t.source.as_str(), t.project.as_str(), t.status.as_str()));
        let (samples, basis) = match own {
            Some(v) if v.len() >= policy.min_samples => (v, "here"),
            _ => match by_status.get(t.status.as_str()) {
                Some(v) => (v, "across the portfolio (too little history here)"),
                None => continue,
            },
        };
        let (Some(warn), Some(flag)) = (
            inverted_cdf(samples, policy.warn_quantile),
            inverted_cdf(samples, policy.flag_quantile),
        ) else {
            continue;
        };
        let (severity, threshold, pct) = if in_status > flag {
            (Severity::Flag, flag, policy.flag_quantile)
        } else if in_status > warn {
            (Severity::Warn, warn, policy.warn_quantile)
        } else {
            continue;
        };
        if in_status < policy.min_days {
            continue;
        }
        let reason = format!(
            "{} {}; P{:.0} of {} {}: {}",
            t.status,
            format_days(in_status),
            pct * 100.0,
            t.status,
            basis,
            format_days(threshold)
        );
        out.push(StalledTicket {
            source: t.source.clone(),
            id: t.id,
            project: t.project.clone(),
            key: t.key.clone(),
            title: t.title.clone(),
            status: t.status.clone(),
            assignee: t.assignee.clone(),
            in_status_days: in_status,
            threshold_days: threshold,
            severity,
            reason,
        });
    }
    out.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| {
            let ra = a.in_status_days / a.threshold_days.max(1e-9);
            let rb = b.in_status_days / b.threshold_days.max(1e-9);
            rb.total_cmp(&ra)
        })
    });
    out
}
