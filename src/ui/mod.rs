//! Drawing: `draw(frame, &State)` and nothing else. No I/O, no locks, no state changes.
//!
//! Tracker text arrives here already clean (see `text`): the portfolio and its analysis are
//! cleaned where they enter lookout, and messages from outside the store come as `text::Clean`
//! (the status bar's errors). Nothing here cleans text, and nothing here may draw a `String`
//! that came from outside lookout by another way.

pub mod detail;
pub mod glyphs;
mod help;
pub mod hit;
mod notice;
mod popups;
mod status_bar;
pub mod tabs;
mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{DetailView, Mode, PromptKind, State, Tab};
pub use theme::Theme;

/// How many lines the help overlay has where the user is.
pub fn help_lines(state: &State) -> usize {
    help::lines(state, &theme_of(state)).len()
}

/// The theme the state asks for: its palette, colour or none, and its glyphs.
pub fn theme_of(state: &State) -> Theme {
    Theme::with(
        &state.palette,
        state.color,
        glyphs::Glyphs::new(state.unicode),
    )
}

pub fn draw(frame: &mut Frame, state: &State) {
    let theme = theme_of(state);
    let [top, body, notice, bottom] = areas(frame.area(), state);
    state.body_rows.set(body.height as usize);
    draw_tab_bar(frame, top, state, &theme);
    if let Some(line) = state.notices.line() {
        notice::draw(frame, notice, &line, state, &theme);
    }
    if let Some(detail) = &state.detail {
        tabs::detail::draw(frame, body, state, detail, &theme);
    } else {
        match state.tab {
            Tab::Projects => tabs::projects::draw(frame, body, state, &theme),
            Tab::Stalled => tabs::stalled::draw(frame, body, state, &theme),
            Tab::Forecasts => tabs::forecasts::draw(frame, body, state, &theme),
            Tab::Suggestions => tabs::suggestions::draw(frame, body, state, &theme),
        }
    }
    status_bar::draw(frame, bottom, state, &theme);
    if state.advice.popup.is_some() {
        popups::draw(frame, body, state, &theme);
    }
    for mode in &state.modes {
        match mode {
            Mode::Help(scroll) => help::draw(frame, body, state, *scroll, &theme),
            Mode::Prompt(p) if p.kind == PromptKind::Palette => {
                popups::palette::draw(frame, body, state, p, &theme);
            }
            Mode::Prompt(p) => popups::prompt_line(frame, bottom, p, &theme),
            Mode::Ticket(v) | Mode::Project(v) => draw_detail_view(frame, body, state, v, &theme),
            Mode::Picker(p) => popups::triage::draw_picker(frame, body, state, p, &theme),
            Mode::Confirm(o) => popups::triage::draw_confirm(frame, body, state, o, &theme),
            Mode::Bulk(b) => popups::triage::draw_bulk(frame, body, state, b, &theme),
            Mode::Sources(selected) => popups::sources::draw(frame, body, state, *selected, &theme),
        }
    }
    if !state.unicode {
        to_ascii(frame);
    }
}

/// Tracker text (names like `Tomás`) is the one thing drawn that no glyph set covers: on a
/// terminal without UTF-8 it is folded to ASCII here, after everything is drawn, so no pane
/// can forget it.
fn to_ascii(frame: &mut Frame) {
    let cells = &mut frame.buffer_mut().content;
    let mut i = 0;
    while i < cells.len() {
        let symbol = cells[i].symbol();
        if symbol.is_ascii() {
            i += 1;
            continue;
        }
        // A wide character covers the next cell too: one `?` per column keeps the columns.
        let width = unicode_width(symbol).max(1);
        let folded: String = symbol.chars().take(1).map(glyphs::ascii_fold).collect();
        cells[i].set_symbol(&folded);
        for hidden in cells.iter_mut().skip(i + 1).take(width - 1) {
            hidden.set_symbol(&folded);
        }
        i += width;
    }
}

/// A detail view over the tab: its prepared lines from its scroll position on.
fn draw_detail_view(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    view: &DetailView,
    theme: &Theme,
) {
    let what = if view.project.is_some() {
        "Project"
    } else {
        "Ticket"
    };
    let title = format!(
        "{what} ({} back, {}/{} scroll)",
        state.keymap.hint(crate::keys::Action::Back),
        state.keymap.hint(crate::keys::Action::Down),
        state.keymap.hint(crate::keys::Action::Up)
    );
    frame.render_widget(ratatui::widgets::Clear, area);
    detail::draw(frame, area, &title, &view.lines, view.scroll, theme);
}

/// The screen's rows: tab bar, body, the notification line (when there is one) and the
/// status bar. Drawing and mouse hit-testing both use it, so they agree on where rows are.
pub(crate) fn areas(area: Rect, state: &State) -> [Rect; 4] {
    let notice = u16::from(!state.notices.is_empty());
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(notice),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Tabs without padding or counts, and the gaps between them: what the bar needs at least.
const TABS_MIN: usize = 47;

fn draw_tab_bar(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let brand = match &state.profile {
        Some(p) => format!(" lookout: {p} "),
        None => " lookout ".to_string(),
    };
    let fits = |right: &str| unicode_width(&brand) + TABS_MIN + right.len() <= area.width as usize;
    let right = match crate::app::freshness::header(state, false) {
        Some(full) if fits(&format!("{full} ")) => format!("{full} "),
        Some(_) => format!(
            "{} ",
            crate::app::freshness::header(state, true).unwrap_or_default()
        ),
        None => "loading ".to_string(),
    };
    let pending = state
        .advice
        .list
        .iter()
        .filter(|s| s.state == crate::domain::SuggestionState::Pending)
        .count();
    let label = |i: usize, tab: &Tab, counts: bool| {
        let count = match tab {
            Tab::Projects => Some(state.analysis.projects.len()),
            Tab::Stalled => Some(state.analysis.stalled.len()),
            Tab::Forecasts => None,
            Tab::Suggestions => state.advice.ready.then_some(pending),
        };
        match count.filter(|_| counts) {
            Some(n) => format!("{} {} ({n})", i + 1, tab.title()),
            None => format!("{} {}", i + 1, tab.title()),
        }
    };
    // Four tabs and the clock do not fit 80 columns with padding and counts: drop the padding
    // first, then the counts, never a tab.
    let room = (area.width as usize).saturating_sub(right.len());
    let layouts = [(" ", true), ("", true), ("", false)];
    let (pad, counts) = layouts
        .into_iter()
        .find(|(pad, counts)| {
            let tabs: usize = Tab::ALL
                .iter()
                .enumerate()
                .map(|(i, t)| unicode_width(&label(i, t, *counts)) + 1 + 2 * pad.len())
                .sum();
            unicode_width(&brand) + tabs <= room
        })
        .unwrap_or(("", false));
    let mut spans = vec![Span::styled(brand.clone(), theme.brand())];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let style = if *tab == state.tab {
            theme.tab_active()
        } else {
            theme.tab()
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("{pad}{}{pad}", label(i, tab, counts)),
            style,
        ));
    }
    let left = Line::from(spans);
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right.len() as u16)])
        .areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right).style(theme.dim()), r);
}

/// Width of a ticket-key column: the longest key shown, so `EMBER-1000` never reads as
/// `EMBER-100`, a different ticket.
pub(crate) fn key_width<'a>(keys: impl Iterator<Item = &'a str>) -> u16 {
    keys.map(unicode_width).max().unwrap_or(3).clamp(3, 18) as u16
}

fn unicode_width(s: &str) -> usize {
    ratatui::text::Span::raw(s).width()
}

/// The first column of a ticket row: marked for a bulk action, and a suggestion waiting.
pub(crate) fn mark_cell(
    state: &State,
    marked: bool,
    advised: bool,
    marker: &'static str,
) -> String {
    // A check mark, or `x` where only ASCII is drawn.
    let mark = match (marked, state.unicode) {
        (false, _) => " ",
        (true, true) => "\u{2713}",
        (true, false) => "x",
    };
    format!("{mark}{}", if advised { marker } else { "" })
}

/// ", 3 marked" when tickets are marked, for list titles.
pub(crate) fn marked_note(state: &State) -> String {
    match state.marks.len() {
        0 => String::new(),
        n => format!(", {n} marked"),
    }
}

/// A one-line message in the middle of an empty pane.
pub(crate) fn placeholder(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let [_, mid, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(text).style(theme.dim()).centered(), mid);
}
