//! The header's data age, the notification line, the sources popup and changed rows, drawn
//! with ratatui's TestBackend at 80x24 and 160x50.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::app::{Event, State, update};
use lookout::sync::{Failure, FailureKind, SyncEvent, SyncSummary};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

#[path = "common/demo_state.rs"]
mod demo_state;

use demo_state::{demo_portfolio, loaded_as, now};

#[path = "common/screen.rs"]
mod screen;

use screen::screen;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 50)];

fn hhmm(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

fn loaded(sources: &[&str]) -> State {
    loaded_as(demo_portfolio(), sources, false)
}

fn press(state: &mut State, code: KeyCode) {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn failed(state: &mut State, source: &str, kind: FailureKind, why: &str) {
    update(
        state,
        Event::Sync(SyncEvent::Failed {
            source: source.into(),
            failure: Failure {
                kind,
                message: why.into(),
            },
            next: None,
            budget: None,
        }),
    );
}

fn synced(state: &mut State, source: &str, at: DateTime<Utc>) {
    update(
        state,
        Event::Sync(SyncEvent::Synced {
            source: source.into(),
            summary: SyncSummary::start(),
            warnings: vec!["one bad row".into()],
            at,
            next: at + Duration::minutes(5),
            budget: Some(lookout::sources::Budget {
                remaining: Some(812),
                limit: Some(1000),
                reset: None,
            }),
        }),
    );
}

#[test]
fn the_header_says_when_the_data_was_true_and_how_long_ago() {
    let mut state = loaded(&["demo"]);
    update(&mut state, Event::Clock(now() + Duration::minutes(3)));
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        let top = s.lines().next().expect("tab bar");
        assert!(
            top.contains(&format!("as of {}, 3 min ago", hhmm(now()))),
            "{w}x{h}: {top}"
        );
        assert!(top.contains("4 Suggestions"), "no tab is dropped: {top}");
    }
    synced(&mut state, "demo", now() + Duration::minutes(3));
    let top = screen(&state, 80, 24)
        .lines()
        .next()
        .expect("tab bar")
        .to_string();
    assert!(
        top.contains(&format!(
            "as of {}, just now",
            hhmm(now() + Duration::minutes(3))
        )),
        "{top}"
    );
}

#[test]
fn a_profile_is_named_in_the_header_and_the_age_still_fits() {
    let mut state = loaded(&["demo"]);
    state.profile = Some("work".into());
    update(&mut state, Event::Clock(now() + Duration::hours(2)));
    let wide = screen(&state, 160, 50);
    let top = wide.lines().next().expect("tab bar");
    assert!(top.contains("lookout: work"), "{top}");
    assert!(top.contains("as of") && top.contains("2 h ago"), "{top}");
    // At 80 columns the clock gives way to the age; every tab stays.
    let narrow = screen(&state, 80, 24);
    let top = narrow.lines().next().expect("tab bar");
    assert!(top.contains("lookout: work"), "{top}");
    assert!(
        top.contains("2 h ago") && top.contains("4 Suggestions"),
        "{top}"
    );
}

#[test]
fn failures_show_on_a_line_above_the_status_bar_until_dismissed() {
    let mut state = loaded(&["jira", "redmine"]);
    failed(
        &mut state,
        "jira",
        FailureKind::Credentials,
        "401 Unauthorized",
    );
    failed(&mut state, "redmine", FailureKind::Unreachable, "timeout");
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        let line = s.lines().nth(h as usize - 2).expect("notice line");
        assert!(
            line.contains("2 sources failing: jira (401 Unauthorized), redmine (timeout)"),
            "{w}x{h}: {line}"
        );
        let bar = s.lines().nth(h as usize - 1).expect("status bar");
        assert!(bar.contains("? help"), "{w}x{h}: {bar}");
    }
    press(&mut state, KeyCode::Char('N'));
    let s = screen(&state, 80, 24);
    assert!(!s.contains("sources failing"), "{s}");
}

#[test]
fn the_sources_popup_lists_every_source_with_its_state() {
    let mut state = loaded(&["jira-work", "redmine", "csv-import"]);
    state.control.kinds = vec![
        ("jira-work".into(), "jira".into()),
        ("redmine".into(), "redmine".into()),
        ("csv-import".into(), "csv".into()),
    ];
    synced(&mut state, "jira-work", now());
    failed(
        &mut state,
        "redmine",
        FailureKind::Credentials,
        "the tracker rejected the API key (401)",
    );
    press(&mut state, KeyCode::Char('S'));
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('p'));
    press(&mut state, KeyCode::Char('k'));
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(
            s.contains("Sources: r sync now  p pause/resume"),
            "{w}x{h}:\n{s}"
        );
        let jira = s
            .lines()
            .find(|l| l.contains("jira-work") && l.contains(" jira "))
            .unwrap_or_default();
        assert!(jira.contains(" ok "), "{w}x{h}:\n{s}");
        assert!(jira.contains("812/1000"), "{w}x{h}: {jira}");
        let redmine = s
            .lines()
            .find(|l| l.contains("redmine") && l.contains("failed"))
            .unwrap_or_default();
        assert!(redmine.contains("failed: the tracker"), "{w}x{h}:\n{s}");
        let csv = s
            .lines()
            .find(|l| l.contains("csv-import") && l.contains("csv "))
            .unwrap_or_default();
        assert!(csv.contains("paused"), "{w}x{h}:\n{s}");
        // The selected source's whole failure, under the table.
        assert!(
            s.contains("last failure: the tracker rejected the API key"),
            "{w}x{h}:\n{s}"
        );
    }
    // The status bar says paused too (wide enough for three sources).
    let s = screen(&state, 240, 50);
    let bar = s.lines().last().expect("status bar");
    assert!(bar.contains("csv-import paused"), "{bar}");
}

#[test]
fn changed_rows_are_drawn_in_their_own_style_until_seen() {
    let mut state = loaded(&["demo"]);
    update(&mut state, Event::Clock(now() - Duration::days(2)));
    press(&mut state, KeyCode::Enter);
    let d = state.detail.as_ref().expect("open");
    // A row under the selected one whose ticket changed in the two days.
    let start = now() - Duration::days(2);
    let (i, ticket) = (1..20)
        .map(|i| (i, &state.portfolio.tickets[d.list.rows[i]]))
        .find(|(_, t)| t.updated > start)
        .expect("a ticket changed in two days");
    let key = ticket.key.clone();
    let y = 3 + i as u16;
    let underlined_at_key = |state: &State| {
        let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
        terminal
            .draw(|f| lookout::ui::draw(f, state))
            .expect("draw");
        let buf = terminal.backend().buffer().clone();
        let line: String = (0..160).map(|x| buf[(x, y)].symbol()).collect();
        let x = line.find(key.as_str()).expect("the ticket's row") as u16;
        buf[(x, y)].modifier.contains(Modifier::UNDERLINED)
    };
    assert!(
        underlined_at_key(&state),
        "changed since the session started"
    );
    update(&mut state, Event::Clock(now()));
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('k'));
    assert!(!underlined_at_key(&state), "seen: drawn as any row");
}

#[test]
fn stalled_rows_whose_ticket_changed_are_drawn_changed_until_seen() {
    let mut state = loaded(&["demo"]);
    let start = now() - Duration::days(2);
    update(&mut state, Event::Clock(start));
    press(&mut state, KeyCode::Char('2'));
    // A row on screen, not the selected one, whose ticket changed in the two days.
    let (n, key) = state.stalled.rows[1..30]
        .iter()
        .enumerate()
        .find_map(|(n, &r)| {
            let s = &state.analysis.stalled[r];
            let t = state
                .portfolio
                .tickets
                .iter()
                .find(|t| t.source == s.source && t.id == s.id)?;
            (t.updated > start).then(|| (n + 1, s.key.to_string()))
        })
        .expect("a stalled ticket changed in two days");
    let y = 3 + n as u16;
    let underlined = |state: &State| {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        terminal
            .draw(|f| lookout::ui::draw(f, state))
            .expect("draw");
        let buf = terminal.backend().buffer().clone();
        let line: String = (0..200).map(|x| buf[(x, y)].symbol()).collect();
        let x = line.find(key.as_str()).expect("the ticket's row") as u16;
        buf[(x, y)].modifier.contains(Modifier::UNDERLINED)
    };
    assert!(underlined(&state), "changed since the session started");
    update(&mut state, Event::Clock(now()));
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('k'));
    assert!(!underlined(&state), "seen: drawn as any row");
}
