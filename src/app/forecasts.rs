//! The Forecasts tab's part of `update`: what to ask, typed input, and results.

use std::sync::Arc;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use super::text_line::{Accepts, TextLine};
use crate::keys::{Action, Command};

use super::event::{Effect, ForecastJob};
use super::loop_state;
use super::outcome::Outcome;
use super::state::selected_project;
use super::state::{Ask, Input, InputKind, State, Tab};
use crate::analysis::forecast::{Method, Settings};
use crate::analysis::projection::{Question, ThroughputForecast};

const HORIZON: u32 = Settings::HORIZON_DAYS;

/// The forecast the tab should show now, as a job for a background thread; `None` when the
/// tab is hidden or there is no project.
pub fn request(state: &mut State) -> Option<Effect> {
    if state.tab != Tab::Forecasts || !state.loaded {
        return None;
    }
    let p = selected_project(state)?;
    let question = asked(state)?;
    let job = ForecastJob {
        generation: state.forecast.generation + 1,
        source: p.source.clone(),
        project: p.key.clone(),
        question,
        method: state.forecast.method,
    };
    state.forecast.generation = job.generation;
    Some(Effect::Forecast(job))
}

/// The question the tab asks of the selected project now; `None` when it has nothing open
/// and the user asked about its open items.
pub fn asked(state: &State) -> Option<Question> {
    let p = selected_project(state)?;
    match state.forecast.ask {
        Ask::Remaining => {
            let open = (p.todo + p.in_progress) as u32;
            (open > 0).then_some(Question::When { items: open })
        }
        Ask::Items(n) => Some(Question::When { items: n }),
        Ask::By(by) => Some(Question::HowMany { by }),
    }
}

/// Adds the forecast request (if any) to an outcome.
pub fn with_request(state: &mut State, mut outcome: Outcome) -> Outcome {
    if let Some(e) = request(state) {
        outcome.effects.push(e);
    }
    outcome
}

/// A forecast cannot fail (thin data gives warnings inside it), so a result is either the
/// newest one asked for, or dropped.
pub fn on_result(state: &mut State, generation: u64, result: Arc<ThroughputForecast>) -> Outcome {
    if generation != state.forecast.generation {
        return Outcome::default();
    }
    state.forecast.result = Some(result);
    Outcome {
        redraw: true,
        effects: Vec::new(),
    }
}

pub fn start_input(state: &mut State, kind: InputKind) -> Outcome {
    state.forecast.input = Some(Input {
        kind,
        line: TextLine::new(10).accepting(Accepts::Digits),
        error: None,
    });
    Outcome {
        redraw: true,
        effects: Vec::new(),
    }
}

/// New track records were replayed: the health shown was judged at nominal levels for
/// those projects, so the shown portfolio is analysed again (a refresh that reads no
/// tickets). Kept records make the next round replay nothing, so this ends.
pub fn on_tracked(state: &mut State, replayed: usize) -> Outcome {
    if replayed == 0 || !state.loaded {
        return Outcome::default();
    }
    state.load_generation += 1;
    let generation = state.load_generation;
    loop_state::request(
        state,
        Effect::Refresh {
            generation,
            source: String::new(),
            tickets: Vec::new(),
        },
    )
}

/// Corrected, then calibrated, then classic.
pub fn toggle_method(state: &mut State) -> Outcome {
    state.forecast.method = match state.forecast.method {
        Method::Corrected => Method::Calibrated,
        Method::Calibrated => Method::Classic,
        Method::Classic => Method::Corrected,
    };
    with_request(
        state,
        Outcome {
            redraw: true,
            effects: Vec::new(),
        },
    )
}

/// Keys while a line is being typed: Enter to ask, the back key to cancel, quit still quits;
/// the rest edits the line (digits and `-` only).
pub fn on_input_key(
    state: &mut State,
    key: &KeyEvent,
    command: Option<Command>,
    today: NaiveDate,
) -> Outcome {
    let action = command.map(|c| c.action);
    match action {
        Some(Action::Quit) => {
            state.quit = true;
            return Outcome::with(Effect::Quit);
        }
        Some(Action::Back) => {
            state.forecast.input = None;
            return Outcome::redraw();
        }
        _ => {}
    }
    let Some(input) = state.forecast.input.as_mut() else {
        return Outcome::default();
    };
    if action != Some(Action::Confirm) {
        if !input.line.handle(key) {
            return Outcome::default();
        }
        input.error = None;
        return Outcome::redraw();
    }
    match parse(input, today) {
        Ok(ask) => {
            state.forecast.ask = ask;
            state.forecast.input = None;
            with_request(state, Outcome::redraw())
        }
        Err(e) => {
            input.error = Some(e);
            Outcome::redraw()
        }
    }
}

fn parse(input: &Input, today: NaiveDate) -> Result<Ask, String> {
    let text = input.line.value().trim();
    match input.kind {
        InputKind::Items if text.is_empty() => Ok(Ask::Remaining),
        InputKind::Items => match text.parse::<u32>() {
            Ok(0) | Err(_) => Err(format!("{text:?} is not a number of items (1 or more)")),
            Ok(n) => Ok(Ask::Items(n)),
        },
        InputKind::Date => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) if d < today => Err(format!("{d} is in the past")),
            Ok(d) if (d - today).num_days() > i64::from(HORIZON) => {
                Err(format!("{d} is more than {HORIZON} days away"))
            }
            Ok(d) => Ok(Ask::By(d)),
            Err(_) => Err(format!("{text:?} is not a date; write YYYY-MM-DD")),
        },
    }
}
