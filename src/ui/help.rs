//! The help overlay, generated from the keymap so it can never disagree with the keys: the
//! scopes in front of the user first, then the rest; scrolled when it is taller than the
//! screen (80x24 in tmux).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::popups::centered;
use crate::app::State;
use crate::keys::{Action, Chord, Scope};

/// Width of the keys column.
const KEYS: usize = 16;

/// Every line of the overlay: section titles and one line per keyed binding.
pub fn lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    // The tab's own keys, then the global ones (what 80x24 shows without scrolling), then
    // the rest of what is in front, then everything else.
    let mut order: Vec<Scope> = crate::app::beneath_modes(state)
        .into_iter()
        .filter(|s| !matches!(s, Scope::Popup | Scope::Input | Scope::Global))
        .collect();
    order.insert(1.min(order.len()), Scope::Global);
    for s in Scope::ALL {
        if !order.contains(&s) {
            order.push(s);
        }
    }
    let mut out = Vec::new();
    for scope in order {
        let bindings: Vec<_> = state
            .keymap
            .bindings
            .iter()
            .filter(|b| b.scope == scope && !b.keys.is_empty())
            .collect();
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::from(""));
        }
        out.push(Line::from(Span::styled(scope.title(), theme.header())));
        for b in bindings {
            let keys = b
                .keys
                .iter()
                .map(Chord::label)
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Line::from(vec![
                Span::raw(format!(" {keys:<KEYS$} ")),
                Span::raw(b.description.clone()),
            ]));
        }
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize, theme: &Theme) {
    let lines = lines(state, theme);
    let height = area.height.min(lines.len() as u16 + 2);
    let popup = centered(frame, area, 84, height);
    let room = popup.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let more = if lines.len() > room {
        format!(
            ", {}/{} scroll, : runs any command by name",
            state.keymap.hint(Action::Down),
            state.keymap.hint(Action::Up)
        )
    } else {
        String::new()
    };
    let title = format!(
        " Help: keys ({} closes{more}) ",
        state.keymap.hint(Action::Back)
    );
    let block = theme.block().title(title);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}
