//! The bottom line: each source's sync state, and the keys that matter most.

use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{State, SyncState};
use crate::keys::Action;

fn clock(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&Local).format("%H:%M:%S").to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// Cuts long text at a character boundary, marking the cut with `cut`; the log has the full
/// message.
fn shorten(text: &str, max: usize, cut: &str) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text
        .chars()
        .take(max.saturating_sub(cut.chars().count()))
        .collect();
    out.push_str(cut);
    out
}

/// The rate-limit budget as "api 812/1000" ("api 0/1000 until 12:03:00" when spent), and
/// whether it is running low (under 10 %).
fn budget(b: crate::sources::Budget) -> Option<(String, bool)> {
    let remaining = b.remaining?;
    let (mut text, low) = match b.limit {
        Some(limit) if limit > 0 => (
            format!(" api {remaining}/{limit}"),
            remaining.saturating_mul(10) < limit,
        ),
        _ => (format!(" api {remaining} left"), remaining == 0),
    };
    if remaining == 0 && b.reset.is_some() {
        text.push_str(&format!(" until {}", clock(b.reset)));
    }
    Some((text, low))
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let cut = theme.glyphs().ellipsis;
    let shorten = |text: &str, max: usize| shorten(text, max, cut);
    let mut spans = Vec::new();
    // What the last decision or write came to matters more than the sources' clocks.
    if let Some(m) = &state.message {
        spans.push(Span::styled(format!(" {}", shorten(m, 72)), theme.notice()));
    }
    if let Some(e) = &state.load_error {
        spans.push(Span::styled(
            format!(" store: {}", shorten(e, 60)),
            theme.error(),
        ));
    }
    for s in &state.sources {
        let paused = state.control.is_paused(&s.name);
        let (text, style) = match &s.state {
            _ if paused => ("paused".to_string(), theme.warn()),
            SyncState::Waiting => ("waiting".to_string(), theme.dim()),
            SyncState::Syncing => ("syncing".to_string(), theme.warn()),
            SyncState::Ok if s.warnings > 0 => (
                format!(
                    "ok {} next {}, {} skipped (see log)",
                    clock(s.last_ok),
                    clock(s.next),
                    s.warnings
                ),
                theme.warn(),
            ),
            SyncState::Ok => (
                format!("ok {} next {}", clock(s.last_ok), clock(s.next)),
                theme.ok(),
            ),
            SyncState::Failed(e) => {
                let last = if s.last_ok.is_some() {
                    format!(" (last ok {})", clock(s.last_ok))
                } else {
                    String::new()
                };
                let text = match s.next {
                    Some(_) => {
                        format!("retry {}{last}: {}", clock(s.next), shorten(&e.message, 48))
                    }
                    // Credentials and config failures wait for the user: say what to do first.
                    None => format!(
                        "stopped: {}{last}: {}",
                        e.kind.advice(),
                        shorten(&e.message, 48)
                    ),
                };
                (text, theme.error())
            }
        };
        spans.push(Span::raw(format!(" {} ", s.name)));
        spans.push(Span::styled(text, style));
        if let Some(b) = s.budget.and_then(budget) {
            spans.push(Span::styled(
                b.0,
                if b.1 { theme.warn() } else { theme.dim() },
            ));
        }
    }
    if state.read_only {
        spans.push(Span::styled(" read-only", theme.dim()));
    }
    let hints = format!(
        "{} help  {} quit ",
        state.keymap.hint(Action::Help),
        state.keymap.hint(Action::Quit)
    );
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(hints.len() as u16)])
        .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), l);
    frame.render_widget(Paragraph::new(hints).style(theme.dim()), r);
}
