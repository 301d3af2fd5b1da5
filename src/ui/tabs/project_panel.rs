//! Under the Projects table: the selected project's health components with their reasons,
//! its delivery and WIP trends as sparklines, and where its open work sits.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::analysis::ProjectSummary;
use crate::ui::Theme;

/// Lines the panel wants inside its border.
pub const HEIGHT: u16 = 8;

/// A sparkline as text in the glyphs' eight heights, so it falls back to ASCII on terminals
/// without UTF-8.
pub fn sparkline(values: &[u32], width: usize, levels: [char; 8]) -> String {
    let values = &values[values.len().saturating_sub(width)..];
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    values
        .iter()
        .map(|&v| {
            if v == 0 {
                ' '
            } else {
                levels[((v as f64 / max) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// `counts` as a bar of `width` cells, one style per part, with a legend.
fn distribution<'a>(
    label: &str,
    counts: &[(String, usize)],
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let mut spans = vec![Span::styled(format!("{label:<9}"), theme.header())];
    if total == 0 {
        spans.push(Span::styled("nothing open", theme.dim()));
        return Line::from(spans);
    }
    let styles = theme.series();
    let bar_width = (width / 3).max(8);
    for (i, (_, n)) in counts.iter().enumerate() {
        let cells = ((*n as f64 / total as f64) * bar_width as f64).round() as usize;
        let (style, fill) = styles[i % styles.len()];
        spans.push(Span::styled(fill.to_string().repeat(cells), style));
    }
    spans.push(Span::raw(" "));
    for (i, (name, n)) in counts.iter().enumerate() {
        let (style, fill) = styles[i % styles.len()];
        spans.push(Span::styled(fill.to_string(), style));
        spans.push(Span::raw(format!("{name} {n}  ")));
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, p: &ProjectSummary, theme: &Theme) {
    let levels = theme.glyphs().levels;
    let target = p
        .target
        .map(|t| format!(", target {t}"))
        .unwrap_or_default();
    let block = theme.block().title(format!(
        " {} health (risk {:.2}{target}) ",
        p.key, p.health.composite
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    for (name, component) in p.health.components() {
        let (text, style) = match component {
            Some(c) => {
                let r = c.risk.unwrap_or(0.0);
                let style = if r >= 0.66 {
                    theme.flag()
                } else if r >= 0.33 {
                    theme.warn()
                } else {
                    theme.ok()
                };
                (c.reason.clone(), style)
            }
            None if name == "Delivery" => ("no target date".to_string(), theme.dim()),
            None => ("not enough data to judge".to_string(), theme.dim()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{name:<9}"), theme.header()),
            Span::styled(text, style),
        ]));
    }
    let half = width.saturating_sub(30) / 2;
    lines.push(Line::from(vec![
        Span::styled("Done/wk  ", theme.header()),
        Span::styled(
            sparkline(&p.weekly_delivered, half.min(26), levels),
            theme.ok(),
        ),
        Span::styled(format!("  WIP {}d ", p.wip_trend.len()), theme.header()),
        Span::styled(sparkline(&p.wip_trend, half.min(90), levels), theme.warn()),
    ]));
    lines.push(distribution("Status", &p.statuses, width, theme));
    let priorities: Vec<(String, usize)> = p
        .priorities
        .iter()
        .map(|(pr, n)| (pr.label().to_string(), *n))
        .collect();
    lines.push(distribution("Priority", &priorities, width, theme));
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::sparkline;
    use crate::ui::glyphs::Glyphs;

    #[test]
    fn sparklines_scale_to_the_maximum_and_keep_the_latest() {
        let (ascii, unicode) = (Glyphs::ASCII.levels, Glyphs::UNICODE.levels);
        assert_eq!(sparkline(&[0, 1, 2, 4], 10, ascii), " -=#");
        assert_eq!(sparkline(&[0, 1, 2, 4], 10, unicode), " ▃▅█");
        assert_eq!(sparkline(&[1, 2, 3, 4, 5], 2, unicode).chars().count(), 2);
        assert_eq!(sparkline(&[], 5, unicode), "");
        assert_eq!(sparkline(&[0, 0], 5, unicode), "  ");
    }
}
