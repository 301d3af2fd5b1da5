//! Every tab and the help overlay drawn at 80x24 and 160x50 in the default theme, without
//! colour (`NO_COLOR`) and in ASCII (`--ascii`): the default theme keeps to the 16 ANSI
//! colours, no colour at all reaches the screen without colour, and nothing but ASCII does in
//! ASCII, with borders of `+`, `-` and `|`.

#[path = "common/advice.rs"]
mod advice;
#[path = "common/demo_state.rs"]
mod demo_state;
#[path = "common/screen.rs"]
mod screen;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::app::{Effect, Event, Outcome, State, update};
use lookout::domain::Portfolio;
use lookout::palette::{ColorDepth, Palette, Role, parse_style};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use demo_state::{demo_portfolio, loaded_as, now};
use screen::{buffer, screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 50)];

fn key(state: &mut State, code: KeyCode) -> Outcome {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The demo portfolio loaded, with every kind of suggestion on offer so the other tabs show
/// their marks.
fn loaded() -> State {
    loaded_with(demo_portfolio())
}

fn loaded_with(p: Portfolio) -> State {
    let mut state = loaded_as(p, &["demo"], false);
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: advice::every_kind(),
            note: None,
            usage: None,
        },
    );
    state
}

/// Runs the forecast the update asked for, as the event loop would on a blocking thread.
fn forecast_for(state: &mut State, outcome: Outcome) {
    for e in outcome.effects {
        if let Effect::Forecast(job) = e {
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
                    result: Arc::new(f),
                },
            );
        }
    }
}

/// Each pane with its name, on one state per pane.
fn panes() -> Vec<(&'static str, State)> {
    panes_with(|_| {})
}

/// As `panes`, on states set up by `setup` before any key: detail views are built when they
/// open, with the colours and glyphs of that moment, as in a real session.
fn panes_with(setup: fn(&mut State)) -> Vec<(&'static str, State)> {
    let loaded = || {
        let mut s = loaded();
        setup(&mut s);
        s
    };
    let mut out = Vec::new();
    out.push(("projects", loaded()));
    let mut stalled = loaded();
    key(&mut stalled, KeyCode::Char('2'));
    out.push(("stalled", stalled));
    let mut forecasts = loaded();
    let asked = key(&mut forecasts, KeyCode::Char('3'));
    forecast_for(&mut forecasts, asked);
    out.push(("forecasts", forecasts));
    let mut suggestions = loaded();
    key(&mut suggestions, KeyCode::Char('4'));
    out.push(("suggestions", suggestions));
    let mut detail = loaded();
    key(&mut detail, KeyCode::Enter);
    assert!(detail.detail.is_some(), "the project's tickets opened");
    out.push(("ticket list", detail));
    let mut help = loaded();
    key(&mut help, KeyCode::Char('?'));
    out.push(("help", help));
    out.extend(triage_panes(setup));
    out
}

fn keys(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

/// The views and dialogs of keyboard triage, each on a state of its own.
fn triage_panes(setup: fn(&mut State)) -> Vec<(&'static str, State)> {
    let loaded = || {
        let mut s = loaded();
        setup(&mut s);
        s
    };
    let mut out = Vec::new();
    let mut ticket = loaded();
    keys(&mut ticket, "2");
    key(&mut ticket, KeyCode::Enter);
    out.push(("ticket detail", ticket));
    let mut project = loaded();
    keys(&mut project, "i");
    out.push(("project detail", project));
    let mut palette = loaded();
    keys(&mut palette, ":mark");
    out.push(("palette", palette));
    let mut filter = loaded();
    keys(&mut filter, "2 j /stalled");
    out.push(("filter line", filter));
    let mut picker = loaded();
    keys(&mut picker, "2a");
    out.push(("member picker", picker));
    let mut confirm = loaded();
    keys(&mut confirm, "2*P");
    key(&mut confirm, KeyCode::Enter);
    out.push(("confirmation", confirm));
    let mut bulk = loaded();
    keys(&mut bulk, "2P");
    key(&mut bulk, KeyCode::Enter);
    key(&mut bulk, KeyCode::Enter);
    let k = bulk.selected_stalled().expect("row").key.to_string();
    update(
        &mut bulk,
        Event::BulkDone(lookout::sync::BulkSummary {
            succeeded: vec![],
            failed: vec![(k, "nothing was written: HTTP 500".into())],
        }),
    );
    out.push(("bulk summary", bulk));
    let mut sources = loaded();
    keys(&mut sources, "S");
    out.push(("sources", sources));
    out
}

/// Panes that cover the list they were opened on, so no selection shows.
const COVERING: [&str; 5] = [
    "help",
    "ticket detail",
    "project detail",
    "confirmation",
    "bulk summary",
];

fn cells(buf: &Buffer) -> impl Iterator<Item = &ratatui::buffer::Cell> {
    buf.content.iter()
}

fn is_ansi16(c: Color) -> bool {
    !matches!(c, Color::Rgb(..) | Color::Indexed(_))
}

#[test]
fn the_default_theme_keeps_to_the_sixteen_colours_and_uses_them() {
    for (pane, state) in panes() {
        for (w, h) in SIZES {
            let buf = buffer(&state, w, h);
            for c in cells(&buf) {
                assert!(
                    is_ansi16(c.fg) && is_ansi16(c.bg),
                    "{pane} {w}x{h}: {c:?} is not one of the 16 colours"
                );
            }
            assert!(
                cells(&buf).any(|c| c.fg != Color::Reset),
                "{pane} {w}x{h}: no colour at all"
            );
            assert!(
                screen(&state, w, h).contains('┌'),
                "{pane} {w}x{h}: box-drawing borders"
            );
        }
    }
}

#[test]
fn no_color_leaves_every_cell_in_the_terminals_colours_and_keeps_the_selection() {
    let no_colour = |state: &mut State| {
        let env = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        state.color = !lookout::palette::no_color(env);
        // Even a loud user theme: without colour it is not used.
        state.palette.set(
            Role::Selected,
            parse_style("#ff0000 on #00ff00").expect("style"),
        );
    };
    for (pane, state) in panes_with(no_colour) {
        for (w, h) in SIZES {
            let buf = buffer(&state, w, h);
            for c in cells(&buf) {
                assert!(
                    c.fg == Color::Reset && c.bg == Color::Reset,
                    "{pane} {w}x{h}: {c:?} has a colour"
                );
            }
            if !COVERING.contains(&pane) {
                assert!(
                    cells(&buf).any(|c| c.modifier.contains(Modifier::REVERSED)),
                    "{pane} {w}x{h}: the selection shows in reverse"
                );
            }
            assert!(
                cells(&buf).any(|c| c.modifier.contains(Modifier::BOLD)),
                "{pane} {w}x{h}: headers in bold"
            );
        }
    }
}

#[test]
fn ascii_draws_only_ascii_with_plain_borders() {
    let ascii = panes_with(|s| s.unicode = false);
    for ((pane, state), (_, ascii)) in panes().into_iter().zip(ascii) {
        for (w, h) in SIZES {
            let unicode = screen(&state, w, h);
            let s = screen(&ascii, w, h);
            let odd: Vec<char> = s.chars().filter(|c| !c.is_ascii()).collect();
            assert!(odd.is_empty(), "{pane} {w}x{h}: {odd:?} in:\n{s}");
            // A pane's border: corners of `+`, edges of `-` and `|`.
            let rows: Vec<&str> = s.lines().collect();
            assert!(
                rows.iter()
                    .any(|r| r.starts_with("+") && r.trim_end().ends_with("-+")),
                "{pane} {w}x{h}: no top or bottom border:\n{s}"
            );
            assert!(
                rows.iter()
                    .any(|r| r.starts_with('|') && r.trim_end().ends_with('|')),
                "{pane} {w}x{h}: no side border:\n{s}"
            );
            assert!(!s.contains('─') && !s.contains('│'), "{pane} {w}x{h}");
            // Every glyph has its own ASCII stand-in: nothing fell through to `?`.
            let q = |t: &str| t.matches('?').count();
            assert_eq!(q(&s), q(&unicode), "{pane} {w}x{h}:\n{s}\n{unicode}");
        }
    }
}

#[test]
fn ascii_keeps_sparklines_and_accented_names_readable() {
    let mut p = demo_portfolio();
    let mut state = loaded_with(p.clone());
    let top = state.analysis.stalled[0].key.clone();
    let i = p
        .tickets
        .iter()
        .position(|t| t.key == top)
        .expect("the top stalled ticket");
    p.tickets[i].title = "Café für Łódź → 日本".into();
    let mut state_accented = loaded_with(p);
    state.unicode = false;
    let s = screen(&state, 160, 50);
    let spark = s
        .lines()
        .find(|l| l.contains("Done/wk"))
        .expect("the panel's sparkline");
    assert!(
        spark.chars().any(|c| "_.-:=+*#".contains(c)),
        "ASCII heights: {spark}"
    );
    key(&mut state_accented, KeyCode::Char('2'));
    let u = screen(&state_accented, 160, 50);
    assert!(u.contains("Café für Łódź →"), "{u}");
    state_accented.unicode = false;
    let s = screen(&state_accented, 160, 50);
    // Latin letters keep their base letter; what has none becomes `?`, one per column.
    assert!(s.contains("Cafe fur Lodz ? ????"), "{s}");
}

#[test]
fn a_user_theme_in_rgb_reaches_a_sixteen_colour_terminal_as_the_nearest_named_colours() {
    let mut palette = Palette::default();
    palette.set(
        Role::Header,
        parse_style("#ff8800 on #000080 bold").expect("style"),
    );
    let mut state = loaded();
    state.palette = palette.fit(ColorDepth::Ansi16);
    let buf = buffer(&state, 80, 24);
    assert!(cells(&buf).all(|c| is_ansi16(c.fg) && is_ansi16(c.bg)));
    assert!(
        cells(&buf).any(|c| c.fg == Color::Yellow && c.bg == Color::Blue),
        "the header in the nearest colours"
    );
    state.palette = palette.fit(ColorDepth::TrueColor);
    let buf = buffer(&state, 80, 24);
    assert!(cells(&buf).any(|c| c.fg == Color::Rgb(0xff, 0x88, 0)));
}
