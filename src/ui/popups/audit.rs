//! The audit log: every decision and every tracker write with its result, newest first,
//! scrolled with the list keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::centered;
use crate::app::{AuditEntry, State};
use crate::domain::{Decision, Verdict};
use crate::keys::Action;
use crate::ui::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize, theme: &Theme) {
    let audit = &state.advice.audit;
    let popup = centered(
        frame,
        area,
        area.width.saturating_sub(4).max(20),
        area.height,
    );
    let title = format!(
        " Audit log: {} entries, newest first ({} close) ",
        audit.len(),
        state.keymap.hint(Action::Back)
    );
    let block = theme.block().title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if audit.is_empty() {
        frame.render_widget(Paragraph::new("No decisions yet").style(theme.dim()), inner);
        return;
    }
    // Only the rows that fit are formatted.
    let lines: Vec<Line> = audit
        .iter()
        .skip(scroll)
        .take(inner.height as usize)
        .map(|e| line(e, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn line<'a>(entry: &'a AuditEntry, theme: &Theme) -> Line<'a> {
    let at = entry
        .at()
        .with_timezone(&chrono::Local)
        .format("%m-%d %H:%M")
        .to_string();
    let mut spans = vec![Span::styled(format!("{at} "), theme.dim())];
    match entry {
        AuditEntry::Decision(d) => spans.extend(decision(d, theme)),
        AuditEntry::Write {
            source,
            action,
            result,
            ..
        } => {
            spans.push(Span::styled("write  ", theme.header()));
            spans.push(Span::raw(format!("{action} in {source}: ")));
            spans.push(match result {
                Ok(()) => Span::styled("written", theme.ok()),
                Err(why) => Span::styled(format!("nothing written: {}", &**why), theme.flag()),
            });
        }
    }
    Line::from(spans)
}

fn decision<'a>(d: &'a Decision, theme: &Theme) -> Vec<Span<'a>> {
    let verb = match d.verdict {
        Verdict::Accept => "accept ",
        Verdict::Reject => "reject ",
        Verdict::Undo => "undo   ",
    };
    let mut spans = vec![
        Span::styled(verb, theme.header()),
        Span::raw(format!("{} {}", d.kind.label(), d.subject)),
    ];
    if let Some(r) = d.reason {
        spans.push(Span::raw(format!(": {}", r.label())));
    }
    if let Some(n) = &d.note {
        spans.push(Span::raw(format!(" ({n})")));
    }
    if let Some((action, before)) = &d.write {
        spans.push(Span::styled(
            format!(
                "  [{action}; before: {}, {}]",
                before.status,
                before.assignee.as_deref().unwrap_or("nobody")
            ),
            theme.dim(),
        ));
    }
    spans
}
