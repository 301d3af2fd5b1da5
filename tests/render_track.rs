//! The Forecasts tab's track record, drawn with ratatui's TestBackend at 80x24 and 200x60:
//! a forecast while its replay runs, once its record is in, and when the record is short.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::analysis::forecast::{Method, Settings};
use lookout::analysis::projection::{ThroughputForecast, Tracking, forecast_in};
use lookout::app::{Effect, Event, ForecastJob, State, update};

#[path = "common/demo_state.rs"]
mod demo_state;
#[path = "common/screen.rs"]
mod screen;

use demo_state::{demo_portfolio, loaded_as, now};
use screen::screen;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn press(state: &mut State, c: char) -> lookout::app::Outcome {
    update(
        state,
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

fn job(outcome: lookout::app::Outcome) -> ForecastJob {
    outcome
        .effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Forecast(job) => Some(job),
            _ => None,
        })
        .expect("the tab asks for a forecast")
}

/// The forecast `job` asks for, as the event loop's blocking thread makes it.
fn made(state: &State, job: &ForecastJob, tracking: Tracking) -> ThroughputForecast {
    let settings = Settings {
        method: job.method,
        trials: 2000,
        ..Settings::default()
    };
    forecast_in(
        &state.portfolio,
        &job.source,
        &job.project,
        job.question,
        now(),
        &settings,
        tracking,
    )
}

fn show(state: &mut State, job: &ForecastJob, f: ThroughputForecast) {
    update(
        state,
        Event::Forecasted {
            generation: job.generation,
            result: Arc::new(f),
        },
    );
}

fn forecasts_tab() -> (State, ForecastJob) {
    let mut state = loaded_as(demo_portfolio(), &["demo"], false);
    let job = job(press(&mut state, '3'));
    assert_eq!(
        job.method,
        Method::Corrected,
        "the corrected method by default"
    );
    (state, job)
}

#[test]
fn a_forecast_says_it_is_correcting_then_shows_its_track_record() {
    let (mut state, job) = forecasts_tab();
    // A fresh question whose replay has not run (another question of the same project may
    // have been replayed by another test in this process).
    let job = ForecastJob {
        question: lookout::analysis::projection::Question::When { items: 977 },
        ..job
    };
    state.forecast.ask = lookout::app::Ask::Items(977);
    let first = made(&state, &job, Tracking::KeptOnly);
    assert!(first.correcting);
    show(&mut state, &job, first);
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(
            s.contains("correcting from the track record..."),
            "{w}x{h}:\n{s}"
        );
        assert!(
            s.contains("85%"),
            "{w}x{h}: nominal statements shown meanwhile:\n{s}"
        );
    }
    let replayed = made(&state, &job, Tracking::Replay);
    let record = replayed.track_record.clone().expect("a record");
    show(&mut state, &job, replayed);
    let hits = format!("{} of {}", record.hits[2], record.settled[2]);
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(!s.contains("correcting from"), "{w}x{h}:\n{s}");
        if record.is_short() {
            assert!(
                s.contains("too short") || s.contains("record too short"),
                "{w}x{h}:\n{s}"
            );
        } else {
            assert!(s.contains(&hits), "{w}x{h}: {hits} missing:\n{s}");
        }
        assert!(
            s.contains("trials by days"),
            "{w}x{h}: the chart stays:\n{s}"
        );
    }
    let wide = screen(&state, 200, 60);
    if !record.is_short() {
        assert!(
            wide.contains(&format!("85 % statements here came true {hits} times over")),
            "{wide}"
        );
    }
}

#[test]
fn a_long_record_is_one_line_at_80_columns_and_in_full_when_wide() {
    let (mut state, job) = forecasts_tab();
    let mut f = made(&state, &job, Tracking::Replay);
    f.track_record = Some(lookout::analysis::track::TrackRecord {
        levels: [0.52, 0.73, 0.88, 0.97],
        settled: [48; 4],
        hits: [25, 33, 41, 46],
        first_origin: None,
        last_origin: None,
        span_days: 700,
    });
    show(&mut state, &job, f);
    let narrow = screen(&state, 80, 24);
    assert!(
        narrow.contains("85 %: true 41 of 48 times over 2 years; levels corrected by +3 points"),
        "{narrow}"
    );
    let wide = screen(&state, 200, 60);
    assert!(
        wide.contains(
            "85 % statements here came true 41 of 48 times over 2 years; levels corrected by +3 points"
        ),
        "{wide}"
    );
}

#[test]
fn a_short_record_warns_that_it_cannot_correct() {
    let (mut state, job) = forecasts_tab();
    let mut f = made(&state, &job, Tracking::Replay);
    f.track_record = Some(lookout::analysis::track::TrackRecord {
        levels: [0.6, 0.8, 0.9, 0.99],
        settled: [6; 4],
        hits: [2, 3, 4, 6],
        first_origin: None,
        last_origin: None,
        span_days: 70,
    });
    show(&mut state, &job, f);
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(
            s.contains("too short a record to correct: stated as the method gives"),
            "{w}x{h}:\n{s}"
        );
    }
}

#[test]
fn the_method_key_cycles_corrected_calibrated_classic() {
    let (mut state, _) = forecasts_tab();
    let mut seen = vec![state.forecast.method];
    for _ in 0..3 {
        press(&mut state, 'm');
        seen.push(state.forecast.method);
    }
    assert_eq!(
        seen,
        [
            Method::Corrected,
            Method::Calibrated,
            Method::Classic,
            Method::Corrected
        ]
    );
}

#[test]
fn new_replays_have_the_shown_portfolio_analysed_again_and_kept_ones_do_not() {
    let mut state = loaded_as(demo_portfolio(), &["demo"], false);
    let out = update(&mut state, Event::Tracked { replayed: 0 });
    assert!(out.effects.is_empty());
    let out = update(&mut state, Event::Tracked { replayed: 3 });
    assert!(
        matches!(
            out.effects.as_slice(),
            [Effect::Refresh { tickets, .. }] if tickets.is_empty()
        ),
        "{:?}",
        out.effects
    );
}
