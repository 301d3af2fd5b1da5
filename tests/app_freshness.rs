//! Freshness, failure notices, the sources popup and the mouse, through the pure `update`.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use lookout::app::freshness::{SeenList, changed_after};
use lookout::app::{Effect, Event, Mode, State, selected_project, update};
use lookout::sync::{Failure, FailureKind, SyncEvent, SyncSummary};

#[path = "common/demo_state.rs"]
mod demo_state;

use demo_state::{demo_portfolio, loaded_as, now};

fn loaded(sources: &[&str]) -> State {
    loaded_as(demo_portfolio(), sources, false)
}

fn key(state: &mut State, code: KeyCode) -> lookout::app::Outcome {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(state: &mut State, c: char) -> lookout::app::Outcome {
    key(state, KeyCode::Char(c))
}

fn failed(state: &mut State, source: &str, why: &str) {
    update(
        state,
        Event::Sync(SyncEvent::Failed {
            source: source.into(),
            failure: Failure {
                kind: FailureKind::Unreachable,
                message: why.into(),
            },
            next: Some(now()),
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
            warnings: vec![],
            at,
            next: at + Duration::minutes(5),
            budget: None,
        }),
    );
}

fn notice(state: &State) -> String {
    state
        .notices
        .line()
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn failures_stack_into_one_line_until_dismissed() {
    let mut s = loaded(&["jira", "redmine"]);
    assert!(s.notices.is_empty());
    failed(&mut s, "jira", "401 Unauthorized: check the token");
    assert_eq!(
        notice(&s),
        "jira failing: 401 Unauthorized: check the token"
    );
    failed(&mut s, "redmine", "timeout\u{1b}[2J after 30 s");
    let line = notice(&s);
    assert!(
        line.starts_with("2 sources failing: jira (401 Unauthorized"),
        "{line}"
    );
    assert!(line.contains("redmine (timeout"), "{line}");
    assert!(
        !line.contains('\u{1b}'),
        "tracker text is cleaned: {line:?}"
    );
    // Other keys leave it alone; N clears it.
    ch(&mut s, 'j');
    assert!(!s.notices.is_empty());
    let out = ch(&mut s, 'N');
    assert!(out.redraw);
    assert!(s.notices.is_empty());
}

#[test]
fn a_dismissed_source_stays_quiet_while_failing_and_returns_after_recovering() {
    let mut s = loaded(&["jira"]);
    failed(&mut s, "jira", "timeout");
    ch(&mut s, 'N');
    failed(&mut s, "jira", "timeout");
    assert!(s.notices.is_empty(), "its retries do not raise it again");
    synced(&mut s, "jira", now());
    failed(&mut s, "jira", "401");
    assert_eq!(notice(&s), "jira failing: 401");
    // A recovery takes its notice away by itself.
    synced(&mut s, "jira", now());
    assert!(s.notices.is_empty());
}

#[test]
fn esc_dismisses_only_when_nothing_else_is_open() {
    let mut s = loaded(&["jira"]);
    failed(&mut s, "jira", "timeout");
    ch(&mut s, '?');
    key(&mut s, KeyCode::Esc);
    assert!(s.modes.is_empty(), "Esc closed the help first");
    assert!(!s.notices.is_empty());
    key(&mut s, KeyCode::Enter);
    assert!(s.detail.is_some());
    key(&mut s, KeyCode::Esc);
    assert!(s.detail.is_none(), "then the project's tickets");
    assert!(!s.notices.is_empty());
    key(&mut s, KeyCode::Esc);
    assert!(s.notices.is_empty(), "then the notice");
    assert!(!key(&mut s, KeyCode::Esc).redraw, "and then nothing");
}

#[test]
fn the_sources_popup_selects_syncs_and_pauses_one_source() {
    let mut s = loaded(&["jira", "redmine"]);
    ch(&mut s, 'S');
    assert_eq!(s.modes.last(), Some(&Mode::Sources(0)));
    ch(&mut s, 'j');
    assert_eq!(s.modes.last(), Some(&Mode::Sources(1)));
    ch(&mut s, 'j');
    assert_eq!(s.modes.last(), Some(&Mode::Sources(1)), "bounded");
    let out = ch(&mut s, 'r');
    assert_eq!(
        out.effects,
        vec![Effect::SyncSource {
            source: "redmine".into()
        }],
        "r syncs the selected source, not all of them"
    );
    let out = ch(&mut s, 'p');
    assert_eq!(
        out.effects,
        vec![Effect::PauseSource {
            source: "redmine".into(),
            paused: true
        }]
    );
    assert!(s.control.is_paused("redmine"));
    // A paused source is not synced by r; the popup says how to resume it.
    let out = ch(&mut s, 'r');
    assert!(out.effects.is_empty());
    assert!(
        s.message.as_deref().is_some_and(|m| m.contains("paused")),
        "{:?}",
        s.message
    );
    let out = ch(&mut s, 'p');
    assert_eq!(
        out.effects,
        vec![Effect::PauseSource {
            source: "redmine".into(),
            paused: false
        }]
    );
    assert!(!s.control.is_paused("redmine"));
    ch(&mut s, 'k');
    assert_eq!(s.modes.last(), Some(&Mode::Sources(0)));
    // The list under the popup did not move.
    let before = selected_project(&s).map(|p| p.key.clone());
    key(&mut s, KeyCode::Esc);
    assert!(s.modes.is_empty());
    assert_eq!(selected_project(&s).map(|p| p.key.clone()), before);
    // S toggles it, too; outside the popup r still syncs everything.
    ch(&mut s, 'S');
    ch(&mut s, 'S');
    assert!(s.modes.is_empty());
    assert_eq!(ch(&mut s, 'r').effects, vec![Effect::SyncNow]);
}

#[test]
fn the_header_age_redraws_only_when_its_text_changes() {
    let mut s = loaded(&["demo"]);
    let t = now() + Duration::seconds(5);
    update(&mut s, Event::Clock(t));
    synced(&mut s, "demo", t);
    assert_eq!(
        lookout::app::freshness::header(&s, true).as_deref(),
        Some("just now")
    );
    let tick = |s: &mut State, secs: i64| update(s, Event::Clock(t + Duration::seconds(secs)));
    assert!(!tick(&mut s, 30).redraw, "still just now");
    assert!(tick(&mut s, 61).redraw, "now 1 min ago");
    assert!(!tick(&mut s, 100).redraw);
    assert!(tick(&mut s, 185).redraw, "3 min ago");
    assert_eq!(
        lookout::app::freshness::header(&s, true).as_deref(),
        Some("3 min ago")
    );
    assert!(tick(&mut s, 2 * 3600).redraw);
    assert_eq!(
        lookout::app::freshness::header(&s, true).as_deref(),
        Some("2 h ago")
    );
}

#[test]
fn the_data_time_is_the_analysis_until_a_sync_succeeds() {
    let mut s = loaded(&["demo"]);
    update(&mut s, Event::Clock(now() + Duration::minutes(7)));
    assert_eq!(
        lookout::app::freshness::data_time(&s),
        Some(now()),
        "nothing synced yet: the analysis time"
    );
    assert_eq!(
        lookout::app::freshness::header(&s, true).as_deref(),
        Some("7 min ago")
    );
    failed(&mut s, "demo", "timeout");
    assert_eq!(lookout::app::freshness::data_time(&s), Some(now()));
    synced(&mut s, "demo", now() + Duration::minutes(6));
    assert_eq!(
        lookout::app::freshness::header(&s, true).as_deref(),
        Some("1 min ago")
    );
}

/// How many of the open project's tickets are marked as changed.
fn changed_rows(s: &State) -> usize {
    let d = s.detail.as_ref().expect("a project is open");
    let list = SeenList::Project(d.source.clone(), d.key.clone());
    let Some(after) = changed_after(s, &list) else {
        return 0;
    };
    d.list
        .rows
        .iter()
        .filter(|&&i| s.portfolio.tickets[i].updated > after)
        .count()
}

#[test]
fn rows_updated_since_the_list_was_last_seen_are_marked_until_seen() {
    let mut s = loaded(&["demo"]);
    // The session started two days before the data: every ticket updated since is news.
    update(&mut s, Event::Clock(now() - Duration::days(2)));
    key(&mut s, KeyCode::Enter);
    let changed = changed_rows(&s);
    assert!(changed > 0, "some tickets moved in two days");
    assert!(changed < s.detail.as_ref().expect("open").list.len());
    // Showing the list is not seeing it: only moving in it (or leaving it) is.
    update(&mut s, Event::Clock(now()));
    assert_eq!(changed_rows(&s), changed);
    ch(&mut s, 'j');
    assert_eq!(changed_rows(&s), 0, "seen once the user moved in it");

    // Leaving a list counts as seeing it, too; another project's list keeps its own time.
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    assert!(
        changed_rows(&s) > 0,
        "the next project was never seen: marked since the start"
    );
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    assert_eq!(changed_rows(&s), 0, "left, so seen");
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> Event {
    Event::Mouse {
        event: MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
        size: (80, 24),
    }
}

#[test]
fn the_wheel_moves_the_focused_list_and_a_click_selects_a_row() {
    let mut s = loaded(&["demo"]);
    assert_eq!(s.projects.selected, 0);
    update(&mut s, mouse(MouseEventKind::ScrollDown, 10, 10));
    update(&mut s, mouse(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(s.projects.selected, 2);
    update(&mut s, mouse(MouseEventKind::ScrollUp, 10, 10));
    assert_eq!(s.projects.selected, 1);
    // At 80x24 the Projects table's rows start under the tab bar, its border and header.
    let out = update(
        &mut s,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, 3),
    );
    assert!(out.redraw);
    assert_eq!(s.projects.selected, 0);
    update(
        &mut s,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, 6),
    );
    assert_eq!(s.projects.selected, 3);
    // The header, the border and the status bar select nothing.
    for row in [0, 1, 2, 23] {
        let out = update(
            &mut s,
            mouse(MouseEventKind::Down(MouseButton::Left), 10, row),
        );
        assert!(!out.redraw, "row {row}");
        assert_eq!(s.projects.selected, 3);
    }
    // Under a popup the click goes nowhere; the wheel moves the popup's list.
    ch(&mut s, 'S');
    update(
        &mut s,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, 4),
    );
    assert_eq!(s.projects.selected, 3);
}
