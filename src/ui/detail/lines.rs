//! Building blocks of the detail views: labelled fields, section titles, wrapped and cut text,
//! and dates read against `now`.
//!
//! The views are built once when they open, before the width they will be drawn at is
//! known, so everything is laid out for the narrowest screen lookout supports: no line is wider
//! than [`WIDTH`], the inside of an 80-column frame. Wider screens show the same lines with
//! room to spare, which keeps text at a readable measure anyway.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::domain::dates::format_days;
use crate::ui::Theme;

/// The widest a line may be: 80 columns less the frame's two borders.
pub const WIDTH: usize = 78;
/// The label column of a field, margin included.
pub const LABEL: usize = 12;
/// Lines a note's body or a long value may take before it is cut.
pub const MAX_WRAPPED: usize = 8;

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

pub fn ellipsis(unicode: bool) -> &'static str {
    if unicode { "…" } else { "..." }
}

/// `s` cut to `max` cells, ending in an ellipsis when anything was cut.
pub fn fit(s: &str, max: usize, unicode: bool) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    with_ellipsis(s, max, unicode)
}

/// `s` with an ellipsis after it, cut so both fit in `max` cells.
fn with_ellipsis(s: &str, max: usize, unicode: bool) -> String {
    let tail = ellipsis(unicode);
    let room = max.saturating_sub(width(tail));
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push_str(tail);
    out
}

/// `s` broken into lines of at most `max` cells, between words where it can be; a word
/// longer than a line is broken inside. Line breaks in `s` are kept.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = width(word);
            if used > 0 && used + 1 + w <= max {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= max {
                line.push_str(word);
                used = w;
                continue;
            }
            for c in word.chars() {
                let cw = char_width(c);
                if used + cw > max {
                    out.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        out.push(line);
    }
    // Blank paragraphs at the end of a comment say nothing.
    while out.len() > 1 && out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// `wrap`, keeping at most `lines` lines and marking the last when text was left out.
pub fn wrap_at_most(s: &str, max: usize, lines: usize, unicode: bool) -> Vec<String> {
    let mut out = wrap(s, max);
    if out.len() > lines {
        out.truncate(lines.max(1));
        if let Some(last) = out.last_mut() {
            *last = with_ellipsis(last, max, unicode);
        }
    }
    out
}

/// A section title, after a blank line.
pub fn section(out: &mut Vec<Line<'static>>, title: String, theme: &Theme) {
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        format!(" {title}"),
        theme.header(),
    )));
}

/// A labelled value on one line, cut to fit.
pub fn field(
    label: &str,
    value: &str,
    style: Style,
    theme: &Theme,
    unicode: bool,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {label:<w$}", w = LABEL - 1), theme.dim()),
        Span::styled(fit(value, WIDTH - LABEL, unicode), style),
    ])
}

/// A labelled value wrapped under itself, at most `MAX_WRAPPED` lines.
pub fn field_wrapped(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    theme: &Theme,
    unicode: bool,
) {
    for (i, part) in wrap_at_most(value, WIDTH - LABEL, MAX_WRAPPED, unicode)
        .into_iter()
        .enumerate()
    {
        let label = if i == 0 { label } else { "" };
        out.push(Line::from(vec![
            Span::styled(format!(" {label:<w$}", w = LABEL - 1), theme.dim()),
            Span::raw(part),
        ]));
    }
}

/// Text indented by `indent` cells and wrapped to the view, at most `MAX_WRAPPED` lines.
pub fn indented(
    out: &mut Vec<Line<'static>>,
    indent: usize,
    text: &str,
    style: Style,
    unicode: bool,
) {
    for part in wrap_at_most(text, WIDTH - indent, MAX_WRAPPED, unicode) {
        out.push(Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(part, style),
        ]));
    }
}

/// A moment as a date and time (UTC, as the tracker stores it).
pub fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// A moment with how long ago it was: "2026-11-02 09:14 (16d ago)".
pub fn stamp_ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let ago = crate::analysis::flow::days(now - at);
    if ago < 0.0 {
        stamp(at)
    } else {
        format!("{} ({} ago)", stamp(at), format_days(ago))
    }
}

/// A count of hours or points without needless decimals: "3", "2.5".
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("short", 10, true), "short");
        assert_eq!(fit("a long title", 8, true), "a long …");
        assert_eq!(fit("a long title", 8, false), "a lon...");
        assert_eq!(width(&fit("日本語のタイトル", 7, true)), 7);
    }

    #[test]
    fn wrap_breaks_between_words_and_inside_overlong_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("first\n\nthird\n\n", 20), vec!["first", "", "third"]);
        assert_eq!(wrap("", 5), vec![""]);
        let cut = wrap_at_most("a b c d e f", 3, 2, false);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with("..."), "{cut:?}");
        assert!(cut.iter().all(|l| width(l) <= 3), "{cut:?}");
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(
            (number(3.0), number(2.5), number(0.04)),
            ("3".into(), "2.5".into(), "0".into())
        );
    }
}
