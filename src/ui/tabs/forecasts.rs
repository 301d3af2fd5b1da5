//! The Forecasts tab: the selected project's Monte Carlo forecast, its percentiles with
//! dates, the chance of meeting the target, a histogram of the trials and the warnings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};

use crate::analysis::projection::{Question, ThroughputForecast};
use crate::analysis::track::shortest_fit;
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
    lines.extend(statement_lines(f, usize::from(inner.width), theme));
    let text_height = (lines.len() as u16).min(inner.height);
    let [text, chart] =
        Layout::vertical([Constraint::Length(text_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), text);
    if chart.height >= 4 {
        draw_histogram(frame, chart, f, theme);
    }
}

fn statement_lines<'a>(f: &ThroughputForecast, width: usize, theme: &Theme) -> Vec<Line<'a>> {
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
    lines.extend(track_line(f, width, theme));
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

/// How this project's past statements fared, for the corrected method: what lets a team
/// trust the number (or see that it cannot yet).
fn track_line<'a>(f: &ThroughputForecast, width: usize, theme: &Theme) -> Option<Line<'a>> {
    if f.correcting {
        return Some(Line::from(Span::styled(
            shortest_fit(
                vec![
                    "correcting from the track record... (stated at nominal levels until then)"
                        .to_string(),
                    "correcting from the track record...".to_string(),
                ],
                width,
            ),
            theme.dim(),
        )));
    }
    let record = f.track_record.as_ref()?;
    let style = if record.is_short() {
        theme.warn()
    } else {
        theme.dim()
    };
    Some(Line::from(Span::styled(record.line(width), style)))
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
    // Every bucket gets a bar, empty ones too, so a bar's place says its value and the axis
    // under the bars can be evenly spaced.
    let counts = dense(&f.histogram, f.bucket);
    let Some(&(first, _)) = f.histogram.first() else {
        return;
    };
    let bars = counts.len() as u16;
    let width = ((inner.width.saturating_sub(bars)) / bars).clamp(1, 6);
    let [plot, axis] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let bars: Vec<Bar> = counts
        .iter()
        .map(|n| {
            Bar::default()
                .value(u64::from(*n))
                .text_value(String::new())
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(BAR_GAP)
        .bar_set(theme.glyphs().bar())
        .bar_style(theme.ok());
    frame.render_widget(chart, plot);
    let ticks = ticks(first, f.bucket, counts.len(), width + BAR_GAP, axis.width);
    frame.render_widget(
        Paragraph::new(axis_line(&ticks, axis.width)).style(theme.dim()),
        axis,
    );
}

const BAR_GAP: u16 = 1;

/// Trials per bucket from the first bucket to the last, an empty bucket counted as zero.
fn dense(histogram: &[(u32, u32)], bucket: u32) -> Vec<u32> {
    let (Some(&(first, _)), Some(&(last, _))) = (histogram.first(), histogram.last()) else {
        return Vec::new();
    };
    let bucket = bucket.max(1);
    let mut counts = vec![0; ((last - first) / bucket + 1) as usize];
    for &(value, n) in histogram {
        counts[((value - first) / bucket) as usize] += n;
    }
    counts
}

/// Axis labels for `bars` bars `slot` columns apart whose first is `first`: (column, value).
/// Every k-th bar is labelled, k the smallest of 1, 2, 5, 10, 20... that keeps labels a
/// space apart, so the labelled values step evenly and each sits under its own bar.
fn ticks(first: u32, bucket: u32, bars: usize, slot: u16, width: u16) -> Vec<(u16, String)> {
    let value = |i: usize| first + i as u32 * bucket.max(1);
    let widest = (0..bars)
        .map(|i| value(i).to_string().len())
        .max()
        .unwrap_or(0);
    let slot = usize::from(slot.max(1));
    let step = [1, 2, 5, 10, 20, 50]
        .into_iter()
        .find(|k| k * slot > widest)
        .unwrap_or(bars.max(1));
    (0..bars)
        .step_by(step)
        .map(|i| (i * slot, value(i).to_string()))
        .take_while(|(x, label)| x + label.len() <= usize::from(width))
        .map(|(x, label)| (x as u16, label))
        .collect()
}

fn axis_line(ticks: &[(u16, String)], width: u16) -> String {
    let mut line = String::with_capacity(usize::from(width));
    for (x, label) in ticks {
        while line.len() < usize::from(*x) {
            line.push(' ');
        }
        line.push_str(label);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_buckets_get_their_own_zero_bar() {
        let histogram = [(102, 5), (109, 3), (116, 2), (123, 1), (144, 1)];
        assert_eq!(dense(&histogram, 7), vec![5, 3, 2, 1, 0, 0, 1]);
        assert_eq!(dense(&[], 7), Vec::<u32>::new());
    }

    #[test]
    fn ticks_step_evenly_and_sit_under_their_bars() {
        // Bars 2 wide with a gap: 3 columns each; three-digit labels need every other bar.
        let t = ticks(102, 7, 7, 3, 28);
        assert_eq!(
            t,
            vec![
                (0, "102".to_string()),
                (6, "116".to_string()),
                (12, "130".to_string()),
                (18, "144".to_string())
            ]
        );
        let columns: Vec<u16> = t.iter().map(|(x, _)| *x).collect();
        let values: Vec<u32> = t.iter().map(|(_, v)| v.parse().expect("number")).collect();
        assert!(columns.windows(2).all(|w| w[1] - w[0] == 6));
        assert!(values.windows(2).all(|w| w[1] - w[0] == 14));
        // Wide bars label every bar; narrow ones skip more, and never overlap.
        assert_eq!(ticks(5, 1, 4, 7, 28).len(), 4);
        let narrow = ticks(1000, 50, 21, 2, 42);
        assert!(
            narrow
                .windows(2)
                .all(|w| w[0].0 + (w[0].1.len() as u16) < w[1].0)
        );
        assert_eq!(narrow.first(), Some(&(0, "1000".to_string())));
        assert_eq!(narrow.get(1), Some(&(10, "1250".to_string())));
    }

    #[test]
    fn a_label_that_would_run_off_the_edge_is_left_out() {
        assert_eq!(
            ticks(100, 10, 3, 2, 5),
            vec![(0, "100".to_string())],
            "the next label at column 4 would end past column 5"
        );
        assert_eq!(axis_line(&ticks(100, 10, 3, 3, 12), 12), "100   120");
    }
}
