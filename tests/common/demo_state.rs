// Each test file includes this module and uses only part of it.
#![allow(dead_code)]

//! The demo portfolio loaded into the app's state at a fixed time, and keys pressed on it: what
//! the app-level and rendering tests start from.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::analysis::{StallPolicy, analyse};
use lookout::app::{Event, Outcome, State, update};
use lookout::domain::Portfolio;
use lookout::keys::Keymap;
use lookout::sources::demo::generate;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

pub fn demo_portfolio() -> Portfolio {
    generate("demo", 42, now()).into_change_set().into()
}

/// `p` loaded and analysed at `now()` for the named sources, writes allowed or not.
pub fn loaded_as(p: Portfolio, sources: &[&str], read_only: bool) -> State {
    let names: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &names,
        true,
        read_only,
    );
    let analysis = analyse(&p, &[], now(), &StallPolicy::default());
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(p),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    state
}

/// The demo portfolio of the `demo` source, loaded.
pub fn loaded_demo() -> State {
    loaded_as(demo_portfolio(), &["demo"], false)
}

pub fn key(state: &mut State, code: KeyCode) -> Outcome {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Each character pressed in turn.
pub fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}
