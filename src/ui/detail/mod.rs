//! Detail views: a ticket's or a project's whole story, opened with Enter.
//!
//! Their content is built once, when the view opens (`ticket_lines`, `project_lines`): it
//! reads histories, notes and time entries across the portfolio, which is too much work to
//! repeat on every frame. Drawing is then a scrolled window onto those lines.

mod chart;
mod hours;
mod lines;
mod project;
mod ticket;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub use project::project_lines;
pub use ticket::ticket_lines;

use crate::ui::Theme;

/// Draws `lines` in a bordered block titled `title`, from line `scroll`; returns the scroll
/// clamped so the last page stays full.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[Line<'static>],
    scroll: usize,
    theme: &Theme,
) -> usize {
    let mut block = theme
        .block()
        .title(format!(" {} ", crate::text::sanitize_cow(title)));
    let height = block.inner(area).height as usize;
    let scroll = scroll.min(lines.len().saturating_sub(height));
    let end = (scroll + height).min(lines.len());
    if lines.len() > height {
        block = block.title_bottom(
            Line::from(format!(" {}-{} of {} ", scroll + 1, end, lines.len()))
                .alignment(Alignment::Right),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines[scroll..end].to_vec()), inner);
    scroll
}
