//! Popups drawn over a tab: each clears its rectangle and draws only from `State`.

pub mod audit;
pub mod confirm;
pub mod palette;
pub mod reject;
pub mod sources;
pub mod triage;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{Popup, Prompt, PromptKind, State};
use crate::ui::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    match &state.advice.popup {
        Some(Popup::Confirm { suggestion }) => confirm::draw(frame, area, state, suggestion, theme),
        Some(Popup::Reject {
            suggestion,
            reason,
            note,
        }) => reject::draw(frame, area, state, suggestion, *reason, note, theme),
        Some(Popup::Audit { scroll }) => audit::draw(frame, area, state, *scroll, theme),
        None => {}
    }
}

/// A cleared rectangle of at most `width` x `height` in the middle of `area`.
pub(crate) fn centered(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let [_, col, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width.min(area.width)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
        Constraint::Fill(1),
    ])
    .areas(col);
    frame.render_widget(Clear, popup);
    popup
}

/// A text line in place of the status bar (the filter), with its error when what is typed
/// cannot be used yet.
pub(crate) fn prompt_line(frame: &mut Frame, area: Rect, prompt: &Prompt, theme: &Theme) {
    let label = match prompt.kind {
        PromptKind::Filter => "/",
        PromptKind::Palette => ":",
        PromptKind::Label => "label: ",
        PromptKind::Comment => "comment: ",
    };
    let width = (area.width as usize).saturating_sub(label.len() + 1);
    let skip = prompt.line.scroll(width);
    let text: String = prompt.line.value().chars().skip(skip).collect();
    let mut spans = vec![Span::styled(label, theme.header()), Span::raw(text)];
    if let Some(e) = &prompt.error {
        spans.push(Span::styled(format!("  {e}"), theme.error()));
    } else if let Some((shown, all)) = prompt.shown {
        spans.push(Span::styled(format!("  {shown} of {all}"), theme.dim()));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area.x + (label.len() + prompt.line.cursor() - skip) as u16;
    frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
}
