//! The Forecasts tab: the selected project's Monte Carlo forecast, its percentiles with
//! dates, the chance of meeting the target, a histogram of the trials and the warnings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};

use crate::analysis::projection::{Question, ThroughputForecast};
use crate::app::forecasts::asked;
use crate::app::{Ask, InputKind, State, selected_project};
use crate::keys::Action;
use crate::ui::{Theme, placeholder};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(project) = selected_project(state) else {
        let block = theme.block().title(" Forecasts ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        placeholder(
            frame,
            inner,
            "No projects yet: waiting for the first sync",
            theme,
        );
        return;
    };
    let hint = |a| state.keymap.hint(a);
    let title = format!(
        " Forecast: {} {} ({}/{} project, {} method) ",
        project.key,
        project.name,
        hint(crate::keys::Action::Down),
        hint(crate::keys::Action::Up),
        state.forecast.method.name()
    );
    let block = theme.block().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines: Vec<Line> = Vec::new();
    let question = match state.forecast.ask {
        Ask::Remaining => format!(
            "When will its {} open items be done?",
            project.todo + project.in_progress
        ),
        Ask::Items(n) => format!("When will {n} items be done?"),
        Ask::By(d) => format!("How many items will be done by {d}?"),
    };
    lines.push(Line::from(vec![
        Span::styled(question, theme.header()),
        Span::styled(
            format!(
                "  {}: items  {}: date  {}: method",
                hint(Action::AskItems),
                hint(Action::AskDate),
                hint(Action::ToggleMethod)
            ),
            theme.dim(),
        ),
    ]));
    if let Some(input) = &state.forecast.input {
        let label = match input.kind {
            InputKind::Items => "Items (empty = open items)",
            InputKind::Date => "Done by (YYYY-MM-DD)",
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), theme.header()),
            Span::raw(format!("{}_", input.line.value())),
            Span::styled("  Enter to ask, Esc to cancel", theme.dim()),
        ]));
        if let Some(e) = &input.error {
            lines.push(Line::from(Span::styled(e.clone(), theme.error())));
        }
    }
    let Some(question) = asked(state) else {
        lines.push(Line::from(Span::styled(
            format!(
                "Nothing is open here: ask with {} (items) or {} (a date)",
                hint(Action::AskItems),
                hint(Action::AskDate)
            ),
            theme.dim(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    };
    // Only a result for exactly this question: never the last project's or method's numbers.
    let current = state.forecast.result.as_deref().filter(|f| {
        f.source == project.source
            && f.project == project.key
            && f.question == question
            && f.method == state.forecast.method
    });
    let Some(f) = current else {
        lines.push(Line::from(Span::styled("Simulating...", theme.dim())));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    };
    lines.extend(statement_lines(f, theme));
    let text_height = (lines.len() as u16).min(inner.height);
    let [text, chart] =
        Layout::vertical([Constraint::Length(text_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), text);
    if chart.height >= 4 {
        draw_histogram(frame, chart, f, theme);
    }
}

fn statement_lines<'a>(f: &ThroughputForecast, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for s in &f.statements {
        let text = match (f.question, s.value, s.date) {
            (Question::When { .. }, Some(days), Some(date)) => {
                format!("done by {date} ({days} days)")
            }
            (Question::When { .. }, _, _) => format!("not within {} days", f.horizon_days),
            (Question::HowMany { .. }, Some(n), _) => format!("at least {n} items"),
            (Question::HowMany { .. }, None, _) => "-".to_string(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:>3.0}%  ", s.level * 100.0), theme.header()),
            Span::raw(text),
        ]));
    }
    if let (Some(target), Some(chance)) = (f.target, f.chance_by_target) {
        let style = if chance < 0.5 {
            theme.flag()
        } else if chance < 0.85 {
            theme.warn()
        } else {
            theme.ok()
        };
        lines.push(Line::from(vec![
            Span::raw("Target "),
            Span::raw(target.to_string()),
            Span::raw(": "),
            Span::styled(format!("{:.0}% chance", chance * 100.0), style),
        ]));
    }
    for w in &f.warnings {
        lines.push(Line::from(Span::styled(format!("! {w}"), theme.warn())));
    }
    lines
}

fn draw_histogram(frame: &mut Frame, area: Rect, f: &ThroughputForecast, theme: &Theme) {
    let unit = match f.question {
        Question::When { .. } => "days",
        Question::HowMany { .. } => "items",
    };
    let block = theme
        .block()
        .title(format!(" {} trials by {unit} ", f.trials));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if f.histogram.is_empty() || inner.width < 8 {
        return;
    }
    let bars = f.histogram.len() as u16;
    let width = ((inner.width.saturating_sub(bars)) / bars).clamp(1, 6);
    let bars: Vec<Bar> = f
        .histogram
        .iter()
        .map(|(v, n)| {
            Bar::default()
                .value(u64::from(*n))
                .text_value(String::new())
                .label(Line::from(v.to_string()))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(1)
        .bar_set(theme.glyphs().bar())
        .bar_style(theme.ok());
    frame.render_widget(chart, inner);
}
