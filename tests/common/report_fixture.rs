// Each test file includes this module and uses only part of it.
#![allow(dead_code)]

//! A hand-built portfolio report: three projects, one with every chart, one with nothing open
//! (no forecast, no deliveries), one whose forecast never finishes within its horizon; and
//! tracker text that tries to break out of HTML, Markdown and CSV.

use chrono::{NaiveDate, TimeZone, Utc};
use lookout::report::{
    Aging, AgingItem, Bucket, Counts, DecisionRow, ForecastReport, ForecastRow, HealthComponent,
    ProjectReport, Report, SCHEMA_NAME, SCHEMA_VERSION, StalledRow, SuggestionRow, Throughput,
    WeekDelivered,
};

pub const HOSTILE: &str = r#"<script>alert("x")</script> & 'quotes' =cmd|' /C calc'!A0"#;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

fn health(risks: [Option<f64>; 5]) -> Vec<HealthComponent> {
    ["delivery", "aging", "balance", "spread", "data"]
        .iter()
        .zip(risks)
        .map(|(name, risk)| HealthComponent {
            name: name.to_string(),
            risk,
            reason: match risk {
                Some(r) => format!("{name} judged at {r:.2}"),
                None => format!("too little data to judge {name}"),
            },
        })
        .collect()
}

fn weeks(delivered: &[u32]) -> Vec<WeekDelivered> {
    delivered
        .iter()
        .enumerate()
        .map(|(i, &n)| WeekDelivered {
            week_ending: day(9, 27) + chrono::Days::new(7 * i as u64),
            delivered: n,
        })
        .collect()
}

fn rows(days: [Option<u32>; 4], start: NaiveDate) -> Vec<ForecastRow> {
    [0.5, 0.7, 0.85, 0.95]
        .into_iter()
        .zip(days)
        .map(|(level, d)| ForecastRow {
            level,
            days: d,
            date: d.map(|d| start + chrono::Days::new(u64::from(d))),
        })
        .collect()
}

pub fn report() -> Report {
    let start = day(11, 19);
    let crux = ProjectReport {
        source: "demo".into(),
        key: "CRUX".into(),
        name: format!("Crux {HOSTILE}"),
        risk: 0.72,
        health: health([Some(0.9), Some(0.6), Some(0.4), Some(0.5), None]),
        counts: Counts {
            total: 120,
            todo: 30,
            in_progress: 6,
            done_30d: 14,
            stalled: 2,
        },
        throughput: Throughput {
            weeks: weeks(&[3, 5, 2, 0, 4, 6, 3, 1]),
            trend: Some(0.7),
        },
        aging: Aging {
            wip: 3,
            oldest_wip_days: Some(41.5),
            items: vec![
                AgingItem {
                    key: "CRUX-7".into(),
                    status: "Review".into(),
                    age_days: 41.5,
                },
                AgingItem {
                    key: "CRUX-9".into(),
                    status: "<i>Doing</i>".into(),
                    age_days: 12.0,
                },
                AgingItem {
                    key: "CRUX-12".into(),
                    status: "Review".into(),
                    age_days: 3.25,
                },
            ],
        },
        stalled: vec![
            StalledRow {
                key: "CRUX-7".into(),
                title: HOSTILE.into(),
                status: "Review".into(),
                assignee: Some("alice".into()),
                in_status_days: 9.0,
                severity: "flag".into(),
                reason: "in Review 9 d; P85 for Review here is 3 d".into(),
            },
            StalledRow {
                key: "CRUX-9".into(),
                title: "Tidy the importer".into(),
                status: "<i>Doing</i>".into(),
                assignee: None,
                in_status_days: 5.5,
                severity: "warn".into(),
                reason: "no activity for 5 d".into(),
            },
        ],
        forecast: Some(ForecastReport {
            items: 36,
            method: "calibrated".into(),
            trials: 1000,
            start,
            rows: rows([Some(61), Some(70), Some(82), Some(97)], start),
            target: Some(day(12, 31)),
            chance_by_target: Some(0.31),
            histogram: (0..12)
                .map(|i| Bucket {
                    from_days: 50 + 5 * i,
                    trials: [10, 40, 90, 150, 190, 170, 140, 100, 60, 30, 15, 5][i as usize],
                })
                .collect(),
            bucket_days: 5,
            horizon_days: 365,
            warnings: vec!["2 bulk-closure days left out".into()],
        }),
        suggestions: vec![SuggestionRow {
            id: "s-1".into(),
            kind: "reassign".into(),
            ticket: Some("CRUX-7".into()),
            confidence: 0.8,
            rationale: format!("stuck in review; {HOSTILE}"),
            action: Some("assign CRUX-7 to bob".into()),
        }],
        decisions: vec![DecisionRow {
            at: Utc
                .with_ymd_and_hms(2026, 11, 12, 9, 0, 0)
                .single()
                .expect("valid time"),
            suggestion: "s-0".into(),
            kind: "escalate".into(),
            ticket: Some("CRUX-3".into()),
            verdict: "accept".into(),
            reason: Some("agreed at stand-up".into()),
            note: Some(HOSTILE.into()),
            wrote: Some("priority High".into()),
        }],
    };
    let quiet = ProjectReport {
        source: "demo".into(),
        key: "QUIET".into(),
        name: "Quiet & done".into(),
        risk: 0.05,
        health: health([None, Some(0.0), Some(0.1), None, None]),
        counts: Counts {
            total: 4,
            todo: 0,
            in_progress: 0,
            done_30d: 0,
            stalled: 0,
        },
        throughput: Throughput {
            weeks: weeks(&[0; 8]),
            trend: None,
        },
        aging: Aging {
            wip: 0,
            oldest_wip_days: None,
            items: vec![],
        },
        stalled: vec![],
        forecast: None,
        suggestions: vec![],
        decisions: vec![],
    };
    let slow = ProjectReport {
        source: "jira".into(),
        key: "SLOW".into(),
        name: "Slow \"lane\"".into(),
        risk: 0.45,
        health: health([Some(0.7), Some(0.3), Some(0.2), Some(0.4), Some(0.6)]),
        counts: Counts {
            total: 40,
            todo: 300,
            in_progress: 1,
            done_30d: 1,
            stalled: 0,
        },
        throughput: Throughput {
            weeks: weeks(&[0, 0, 1, 0, 0, 0, 0, 0]),
            trend: Some(0.0),
        },
        aging: Aging {
            wip: 1,
            oldest_wip_days: Some(2.0),
            items: vec![AgingItem {
                key: "SLOW-1".into(),
                status: "Doing".into(),
                age_days: 2.0,
            }],
        },
        stalled: vec![],
        forecast: Some(ForecastReport {
            items: 301,
            method: "calibrated".into(),
            trials: 1000,
            start,
            rows: rows([None, None, None, None], start),
            target: None,
            chance_by_target: None,
            histogram: vec![],
            bucket_days: 7,
            horizon_days: 365,
            warnings: vec!["every trial ran past the 365-day horizon".into()],
        }),
        suggestions: vec![],
        decisions: vec![],
    };
    Report {
        schema: SCHEMA_NAME.into(),
        schema_version: SCHEMA_VERSION,
        generated_at: Utc
            .with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
            .single()
            .expect("valid time"),
        data_as_of: Some(
            Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0)
                .single()
                .expect("valid time"),
        ),
        since: day(11, 1),
        projects: vec![crux, quiet, slow],
    }
}

/// `<svg` elements `html::render` draws for `report()`: CRUX all three, QUIET none (nothing
/// delivered, nothing in progress, no forecast), SLOW throughput and aging (no trial finished).
pub const SVGS: usize = 5;
