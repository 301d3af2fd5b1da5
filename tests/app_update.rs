//! The pure `update`: keys, sync reports and loads in, state and effects out.

mod common;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::analysis::{Analysis, ProjectSummary};
use lookout::app::{Effect, Event, SortKey, State, SyncState, Tab, selected_project, update};
use lookout::domain::Portfolio;
use lookout::keys::Keymap;
use lookout::sync::{SyncEvent, SyncSummary};

fn summary(key: &str, stalled: usize, todo: usize) -> ProjectSummary {
    ProjectSummary {
        source: "demo".into(),
        key: key.into(),
        name: format!("{key} name"),
        todo,
        in_progress: 1,
        done_30d: 2,
        stalled,
        oldest_wip_days: Some(stalled as f64),
        total: 10,
        target: None,
        health: Default::default(),
        weekly_delivered: vec![],
        wip_trend: vec![],
        statuses: vec![],
        priorities: vec![],
    }
}

fn state_with(projects: Vec<ProjectSummary>) -> State {
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &["demo".into()],
        true,
        false,
    );
    let analysis = Analysis {
        now: Some(common::at(10)),
        projects,
        stalled: Vec::new(),
        ..Analysis::default()
    };
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    state
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

fn selected(state: &State) -> String {
    selected_project(state)
        .map(|p| p.key.clone())
        .unwrap_or_default()
}

#[test]
fn rows_start_sorted_by_stalled_and_navigation_is_bounded() {
    let mut s = state_with(vec![
        summary("A", 1, 9),
        summary("B", 5, 1),
        summary("C", 3, 4),
    ]);
    assert_eq!(selected(&s), "B");
    update(&mut s, ch('k'));
    assert_eq!(selected(&s), "B", "up at the top stays");
    update(&mut s, ch('j'));
    assert_eq!(selected(&s), "C");
    update(&mut s, ch('G'));
    assert_eq!(selected(&s), "A");
    update(&mut s, ch('j'));
    assert_eq!(selected(&s), "A", "down at the bottom stays");
    update(&mut s, ch('g'));
    assert_eq!(selected(&s), "B");
}

#[test]
fn sorting_keeps_the_selected_project() {
    let mut s = state_with(vec![
        summary("A", 1, 9),
        summary("B", 5, 1),
        summary("C", 3, 4),
    ]);
    update(&mut s, ch('j'));
    assert_eq!(selected(&s), "C");
    update(&mut s, ch('s'));
    assert_eq!(s.sort, SortKey::Name);
    assert!(!s.sort_descending, "names sort A to Z");
    assert_eq!(selected(&s), "C");
    assert_eq!(s.projects.selected, 2);
    update(&mut s, ch('R'));
    assert_eq!(s.projects.selected, 0, "reversed: C comes first");
    update(&mut s, ch('s'));
    assert_eq!(s.sort, SortKey::Todo);
    update(&mut s, ch('g'));
    assert_eq!(selected(&s), "A", "most open first");
}

#[test]
fn tabs_cycle_and_digits_jump() {
    let mut s = state_with(vec![summary("A", 0, 0)]);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.tab, Tab::Stalled);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.tab, Tab::Forecasts);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.tab, Tab::Suggestions);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.tab, Tab::Projects);
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(s.tab, Tab::Suggestions);
    update(&mut s, ch('3'));
    assert_eq!(s.tab, Tab::Forecasts);
    update(&mut s, ch('4'));
    assert_eq!(s.tab, Tab::Suggestions);
    update(&mut s, ch('2'));
    assert_eq!(s.tab, Tab::Stalled);
    update(&mut s, ch('1'));
    assert_eq!(s.tab, Tab::Projects);
}

#[test]
fn esc_closes_help_then_detail_and_help_swallows_movement() {
    let mut s = state_with(vec![summary("A", 0, 0), summary("B", 0, 0)]);
    update(&mut s, key(KeyCode::Enter));
    assert!(s.detail.is_some());
    update(&mut s, ch('?'));
    assert!(s.showing_help());
    let before = s.projects.selected;
    update(&mut s, ch('2'));
    assert_eq!(s.tab, Tab::Projects, "help is modal");
    assert_eq!(s.projects.selected, before);
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.showing_help() && s.detail.is_some());
    update(&mut s, key(KeyCode::Esc));
    assert!(s.detail.is_none());
    let quiet = update(&mut s, key(KeyCode::Esc));
    assert!(!quiet.redraw, "Esc with nothing to close changes nothing");
}

#[test]
fn unbound_keys_do_not_redraw() {
    let mut s = state_with(vec![summary("A", 0, 0)]);
    let out = update(&mut s, ch('z'));
    assert!(!out.redraw && out.effects.is_empty());
}

#[test]
fn quit_and_refresh_are_effects() {
    let mut s = state_with(vec![]);
    assert_eq!(update(&mut s, ch('r')).effects, vec![Effect::SyncNow]);
    assert_eq!(update(&mut s, Event::Terminate).effects, vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn a_sync_reloads_only_what_it_changed_and_stale_loads_are_dropped() {
    let mut s = state_with(vec![summary("A", 0, 0)]);
    s.loaded = false;
    let at = common::at(11);
    let synced = |summary: SyncSummary| {
        Event::Sync(SyncEvent::Synced {
            source: "demo".into(),
            summary,
            warnings: vec![],
            at,
            next: at,
            budget: None,
        })
    };
    let changed = |ids: Option<Vec<u64>>| SyncSummary {
        tickets_changed: 2,
        touched: ids,
        ..SyncSummary::start()
    };
    // Before the first load lands there is nothing to patch: everything is read.
    let out = update(&mut s, synced(changed(Some(vec![7, 9]))));
    let first = s.load_generation;
    assert_eq!(out.effects, vec![Effect::Reload { generation: first }]);
    assert_eq!(s.sources[0].state, SyncState::Ok);
    assert_eq!(s.sources[0].last_ok, Some(at));

    let loaded = |generation, key: &str| {
        let analysis = Arc::new(Analysis {
            now: None,
            projects: vec![summary(key, 0, 0)],
            stalled: vec![],
            ..Analysis::default()
        });
        (
            Event::Loaded {
                generation,
                portfolio: Arc::new(Portfolio::default()),
                analysis: analysis.clone(),
                snapshots: vec![],
            },
            analysis,
        )
    };
    let (event, analysis) = loaded(first, "FIRST");
    let out = update(&mut s, event);
    assert!(
        out.effects.contains(&Effect::Persist {
            analysis,
            snapshots: vec![]
        }),
        "a shown load is kept for the next start, as an effect: {:?}",
        out.effects
    );

    let out = update(&mut s, synced(SyncSummary::start()));
    assert!(out.effects.is_empty(), "nothing changed: nothing is read");
    assert_eq!(s.load_generation, first);

    let out = update(&mut s, synced(changed(Some(vec![7, 9]))));
    let second = s.load_generation;
    assert_eq!(
        out.effects,
        vec![Effect::Refresh {
            generation: second,
            source: "demo".into(),
            tickets: vec![7, 9]
        }],
        "a few tickets are read back and patched in"
    );
    // A reload asked for while that read runs waits for it, then runs once.
    let out = update(&mut s, synced(changed(None)));
    let third = s.load_generation;
    assert!(out.effects.is_empty(), "{:?}", out.effects);
    let out = update(&mut s, synced(changed(None)));
    let fourth = s.load_generation;
    assert!(out.effects.is_empty(), "{:?}", out.effects);
    assert!(fourth > third);

    // A slow load may land after a newer one was asked for: it is still newer than the screen.
    let out = update(&mut s, loaded(second, "SECOND").0);
    assert!(out.redraw);
    let reloads: Vec<&Effect> = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Reload { .. } | Effect::Refresh { .. }))
        .collect();
    assert_eq!(
        reloads,
        vec![&Effect::Reload { generation: fourth }],
        "the waiting reload runs once, for the newest ask"
    );
    assert_eq!(s.analysis.projects[0].key, "SECOND");
    assert!(update(&mut s, loaded(fourth, "FOURTH").0).redraw);
    let late = update(&mut s, loaded(second, "SECOND").0);
    assert!(!late.redraw && late.effects.is_empty());
    assert_eq!(
        s.analysis.projects[0].key, "FOURTH",
        "an older load must not replace a newer one"
    );
}

#[test]
fn the_stalled_selection_follows_its_ticket_across_reloads() {
    use lookout::analysis::StalledTicket;
    use lookout::analysis::stalled::Severity;
    let stalled = |id: u64| StalledTicket {
        source: "demo".into(),
        id,
        project: "A".into(),
        key: format!("A-{id}").into(),
        title: String::new(),
        status: "In Review".into(),
        assignee: None,
        in_status_days: 5.0,
        ratio: 2.5,
        severity: Severity::Flag,
        reason: String::new(),
        readings: Default::default(),
    };
    let mut s = state_with(vec![summary("A", 0, 0)]);
    let analysis = Analysis {
        now: None,
        projects: vec![],
        stalled: vec![stalled(1), stalled(2), stalled(3)],
        ..Analysis::default()
    };
    let generation = s.load_generation + 1;
    s.load_generation = generation;
    update(
        &mut s,
        Event::Loaded {
            generation,
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    update(&mut s, ch('2'));
    update(&mut s, ch('j'));
    assert_eq!(
        s.analysis.stalled[s.stalled.current().expect("a row")].id,
        2
    );
    let reordered = Analysis {
        now: None,
        projects: vec![],
        stalled: vec![stalled(3), stalled(1), stalled(2)],
        ..Analysis::default()
    };
    update(
        &mut s,
        Event::Loaded {
            generation: generation + 1,
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(reordered),
            snapshots: vec![],
        },
    );
    assert_eq!(
        s.analysis.stalled[s.stalled.current().expect("a row")].id,
        2,
        "the same ticket stays selected"
    );
}

#[test]
fn failures_are_kept_until_the_next_success() {
    let mut s = state_with(vec![]);
    let at = common::at(12);
    let unreachable = lookout::sync::Failure {
        kind: lookout::sync::FailureKind::Unreachable,
        message: "HTTP 503".into(),
    };
    update(
        &mut s,
        Event::Sync(SyncEvent::Started {
            source: "demo".into(),
        }),
    );
    assert_eq!(s.sources[0].state, SyncState::Syncing);
    update(
        &mut s,
        Event::Sync(SyncEvent::Failed {
            source: "demo".into(),
            failure: unreachable.clone(),
            next: Some(at),
            budget: None,
        }),
    );
    assert_eq!(s.sources[0].state, SyncState::Failed(unreachable.clone()));
    assert_eq!(s.sources[0].next, Some(at));
    update(
        &mut s,
        Event::Sync(SyncEvent::Synced {
            source: "demo".into(),
            summary: SyncSummary::start(),
            warnings: vec!["x.csv:3: skipped".into(), "x.csv:9: skipped".into()],
            at,
            next: at,
            budget: None,
        }),
    );
    assert_eq!(s.sources[0].state, SyncState::Ok);
    assert_eq!(
        s.sources[0].warnings, 2,
        "skipped rows are counted for the status bar"
    );
    assert_eq!(
        s.sources[0].last_error.as_ref(),
        Some(&unreachable),
        "the last error stays visible in logs and state"
    );
}

#[test]
fn the_cached_view_shows_until_the_full_load_and_never_after() {
    let mut s = State::new(
        Keymap::default_table().expect("keymap"),
        &["demo".into()],
        true,
        false,
    );
    let cached = Analysis {
        now: None,
        projects: vec![summary("CACHED", 0, 0)],
        stalled: vec![],
        ..Analysis::default()
    };
    let out = update(
        &mut s,
        Event::ViewCached {
            analysis: Arc::new(cached.clone()),
        },
    );
    assert!(out.redraw);
    assert_eq!(selected(&s), "CACHED");
    assert!(!s.loaded, "a cached view is not the loaded store");
    let fresh = Analysis {
        now: None,
        projects: vec![summary("FRESH", 0, 0)],
        stalled: vec![],
        ..Analysis::default()
    };
    let generation = s.load_generation;
    update(
        &mut s,
        Event::Loaded {
            generation,
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(fresh),
            snapshots: vec![],
        },
    );
    assert_eq!(selected(&s), "FRESH");
    let late = update(
        &mut s,
        Event::ViewCached {
            analysis: Arc::new(cached),
        },
    );
    assert!(!late.redraw);
    assert_eq!(
        selected(&s),
        "FRESH",
        "a late cached view must not replace the loaded one"
    );
}

#[test]
fn forecast_input_validates_and_asks_again() {
    use lookout::app::{Ask, ForecastJob};
    let mut s = state_with(vec![summary("A", 0, 5)]);
    let out = update(&mut s, ch('3'));
    let first = match out.effects.as_slice() {
        [
            Effect::Forecast(ForecastJob {
                generation,
                project,
                ..
            }),
        ] => {
            assert_eq!(project, "A");
            *generation
        }
        other => panic!("switching to Forecasts must ask for one: {other:?}"),
    };
    update(&mut s, ch('i'));
    for c in "0".chars() {
        update(&mut s, ch(c));
    }
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(out.effects.is_empty());
    assert!(
        s.forecast
            .input
            .as_ref()
            .and_then(|i| i.error.clone())
            .is_some_and(|e| e.contains("not a number"))
    );
    update(&mut s, key(KeyCode::Backspace));
    for c in "12".chars() {
        update(&mut s, ch(c));
    }
    let out = update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.forecast.ask, Ask::Items(12));
    assert!(
        matches!(out.effects.as_slice(), [Effect::Forecast(ForecastJob { generation, .. })] if *generation > first)
    );
    // A date in the past is refused; Esc leaves the input without asking.
    update(&mut s, ch('d'));
    for c in "2001-01-01".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Enter));
    assert!(
        s.forecast
            .input
            .as_ref()
            .and_then(|i| i.error.clone())
            .is_some_and(|e| e.contains("in the past"))
    );
    let out = update(&mut s, key(KeyCode::Esc));
    assert!(s.forecast.input.is_none() && out.effects.is_empty());
    // 'q' while typing is text, not quit.
    update(&mut s, ch('i'));
    let out = update(&mut s, ch('q'));
    assert!(!s.quit && out.effects.is_empty());
    // The method toggle asks again (corrected, then calibrated); a result for an older
    // question is dropped.
    update(&mut s, key(KeyCode::Esc));
    let out = update(&mut s, ch('m'));
    assert!(matches!(
        out.effects.as_slice(),
        [Effect::Forecast(ForecastJob {
            method: lookout::analysis::forecast::Method::Calibrated,
            ..
        })]
    ));
    let stale = update(
        &mut s,
        Event::Forecasted {
            generation: first,
            result: Arc::new(lookout::analysis::projection::forecast(
                &Portfolio::default(),
                "demo",
                "A",
                lookout::analysis::projection::Question::When { items: 3 },
                common::at(10),
                &Default::default(),
            )),
        },
    );
    assert!(!stale.redraw);
    assert!(
        s.forecast.result.is_none(),
        "an older forecast is not shown"
    );
}

#[test]
fn ctrl_c_quits_even_while_typing_and_nothing_open_asks_nothing() {
    let mut s = state_with(vec![summary("A", 0, 0)]);
    // "A" has one item in progress in this helper; make it have none open.
    let mut a = (*s.analysis).clone();
    a.projects[0].in_progress = 0;
    let generation = s.load_generation + 1;
    s.load_generation = generation;
    update(
        &mut s,
        Event::Loaded {
            generation,
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(a),
            snapshots: vec![],
        },
    );
    let out = update(&mut s, ch('3'));
    assert!(
        out.effects.is_empty(),
        "nothing open: no forecast to ask for"
    );
    update(&mut s, ch('i'));
    let out = update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(out.effects, vec![Effect::Quit]);
    assert!(s.quit);
}

fn fresh() -> State {
    State::new(
        Keymap::default_table().expect("keymap"),
        &["demo".into()],
        true,
        false,
    )
}

fn loaded_event(generation: u64) -> Event {
    Event::Loaded {
        generation,
        portfolio: Arc::new(Portfolio::default()),
        analysis: Arc::new(Analysis::default()),
        snapshots: vec![],
    }
}

#[test]
fn syncing_starts_after_the_first_load_only_and_reloads_wait_for_it() {
    let mut s = fresh();
    // The first load runs from the start: a sync's reload waits for it.
    let out = update(
        &mut s,
        Event::Sync(SyncEvent::Synced {
            source: "demo".into(),
            summary: SyncSummary {
                tickets_changed: 1,
                touched: None,
                ..SyncSummary::start()
            },
            warnings: vec![],
            at: common::at(1),
            next: common::at(1),
            budget: None,
        }),
    );
    assert!(out.effects.is_empty(), "{:?}", out.effects);
    let waiting = s.load_generation;
    let out = update(&mut s, loaded_event(1));
    assert_eq!(
        out.effects
            .iter()
            .filter(|e| matches!(e, Effect::StartSync))
            .count(),
        1
    );
    assert!(out.effects.contains(&Effect::Reload {
        generation: waiting
    }));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::Advise { .. })),
        "a shown load asks for advice: {:?}",
        out.effects
    );
    let out = update(&mut s, loaded_event(waiting));
    assert!(
        !out.effects.contains(&Effect::StartSync),
        "syncing starts once: {:?}",
        out.effects
    );
}

#[test]
fn a_first_load_that_fails_ends_lookout_with_the_reason_and_a_later_one_does_not() {
    let mut s = fresh();
    let out = update(
        &mut s,
        Event::LoadFailed {
            generation: 1,
            error: "the store is damaged".into(),
        },
    );
    assert!(s.quit);
    assert!(matches!(
        out.effects.as_slice(),
        [Effect::Fail { message }] if message.contains("the store is damaged")
    ));

    let mut s = fresh();
    update(&mut s, loaded_event(1));
    s.load_generation = 2;
    s.run.loading = true;
    let out = update(
        &mut s,
        Event::LoadFailed {
            generation: 2,
            error: "busy".into(),
        },
    );
    assert!(!s.quit && out.effects.is_empty(), "{:?}", out.effects);
    assert!(!s.run.loading);
    assert_eq!(s.load_error.as_deref(), Some("busy"));
}
