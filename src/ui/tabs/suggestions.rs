//! The Suggestions tab: the advisor's list in its order (band, then impact), a detail pane with
//! the evidence, what accepting would write and the ticket's recent history, and a line with
//! how each kind has been received and what the model cost today.
//!
//! Text here was cleaned where it entered the state (`app::suggestions`); this only lays it out.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::State;
use crate::domain::{Band, Kind, Subject, Suggestion, SuggestionState};
use crate::keys::Action;
use crate::ui::{Theme, key_width, placeholder};

/// From this width on the detail pane sits beside the list; below it, under the list.
const WIDE: u16 = 120;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    frame.render_widget(Paragraph::new(summary_line(state, theme)), line);
    let advice = &state.advice;
    let pending = advice
        .list
        .iter()
        .filter(|s| s.state == SuggestionState::Pending)
        .count();
    let filtered = match crate::app::filter_text(state, crate::app::FilterTarget::Suggestions) {
        "" => String::new(),
        f => format!(", {} shown by /{f}", advice.shown.len()),
    };
    let title = format!(
        " Suggestions: {pending} pending of {}{filtered}, strongest first ",
        advice.list.len()
    );
    let block = theme.block().title(title);
    if advice.list.is_empty() {
        let inner = block.inner(rest);
        frame.render_widget(block, rest);
        let text = if !state.loaded || !advice.ready {
            "Building suggestions..."
        } else {
            "No suggestions: nothing here needs a decision"
        };
        placeholder(frame, inner, text, theme);
        return;
    }
    let Some(selected) = advice.selected() else {
        return;
    };
    let lines = detail_lines(state, selected, theme);
    let (list_area, detail_area) = if rest.width >= WIDE {
        let [l, d] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(rest);
        (l, d)
    } else {
        // As tall as the detail needs, wrapped, but never more than half: the list stays
        // usable at 80x24.
        let inner = rest.width.saturating_sub(2).max(1) as usize;
        let needed: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
        let detail = (needed as u16 + 2).clamp(6, (rest.height / 2).max(6));
        let [l, d] = Layout::vertical([Constraint::Min(5), Constraint::Length(detail)]).areas(rest);
        (l, d)
    };
    draw_list(frame, list_area, state, block, theme);
    draw_detail(frame, detail_area, state, lines, theme);
}

/// Acceptance per kind, and the model's use today.
fn summary_line<'a>(state: &'a State, theme: &Theme) -> Line<'a> {
    let advice = &state.advice;
    let mut spans = vec![Span::styled(" accepted ", theme.header())];
    let rated: Vec<String> = advice
        .rates
        .iter()
        .filter_map(|r| r.acceptance().map(|p| format!("{} {p}%", r.kind.label())))
        .collect();
    if rated.is_empty() {
        spans.push(Span::styled("no decisions yet", theme.dim()));
    } else {
        spans.push(Span::raw(rated.join(", ")));
    }
    match advice.usage {
        Some(u) => {
            spans.push(Span::styled("  AI today ", theme.header()));
            spans.push(Span::raw(format!(
                "{} calls, {} tokens, cost {:.2}",
                u.calls, u.tokens, u.cost
            )));
        }
        None => spans.push(Span::styled("  AI off: rules only", theme.dim())),
    }
    if let Some(note) = &advice.note {
        spans.push(Span::styled(
            format!("  rules only: {}", &**note),
            theme.warn(),
        ));
    }
    Line::from(spans)
}

fn band_style(band: Band, theme: &Theme) -> ratatui::style::Style {
    match band {
        Band::High => theme.flag(),
        Band::Medium => theme.warn(),
        Band::Low => theme.dim(),
    }
}

fn state_label(state: &State, s: &Suggestion) -> String {
    if state.advice.in_flight(&s.id) {
        return "writing".to_string();
    }
    match s.state {
        SuggestionState::Pending => String::new(),
        other => other.label().to_string(),
    }
}

fn draw_list(frame: &mut Frame, area: Rect, state: &State, block: Block, theme: &Theme) {
    let list = &state.advice.list;
    let shown = &state.advice.shown;
    let rows = shown.iter().map(|&i| &list[i]).map(|s| {
        let decided = s.state != SuggestionState::Pending;
        let style = if decided {
            theme.dim()
        } else {
            ratatui::style::Style::new()
        };
        Row::new(vec![
            Cell::from(s.kind.label()),
            Cell::from(subject_key(&s.subject)),
            Cell::from(s.band.label()).style(band_style(s.band, theme)),
            Cell::from(state_label(state, s)),
            Cell::from(s.rationale.as_str()),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(12),
        Constraint::Length(key_width(
            shown.iter().map(|&i| subject_key(&list[i].subject)),
        )),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let header = Row::new(["Kind", "Subject", "Band", "State", "Why"]).style(theme.header());
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected());
    let at = shown.iter().position(|&i| i == state.advice.selected);
    let mut table_state = TableState::default().with_selected(at);
    frame.render_stateful_widget(table, area, &mut table_state);
}

fn subject_key(s: &Subject) -> &str {
    match s {
        Subject::Ticket { key, .. } | Subject::Project { key, .. } => key,
    }
}

/// The selected suggestion: what it is, why, what accepting writes, the evidence, and for a
/// ticket its last status changes. What accepting does comes before the evidence, so a short
/// pane never cuts it off.
fn detail_lines<'a>(state: &'a State, s: &'a Suggestion, theme: &Theme) -> Vec<Line<'a>> {
    let bullet = theme.glyphs().bullet;
    let arrow = theme.glyphs().arrow;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", s.subject), theme.header()),
        Span::raw(format!("{}  ", kind_phrase(s.kind))),
        Span::styled(
            format!(
                "{} ({}%)",
                s.band.label(),
                (s.confidence * 100.0).round() as i64
            ),
            band_style(s.band, theme),
        ),
        Span::styled(format!("  {}", s.state.label()), theme.dim()),
    ])];
    lines.push(Line::from(s.rationale.as_str()));
    lines.push(match &s.proposal {
        Some(p) => Line::from(vec![
            Span::styled("will write: ", theme.header()),
            Span::raw(format!("{} in {}", p.action, p.source)),
        ]),
        None => Line::from(Span::styled(
            "advisory: accepting records the decision; nothing is written",
            theme.dim(),
        )),
    });
    if let Some(r) = &s.related {
        lines.push(Line::from(vec![
            Span::styled("duplicate of: ", theme.header()),
            Span::raw(r.to_string()),
        ]));
    }
    for e in &s.evidence {
        lines.push(Line::from(format!("{bullet}{}", e.sentence())));
    }
    if !state.advice.history.is_empty() {
        let moves: Vec<String> = state
            .advice
            .history
            .iter()
            .map(|h| {
                format!(
                    "{} {} {arrow} {}",
                    h.at.format("%m-%d"),
                    h.from.as_deref().unwrap_or("new"),
                    h.to.as_deref().unwrap_or("-")
                )
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled("history: ", theme.header()),
            Span::raw(moves.join(", ")),
        ]));
    }
    lines
}

fn draw_detail(frame: &mut Frame, area: Rect, state: &State, lines: Vec<Line>, theme: &Theme) {
    let keys = [
        (Action::Accept, "accept"),
        (Action::Reject, "reject"),
        (Action::Undo, "undo"),
        (Action::AuditLog, "audit log"),
    ]
    .iter()
    .map(|(a, what)| format!("{} {what}", state.keymap.hint(*a)))
    .collect::<Vec<_>>()
    .join("  ");
    let block = theme.block().title(format!(" {keys} "));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// What a kind proposes, in a few words for the detail pane's first line.
fn kind_phrase(kind: Kind) -> &'static str {
    match kind {
        Kind::Reassign => "reassign",
        Kind::RaisePriority => "raise its priority",
        Kind::LowerPriority => "lower its priority",
        Kind::Split => "split it",
        Kind::AskInfo => "ask for information",
        Kind::CloseDuplicate => "close as duplicate",
        Kind::Rebalance => "rebalance work in progress",
        Kind::FlagRisk => "at risk",
        Kind::NudgeReviewer => "nudge the reviewer",
    }
}
