//! The triage dialogs: a picker (members with their work in progress, the statuses the
//! tracker allows, priorities), the confirmation of exactly what will be written where, and
//! the bulk write counted off, then summed up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::centered;
use crate::app::{Bulk, LISTED, Order, Picker, State, keys_of, resolve};
use crate::keys::{Action, Scope};
use crate::ui::Theme;

fn hint(state: &State, action: Action) -> String {
    state.keymap.hint_in(action, Scope::Popup)
}

pub fn draw_picker(frame: &mut Frame, area: Rect, state: &State, picker: &Picker, theme: &Theme) {
    let rows = picker.items.len().clamp(1, 14) as u16;
    let popup = centered(frame, area, 64, rows + 2);
    let title = format!(
        " {} ({} choose, {} cancel) ",
        picker.title,
        hint(state, Action::Confirm),
        state.keymap.hint(Action::Back)
    );
    let block = theme.block().title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = Vec::new();
    if picker.loading {
        lines.push(Line::from(Span::styled(
            "asking the tracker...",
            theme.dim(),
        )));
    } else if let Some(e) = &picker.error {
        lines.push(Line::from(Span::styled(e.to_string(), theme.flag())));
    } else {
        let window = picker.list.window(inner.height as usize);
        for n in window {
            let (label, _) = &picker.items[picker.list.rows[n]];
            let style = if n == picker.list.selected {
                theme.selected()
            } else {
                theme.tab()
            };
            lines.push(Line::from(Span::styled(label.clone(), style)));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_confirm(frame: &mut Frame, area: Rect, state: &State, order: &Order, theme: &Theme) {
    let keys = keys_of(state, &order.targets);
    let tickets = &state.portfolio.tickets;
    let mut sources: Vec<&str> = resolve(state, &order.targets)
        .into_iter()
        .map(|i| tickets[i].source.as_str())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", capitalised(&order.what)), theme.header()),
            Span::raw(match keys.len() {
                1 => "on 1 ticket".to_string(),
                n => format!("on {n} tickets"),
            }),
        ]),
        Line::from(Span::styled(
            format!(
                "in {}; each is checked again before it is written",
                sources.join(", ")
            ),
            theme.dim(),
        )),
        Line::from(""),
    ];
    for k in keys.iter().take(LISTED) {
        lines.push(Line::from(format!("  {k}")));
    }
    if keys.len() > LISTED {
        lines.push(Line::from(format!("  and {} more", keys.len() - LISTED)));
    }
    lines.push(Line::from(""));
    // The keys stay on the last line whatever the list above holds.
    let footer = Line::from(vec![
        Span::styled(
            format!("{} write", hint(state, Action::Confirm)),
            theme.header(),
        ),
        Span::raw(format!("   {} cancel", state.keymap.hint(Action::Back))),
    ]);
    let height = lines.len() as u16 + 3;
    let popup = centered(frame, area, 72, height);
    let block = theme.block().title(" Confirm a write ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let foot = Rect {
        y: inner.bottom().saturating_sub(1),
        height: 1.min(inner.height),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(Paragraph::new(footer), foot);
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn draw_bulk(frame: &mut Frame, area: Rect, state: &State, bulk: &Bulk, theme: &Theme) {
    let rows = (bulk.total.clamp(1, 12)) as u16;
    let popup = centered(frame, area, 76, rows + 5);
    let title = match &bulk.summary {
        Some(_) => format!(
            " {}: done ({} close) ",
            capitalised(&bulk.what),
            state.keymap.hint(Action::Back)
        ),
        None => format!(
            " {}: {} of {} written... ",
            capitalised(&bulk.what),
            bulk.done,
            bulk.total
        ),
    };
    let block = theme.block().title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = Vec::new();
    if let Some(s) = &bulk.summary {
        lines.push(Line::from(Span::styled(s.to_string(), theme.header())));
        lines.push(Line::from(""));
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    let scroll = bulk.scroll.min(bulk.lines.len().saturating_sub(room));
    for (key, result) in bulk.lines.iter().skip(scroll).take(room) {
        lines.push(match result {
            Ok(()) => Line::from(vec![
                Span::styled("ok    ", theme.ok()),
                Span::raw(key.clone()),
            ]),
            Err(why) => Line::from(vec![
                Span::styled("fail  ", theme.flag()),
                Span::raw(format!("{key}: {why}")),
            ]),
        });
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
