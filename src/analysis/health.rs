//! Project health as transparent components, each with its reason and the typed evidence the
//! reason is read from (which the rule advisor reads too). The composite only ranks projects;
//! the components are what a person reads.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::baseline::Baselines;
use super::flow::{arrived_within, days, done_within};
use super::forecast::{Method, Settings};
use super::projection::{Ask, Flow, Question, Tracking, forecast_tracked, history_of};
use super::stalled::format_days;
use crate::domain::{Evidence, Portfolio, Signal, StatusCategory, Ticket, Unit};

/// The chance of the target date a project should have: the forecasts' usual level.
pub const WANTED_CHANCE: f64 = 0.85;
/// Deliveries in 90 days that make a project's data "ok" for forecasting.
pub const ENOUGH_DELIVERED: f64 = 30.0;

/// One component: 0 is fine, 1 is as bad as it gets; `None` when it cannot be judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub risk: Option<f64>,
    pub reason: String,
    /// The measured values behind the risk, as typed data.
    #[serde(default, with = "super::evidence_wire")]
    pub evidence: Vec<Evidence>,
}

fn evidence(signal: Signal, value: f64, baseline: Option<f64>, unit: Unit) -> Vec<Evidence> {
    vec![Evidence {
        signal,
        value,
        baseline,
        unit,
    }]
}

fn health(component: &str) -> Signal {
    Signal::Health {
        component: component.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Health {
    pub delivery: Option<Component>,
    pub aging: Option<Component>,
    pub balance: Option<Component>,
    pub predictability: Option<Component>,
    pub data: Option<Component>,
    /// Weighted mean of the components that could be judged, for ranking only.
    pub composite: f64,
}

impl Health {
    pub fn components(&self) -> [(&'static str, Option<&Component>); 5] {
        [
            ("Delivery", self.delivery.as_ref()),
            ("Aging", self.aging.as_ref()),
            ("Balance", self.balance.as_ref()),
            ("Spread", self.predictability.as_ref()),
            ("Data", self.data.as_ref()),
        ]
    }
}

/// Forecast trials for health: enough for a stable chance, few enough for every reload.
const TRIALS: usize = 1000;

pub fn assess(
    p: &Portfolio,
    baselines: &Baselines<'_>,
    source: &str,
    project: &str,
    tickets: &[&Ticket],
    now: DateTime<Utc>,
) -> Health {
    let open = tickets.iter().filter(|t| t.is_open()).count() as u32;
    let flow = Flow {
        tickets,
        archived: p.archived.of(source, project),
    };
    let history = history_of(flow, now.date_naive());
    let recent: u32 = history[history.len().saturating_sub(90)..].iter().sum();
    let settings = Settings {
        method: Method::Corrected,
        trials: TRIALS,
        ..Settings::default()
    };
    let target = p
        .projects
        .iter()
        .find(|x| x.source == source && x.key == project)
        .and_then(|x| x.target);
    let question = Question::When { items: open };
    // Health is judged on every load, for every project: it takes the track record a
    // background replay kept (`track::fill`), and the nominal levels until then.
    let ask = Ask {
        source,
        project,
        target,
        question,
    };
    let when = (open > 0).then(|| forecast_tracked(flow, ask, now, &settings, Tracking::KeptOnly));

    let delivery = target.map(
        |target| match when.as_ref().and_then(|f| f.chance_by_target) {
            _ if open == 0 => Component {
                risk: Some(0.0),
                reason: format!("nothing open; target {target}"),
                evidence: Vec::new(),
            },
            Some(chance) => {
                let e = evidence(
                    Signal::TargetChance,
                    chance,
                    Some(WANTED_CHANCE),
                    Unit::Share,
                );
                Component {
                    risk: Some(1.0 - e[0].value),
                    reason: format!(
                        "{:.0}% chance of finishing {open} open items by {target}",
                        e[0].value * 100.0
                    ),
                    evidence: e,
                }
            }
            // No deliveries to forecast from, and work still open: as bad as it gets.
            None => Component {
                risk: Some(1.0),
                reason: format!("no deliveries to forecast from; {open} open items due {target}"),
                evidence: evidence(Signal::TargetChance, 0.0, Some(WANTED_CHANCE), Unit::Share),
            },
        },
    );

    let predictability = when.as_ref().and_then(|f| {
        let p50 = f.statements.iter().find(|s| s.level == 0.5)?.value? as f64;
        let p85 = f.statements.iter().find(|s| s.level == 0.85)?.value? as f64;
        let e = evidence(
            health("spread"),
            (p85 - p50) / p50.max(1.0),
            None,
            Unit::Share,
        );
        Some(Component {
            risk: Some(e[0].value.clamp(0.0, 1.0)),
            reason: format!(
                "P85 is {:.0}% later than P50 ({p85:.0} vs {p50:.0} days)",
                e[0].value * 100.0
            ),
            evidence: e,
        })
    });

    let aging = {
        let wip: Vec<&&Ticket> = tickets
            .iter()
            .filter(|t| t.category == StatusCategory::InProgress)
            .collect();
        baselines.cycle(source, project).and_then(|y| {
            let p85 = y.quantile(0.85)?;
            let old = wip
                .iter()
                .filter(|t| days(now - t.started.unwrap_or(t.created)) > p85)
                .count();
            (!wip.is_empty()).then(|| {
                let e = evidence(
                    health("aging"),
                    old as f64 / wip.len() as f64,
                    None,
                    Unit::Share,
                );
                Component {
                    risk: Some(e[0].value),
                    reason: format!(
                        "{old} of {} in progress are older than P85 cycle time {}",
                        wip.len(),
                        format_days(p85)
                    ),
                    evidence: e,
                }
            })
        })
    };

    let balance = {
        let window = Duration::days(28);
        let (arrived, delivered) = (
            arrived_within(tickets, now, window),
            done_within(tickets, now, window),
        );
        (arrived + delivered > 0).then(|| {
            let e = evidence(
                Signal::ScopeGrowth,
                arrived as f64,
                Some(delivered as f64),
                Unit::Count,
            );
            let (arrived, delivered) = (e[0].value, e[0].baseline.unwrap_or(0.0));
            let ratio = arrived / delivered.max(1.0);
            Component {
                risk: Some(((ratio - 1.0) / 1.5).clamp(0.0, 1.0)),
                reason: format!("{arrived} arrived vs {delivered} delivered in 4 weeks"),
                evidence: e,
            }
        })
    };

    let data = {
        let (risk, verdict) = if history.len() < 60 || recent < 10 {
            (1.0, "thin")
        } else if f64::from(recent) < ENOUGH_DELIVERED {
            (0.5, "modest")
        } else {
            (0.0, "ok")
        };
        Some(Component {
            risk: Some(risk),
            reason: format!(
                "{verdict}: {recent} delivered in 90 days, {} days of history",
                history.len()
            ),
            evidence: evidence(
                health("data"),
                f64::from(recent),
                Some(ENOUGH_DELIVERED),
                Unit::Count,
            ),
        })
    };

    let mut h = Health {
        delivery,
        aging,
        balance,
        predictability,
        data,
        composite: 0.0,
    };
    let weights = [3.0, 2.0, 2.0, 1.0, 1.0];
    let (mut sum, mut weight) = (0.0, 0.0);
    for ((_, c), w) in h.components().iter().zip(weights) {
        if let Some(r) = c.and_then(|c| c.risk) {
            sum += r * w;
            weight += w;
        }
    }
    h.composite = if weight > 0.0 { sum / weight } else { 0.0 };
    h
}
