//! Drawing: `draw(frame, &State)` and nothing else. No I/O, no locks, no state changes.
//!
//! Tracker text arrives here already clean (see `text`): the portfolio and its analysis are
//! cleaned where they enter lookout, and messages from outside the store come as `text::Clean`
//! (the status bar's errors). Nothing here cleans text, and nothing here may draw a `String`
//! that came from outside lookout by another way.

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

use crate::app::{Mode, PromptKind, State, Tab};
pub use theme::Theme;

pub fn draw(frame: &mut Frame, state: &State) {
    let theme = Theme::new(state.color);
    let [top, body, notice, bottom] = areas(frame.area(), state);
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
            Mode::Sources(selected) => popups::sources::draw(frame, body, state, *selected, &theme),
        }
    }
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

/// The mark of a ticket with a suggestion waiting (see the Suggestions tab): a diamond, or
/// an asterisk where the terminal cannot draw one.
pub(crate) fn marker(state: &State) -> &'static str {
    if state.unicode { "◆" } else { "*" }
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
