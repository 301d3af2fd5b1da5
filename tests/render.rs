//! Every pane drawn with ratatui's TestBackend at 80x24 and 200x60, on the demo portfolio.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::app::{Event, State, update};
use lookout::domain::ChangeSet;
use lookout::domain::Portfolio;
use lookout::keys::Keymap;
use lookout::sources::demo::generate;
use lookout::sources::{Source, SourceError};
use lookout::store::Store;
use lookout::sync::{Failure, FailureKind, sync_once};

use futures::future::BoxFuture;

#[path = "common/demo_state.rs"]
mod demo_state;
#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/screen.rs"]
mod screen;

use demo_state::{demo_portfolio, loaded_as, now};

use screen::screen;

fn loaded_state(p: Portfolio) -> State {
    loaded_as(p, &["demo"], false)
}

fn press(state: &mut State, c: char) {
    update(
        state,
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

#[test]
fn projects_tab_lists_every_project() {
    let state = loaded_state(demo_portfolio());
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        for name in [
            "Atlas Payments",
            "Crux Platform",
            "Dune Data",
            "Glint Onboarding",
            "Iris Infrastructure",
        ] {
            assert!(s.contains(name), "{w}x{h}: {name} missing:\n{s}");
        }
        assert!(
            s.contains("Stalled") && s.contains("Done30d") && s.contains("Oldest"),
            "{w}x{h}:\n{s}"
        );
        // Default sort: most stalled first, and CRUX tells the stalled-review story.
        let first_row = s.lines().nth(3).expect("a first row");
        assert!(
            first_row.contains("CRUX"),
            "{w}x{h}: first row is {first_row:?}"
        );
        assert!(s.contains("? help"), "{w}x{h}: status bar hints missing");
    }
}

#[test]
fn stalled_tab_shows_reasons() {
    let mut state = loaded_state(demo_portfolio());
    press(&mut state, '2');
    let top = state.analysis.stalled[0].clone();
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(s.contains("flagged"), "{w}x{h}:\n{s}");
        assert!(
            s.contains(top.key.as_str()),
            "{w}x{h}: top stalled ticket {} missing:\n{s}",
            top.key
        );
        assert!(
            s.contains("Why: ") || w >= 140,
            "{w}x{h}: no reason panel:\n{s}"
        );
        assert!(
            s.contains("P85 of In Review here"),
            "{w}x{h}: reason text missing:\n{s}"
        );
    }
}

/// Everything the help overlay shows at `w`x`h`, scrolled from top to bottom.
fn help_text(state: &mut State, w: u16, h: u16) -> String {
    let mut all = String::new();
    for _ in 0..120 {
        all.push_str(&screen(state, w, h));
        press(state, 'j');
    }
    all
}

#[test]
fn help_overlay_comes_from_the_keymap() {
    let keymap = Keymap::default_table().expect("keymap");
    for (w, h) in SIZES {
        let mut state = loaded_state(demo_portfolio());
        press(&mut state, '?');
        let s = help_text(&mut state, w, h);
        assert!(s.contains("Help"), "{w}x{h}:\n{s}");
        for b in keymap.bindings.iter().filter(|b| !b.keys.is_empty()) {
            assert!(
                s.contains(&b.description),
                "{w}x{h}: {:?} missing:\n{s}",
                b.description
            );
        }
    }
}

#[test]
fn project_detail_lists_its_tickets() {
    let mut state = loaded_state(demo_portfolio());
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let detail = state.detail.clone().expect("detail opened");
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(
            s.contains(&format!("{}: ", detail.key)) && s.contains("Esc back"),
            "{w}x{h}:\n{s}"
        );
        let first = &state.portfolio.tickets[detail.list.rows[0]];
        assert!(
            s.contains(first.key.as_str()),
            "{w}x{h}: {} missing:\n{s}",
            first.key
        );
    }
}

#[test]
fn empty_store_says_what_is_happening() {
    let state = State::new(
        Keymap::default_table().expect("keymap"),
        &["demo".to_string()],
        false,
        false,
    );
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(s.contains("Opening the store"), "{w}x{h}:\n{s}");
        assert!(s.contains("demo waiting"), "{w}x{h}:\n{s}");
    }
}

/// The demo tracker's answer with every text wrapped in hostile sequences, taken in as
/// lookout takes in any tracker's answer: synced into a store, then loaded from it.
fn hostile_state() -> State {
    struct Answer(Option<ChangeSet>);
    impl Source for Answer {
        fn name(&self) -> &str {
            "demo"
        }
        fn fetch<'a>(
            &'a mut self,
            _: Option<String>,
            _: DateTime<Utc>,
        ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
            let answer = self.0.take().unwrap_or_else(|| ChangeSet::new("demo"));
            Box::pin(async move { Ok(answer) })
        }
    }
    let mut changes = generate("demo", 42, now()).into_change_set();
    hostile::poison(&mut changes);
    let store = Store::temporary().expect("store");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime
        .block_on(sync_once(&store, &mut Answer(Some(changes)), now()))
        .expect("sync");
    let mut state = loaded_state(store.load().expect("load"));
    // And a sync error that quotes the tracker's answer, for the status bar.
    update(
        &mut state,
        Event::Sync(lookout::sync::SyncEvent::Failed {
            source: "demo".into(),
            // Made the only way a failure can be: its message cleaned on the way in.
            failure: Failure {
                kind: FailureKind::Tracker,
                message: format!("the tracker said {}", hostile::wrap("HTTP 500")).into(),
            },
            next: Some(now()),
            budget: None,
        }),
    );
    state
}

/// Each size's screen holds no control, bidi override or remains of a sequence, and still
/// shows `expected` (the clean text), so the pane did draw the tracker's text.
fn assert_pane_inert(state: &State, pane: &str, expected: &[&str]) {
    for (w, h) in SIZES {
        let s = screen(state, w, h);
        hostile::assert_inert(s.as_bytes(), &format!("{pane} at {w}x{h}"));
        for e in expected {
            assert!(s.contains(e), "{pane} at {w}x{h}: {e:?} missing:\n{s}");
        }
    }
}

#[test]
fn hostile_tracker_text_reaches_no_pane_raw() {
    let mut state = hostile_state();
    assert_pane_inert(
        &state,
        "projects",
        &[
            "CRUX Crux Platform",
            "CRUX health (risk",
            "the tracker said HTTP 500",
        ],
    );
    let wide = screen(&state, 200, 60);
    assert!(wide.contains("In Review"), "statuses in the panel:\n{wide}");

    press(&mut state, '2');
    let top = state.analysis.stalled[0].clone();
    assert_pane_inert(&state, "stalled", &[&top.key, "P85 of In Review here"]);
    press(&mut state, 'p');
    assert_pane_inert(&state, "stalled, one project", &["Stalled in "]);

    let out = update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE)),
    );
    forecast_for(&mut state, out);
    assert_pane_inert(
        &state,
        "forecasts",
        &["Forecast: CRUX Crux Platform", "50%"],
    );

    press(&mut state, '1');
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let detail = state.detail.clone().expect("detail opened");
    let first = state.portfolio.tickets[detail.list.rows[0]].clone();
    assert_pane_inert(&state, "detail", &["CRUX: ", &first.key]);

    press(&mut state, '?');
    assert_pane_inert(&state, "help", &["Help"]);
}

#[test]
fn failing_source_shows_in_the_status_bar() {
    let mut state = loaded_state(demo_portfolio());
    update(
        &mut state,
        Event::Sync(lookout::sync::SyncEvent::Failed {
            source: "demo".into(),
            failure: Failure {
                kind: FailureKind::Unreachable,
                message: "cannot reach the tracker: connection refused".into(),
            },
            next: Some(now()),
            budget: Some(lookout::sources::Budget {
                remaining: Some(3),
                limit: Some(100),
                reset: None,
            }),
        }),
    );
    let s = screen(&state, 200, 60);
    assert!(s.contains("demo retry"), "{s}");
    assert!(s.contains("api 3/100"), "the rate-limit budget shows: {s}");
    assert!(
        s.contains(": cannot reach the tracker: connection refused"),
        "{s}"
    );
    // At 80 columns the message is cut, never the retry time or the help hint.
    let narrow = screen(&state, 80, 24);
    let bar = narrow.lines().nth(23).expect("status line");
    assert!(
        bar.contains("demo retry") && bar.contains("? help"),
        "{bar}"
    );

    // A spent budget says when it refills.
    update(
        &mut state,
        Event::Sync(lookout::sync::SyncEvent::Failed {
            source: "demo".into(),
            failure: Failure {
                kind: FailureKind::RateLimited,
                message: "the tracker asked to wait 900 s".into(),
            },
            next: Some(now()),
            budget: Some(lookout::sources::Budget {
                remaining: Some(0),
                limit: Some(100),
                reset: Some(now()),
            }),
        }),
    );
    let s = screen(&state, 200, 60);
    let until = now()
        .with_timezone(&chrono::Local)
        .format("%H:%M:%S")
        .to_string();
    assert!(s.contains(&format!("api 0/100 until {until}")), "{s}");
}

#[test]
fn rejected_credentials_say_what_to_do_at_80_columns() {
    let mut state = loaded_state(demo_portfolio());
    update(
        &mut state,
        Event::Sync(lookout::sync::SyncEvent::Failed {
            source: "demo".into(),
            failure: Failure {
                kind: FailureKind::Credentials,
                message: "the tracker refused the credentials (HTTP 401)".into(),
            },
            next: None,
            budget: None,
        }),
    );
    let narrow = screen(&state, 80, 24);
    let bar = narrow.lines().nth(23).expect("status line");
    assert!(
        bar.contains("demo stopped: credentials rejected: fix the token, then press r"),
        "{bar}"
    );
    assert!(!bar.contains("retry"), "nothing is retried: {bar}");
}

#[test]
fn help_fits_a_tmux_pane_with_a_status_line() {
    let mut state = loaded_state(demo_portfolio());
    press(&mut state, '2');
    press(&mut state, '?');
    // The first page shows the Stalled tab's own keys and the global ones.
    let first = screen(&state, 80, 23);
    assert!(first.contains("Cycle project filter"), "{first}");
    assert!(first.contains("Quit lookout"), "{first}");
    let s = help_text(&mut state, 80, 23);
    let keymap = Keymap::default_table().expect("keymap");
    for b in keymap.bindings.iter().filter(|b| !b.keys.is_empty()) {
        assert!(
            s.contains(&b.description),
            "{:?} cut off at 80x23:\n{s}",
            b.description
        );
    }
}

#[test]
fn long_ticket_keys_are_not_cut() {
    let mut p = demo_portfolio();
    let crux = p
        .tickets
        .iter()
        .position(|t| t.project == "CRUX" && t.status == "In Review")
        .expect("a CRUX review");
    p.tickets[crux].key = "CRUX-100000".into();
    let mut state = loaded_state(p);
    press(&mut state, '2');
    let row = state
        .analysis
        .stalled
        .iter()
        .position(|t| t.key == "CRUX-100000")
        .expect("the renamed ticket is stalled");
    for _ in 0..row {
        press(&mut state, 'j');
    }
    let s = screen(&state, 80, 24);
    assert!(s.contains("CRUX-100000 "), "{s}");
}

#[test]
fn projects_tab_shows_health_trends_and_distributions() {
    let state = loaded_state(demo_portfolio());
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(s.contains("CRUX health (risk"), "{w}x{h}:\n{s}");
        for label in [
            "Delivery", "Aging", "Balance", "Spread", "Data", "Done/wk", "Status", "Priority",
        ] {
            assert!(s.contains(label), "{w}x{h}: {label} missing:\n{s}");
        }
        assert!(
            s.contains("in progress are older than P85 cycle time"),
            "{w}x{h}:\n{s}"
        );
    }
}

fn forecast_for(state: &mut State, outcome: lookout::app::Outcome) {
    // Run the forecast the update asked for, as the event loop would on a blocking thread.
    for e in outcome.effects {
        if let lookout::app::Effect::Forecast(job) = e {
            let settings = lookout::analysis::forecast::Settings {
                method: job.method,
                trials: 2000,
                ..Default::default()
            };
            let f = lookout::analysis::projection::forecast(
                &state.portfolio,
                &job.source,
                &job.project,
                job.question,
                now(),
                &settings,
            );
            update(
                state,
                Event::Forecasted {
                    generation: job.generation,
                    result: std::sync::Arc::new(f),
                },
            );
        }
    }
}

#[test]
fn forecasts_tab_shows_percentiles_dates_and_the_histogram() {
    let mut state = loaded_state(demo_portfolio());
    let out = update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE)),
    );
    forecast_for(&mut state, out);
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(s.contains("Forecast: CRUX Crux Platform"), "{w}x{h}:\n{s}");
        assert!(
            s.contains("When will its") && s.contains("open items be done?"),
            "{w}x{h}:\n{s}"
        );
        for level in ["50%", "70%", "85%", "95%"] {
            assert!(s.contains(level), "{w}x{h}: {level} missing:\n{s}");
        }
        assert!(s.contains("done by 20"), "{w}x{h}: no dates:\n{s}");
        assert!(s.contains("trials by days"), "{w}x{h}: no histogram:\n{s}");
    }
    // How many by a date, typed in.
    press(&mut state, 'd');
    for c in "2026-12-31".chars() {
        press(&mut state, c);
    }
    let s = screen(&state, 80, 24);
    assert!(s.contains("Done by (YYYY-MM-DD): 2026-12-31_"), "{s}");
    let out = update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    forecast_for(&mut state, out);
    let s = screen(&state, 80, 24);
    assert!(
        s.contains("How many items will be done by 2026-12-31?") && s.contains("at least"),
        "{s}"
    );
}

#[test]
fn stalled_tab_filters_by_project() {
    let mut state = loaded_state(demo_portfolio());
    press(&mut state, '2');
    press(&mut state, 'p');
    let (_, project) = state.stalled_filter.clone().expect("a filter");
    let s = screen(&state, 200, 60);
    assert!(s.contains(&format!("Stalled in {project}:")), "{s}");
    let shown = state.stalled.rows.clone();
    assert!(
        !shown.is_empty()
            && shown
                .iter()
                .all(|&i| state.analysis.stalled[i].project == project)
    );
    // Cycling past the last project shows everything again.
    for _ in 0..20 {
        press(&mut state, 'p');
        if state.stalled_filter.is_none() {
            break;
        }
    }
    assert!(state.stalled_filter.is_none());
}

#[test]
fn a_long_reason_wraps_instead_of_being_cut() {
    let mut state = loaded_state(demo_portfolio());
    press(&mut state, '2');
    let row = state
        .stalled
        .rows
        .iter()
        .position(|&i| state.analysis.stalled[i].reason.len() > 70)
        .expect("a ticket with several signals");
    for _ in 0..row {
        press(&mut state, 'j');
    }
    let reason = state.selected_stalled().expect("selected").reason.clone();
    let s = screen(&state, 80, 24);
    let flat: String = s
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    let tail: String = reason
        .chars()
        .rev()
        .take(12)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    assert!(
        flat.contains(tail.trim()),
        "the end of {reason:?} is not on screen:\n{s}"
    );
}
