//! The ticket and project detail views, built from the demo portfolio, its analysis and the
//! rule advisor's suggestions, drawn with ratatui's TestBackend at 80x24 and 160x50 and read
//! back page by page.

use chrono::{DateTime, TimeZone, Utc};
use lookout::advisor::rules::suggest;
use lookout::analysis::flow::{days, status_since};
use lookout::analysis::{Analysis, StallPolicy, analyse};
use lookout::domain::dates::format_days;
use lookout::domain::{Portfolio, Subject, Suggestion};
use lookout::sources::demo::generate;
use lookout::ui::Theme;
use lookout::ui::detail::{draw, project_lines, ticket_lines};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::text::Line;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 50)];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

struct Demo {
    p: Portfolio,
    a: Analysis,
    suggestions: Vec<Suggestion>,
}

fn demo() -> Demo {
    let p: Portfolio = generate("demo", 42, now()).into_change_set().into();
    let a = analyse(&p, &[], now(), &StallPolicy::default());
    let suggestions = suggest(&p, &a, &p.members, now());
    Demo { p, a, suggestions }
}

impl Demo {
    /// A stalled ticket the advisor has something to say about, with notes, logged time and
    /// a status history: one that exercises every section.
    fn rich_ticket(&self) -> usize {
        let has_notes = |id: u64, src: &str| {
            self.p
                .notes
                .iter()
                .any(|n| n.ticket == id && n.source == src)
        };
        let has_time = |id: u64, src: &str| {
            self.p
                .time_entries
                .iter()
                .any(|e| e.ticket == id && e.source == src)
        };
        let advised = |id: u64, src: &str| {
            self.suggestions.iter().any(|s| {
                matches!(&s.subject, Subject::Ticket { source, id: i, .. } if *i == id && source == src)
            })
        };
        self.p
            .tickets
            .iter()
            .position(|t| {
                self.a
                    .stalled
                    .iter()
                    .any(|s| s.id == t.id && s.source == t.source)
                    && advised(t.id, &t.source)
                    && has_notes(t.id, &t.source)
                    && has_time(t.id, &t.source)
            })
            .expect("the demo has a stalled, advised ticket with notes and time")
    }
}

/// Every page of `lines` drawn at `w`x`h`, with the scroll each draw settled on.
fn pages(title: &str, lines: &[Line<'static>], w: u16, h: u16) -> Vec<(usize, String)> {
    let theme = Theme::new(true);
    let mut out = Vec::new();
    let mut scroll = 0;
    loop {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        let mut settled = 0;
        terminal
            .draw(|f| settled = draw(f, f.area(), title, lines, scroll, &theme))
            .expect("draw");
        let buf = terminal.backend().buffer().clone();
        let mut text = String::new();
        for y in 0..h {
            for x in 0..w {
                text.push_str(buf[(x, y)].symbol());
            }
            text.push('\n');
        }
        out.push((settled, text));
        if settled < scroll || scroll + usize::from(h) >= lines.len() + 2 {
            break;
        }
        scroll += usize::from(h) - 2;
    }
    out
}

fn all_text(pages: &[(usize, String)]) -> String {
    pages.iter().map(|(_, t)| t.as_str()).collect()
}

fn plain(lines: &[Line<'static>]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

#[test]
fn the_ticket_detail_shows_every_section_at_both_sizes() {
    let d = demo();
    let i = d.rich_ticket();
    let t = &d.p.tickets[i];
    let lines = ticket_lines(
        &d.p,
        &d.a,
        &d.suggestions,
        i,
        now(),
        &Theme::new(true),
        true,
    );
    let text = plain(&lines);
    assert!(
        lines.iter().all(|l| l.width() <= 78),
        "every line fits inside an 80-column frame:\n{}",
        text.join("\n")
    );
    let stalled =
        d.a.stalled
            .iter()
            .find(|s| s.id == t.id && s.source == t.source)
            .expect("stalled");
    let first_reason = stalled.reason.split("; ").next().expect("a reason");
    let note =
        d.p.notes
            .iter()
            .find(|n| n.ticket == t.id && n.source == t.source)
            .expect("a note");
    let note_start: String = note
        .body
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let hours: f64 =
        d.p.time_entries
            .iter()
            .filter(|e| e.ticket == t.id && e.source == t.source)
            .map(|e| e.hours)
            .sum();
    let suggestion = d
        .suggestions
        .iter()
        .find(|s| matches!(&s.subject, Subject::Ticket { id, source, .. } if *id == t.id && source == t.source.as_str()))
        .expect("a suggestion");
    for (w, h) in SIZES {
        let pages = pages(&t.key, &lines, w, h);
        let s = all_text(&pages);
        for want in [
            t.key.as_str(),
            "Status timeline",
            "Assignees",
            "Notes (",
            "Time logged:",
            "Stalled (",
            "Suggestions (",
            "Created",
            "Resolution",
            first_reason,
            note_start.as_str(),
            suggestion.kind.label(),
        ] {
            assert!(s.contains(want), "{w}x{h}: {want:?} missing:\n{s}");
        }
        let total = format!("{} h total", fmt_hours(hours));
        assert!(s.contains(&total), "{w}x{h}: {total:?} missing:\n{s}");
        // The timeline closes on the current status with how long it has been there.
        let history: Vec<_> =
            d.p.transitions
                .iter()
                .filter(|x| x.ticket == t.id && *x.source == *t.source)
                .cloned()
                .collect();
        let since = status_since(t, &history);
        let sat = format_days(days(now() - since));
        let current = text
            .iter()
            .find(|l| l.ends_with(" now") && l.contains(t.status.as_str()))
            .expect("the current status closes the timeline");
        assert!(
            current.contains(&format!(" {sat}  ")),
            "{current:?} says {sat}"
        );
        // Scrolling past the end settles on a full last page.
        let beyond = pages_from(&t.key, &lines, w, h, lines.len() + 50);
        assert_eq!(
            beyond,
            lines.len().saturating_sub(usize::from(h) - 2),
            "{w}x{h}"
        );
    }
}

fn fmt_hours(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn pages_from(title: &str, lines: &[Line<'static>], w: u16, h: u16, scroll: usize) -> usize {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut settled = 0;
    terminal
        .draw(|f| settled = draw(f, f.area(), title, lines, scroll, &Theme::new(false)))
        .expect("draw");
    settled
}

#[test]
fn the_project_detail_shows_health_forecast_charts_and_load_at_both_sizes() {
    let d = demo();
    let s =
        d.a.projects
            .iter()
            .max_by_key(|s| s.stalled)
            .expect("a project");
    let lines = project_lines(
        &d.p,
        &d.a,
        &s.source,
        &s.key,
        now(),
        &Theme::new(true),
        true,
    );
    let text = plain(&lines);
    assert!(
        lines.iter().all(|l| l.width() <= 78),
        "every line fits inside an 80-column frame:\n{}",
        text.join("\n")
    );
    let assignee =
        d.p.tickets
            .iter()
            .filter(|t| t.is_open() && t.source == s.source.as_str() && t.project == s.key.as_str())
            .find_map(|t| t.assignee.clone())
            .expect("someone holds open work");
    for (w, h) in SIZES {
        let all = all_text(&pages(&s.key, &lines, w, h));
        for want in [
            s.name.as_str(),
            "Health",
            "Delivery",
            "Aging",
            "Forecast",
            "Delivered per week",
            "Work in progress, last 90 days",
            "Open work by status",
            "Open work by priority",
            "Members' load",
            "Stalled here",
            assignee.as_str(),
        ] {
            assert!(all.contains(want), "{w}x{h}: {want:?} missing:\n{all}");
        }
        for (_, c) in s.health.components() {
            if let Some(c) = c {
                let start: String = c.reason.chars().take(20).collect();
                assert!(all.contains(&start), "{w}x{h}: {start:?} missing:\n{all}");
            }
        }
        assert!(
            all.chars().any(|c| ('▁'..='█').contains(&c)),
            "block characters draw the charts:\n{all}"
        );
    }
}

#[test]
fn ascii_mode_draws_charts_and_bars_without_other_glyphs() {
    let d = demo();
    let i = d.rich_ticket();
    let t = &d.p.tickets[i];
    let theme = Theme::new(false);
    for s in &d.a.projects {
        let lines = project_lines(&d.p, &d.a, &s.source, &s.key, now(), &theme, false);
        let text = plain(&lines);
        let charts: Vec<&String> = text
            .iter()
            .filter(|l| l.contains('|') || l.contains('#'))
            .collect();
        assert!(!charts.is_empty(), "{}: charts drawn", s.key);
        for l in text.iter() {
            // Names come from the tracker and may be any script; the charts, bars and
            // ellipses lookout draws itself must be ASCII.
            let own: String = l.chars().filter(|c| !c.is_alphanumeric()).collect();
            assert!(own.is_ascii(), "{}: non-ASCII glyph in {l:?}", s.key);
        }
    }
    let lines = ticket_lines(&d.p, &d.a, &d.suggestions, i, now(), &theme, false);
    for l in plain(&lines) {
        let own: String = l.chars().filter(|c| !c.is_alphanumeric()).collect();
        assert!(own.is_ascii(), "{}: non-ASCII glyph in {l:?}", t.key);
    }
    for (w, h) in SIZES {
        let all = all_text(&pages(&t.key, &lines, w, h));
        assert!(all.contains("Status timeline"), "{w}x{h}:\n{all}");
    }
}

#[test]
fn a_ticket_or_project_that_is_gone_says_so() {
    let d = demo();
    let theme = Theme::new(true);
    let lines = ticket_lines(&d.p, &d.a, &[], usize::MAX, now(), &theme, true);
    assert_eq!(plain(&lines), vec![" This ticket is no longer loaded."]);
    let lines = project_lines(&d.p, &d.a, "demo", "NOPE", now(), &theme, true);
    assert_eq!(plain(&lines), vec![" This project is no longer loaded."]);
}

#[test]
fn suggestion_text_from_outside_the_portfolio_is_cleaned_on_the_way_to_the_screen() {
    let d = demo();
    let i = d.rich_ticket();
    let t = &d.p.tickets[i];
    let mut s = d
        .suggestions
        .iter()
        .find(|s| matches!(&s.subject, Subject::Ticket { id, .. } if *id == t.id))
        .expect("a suggestion")
        .clone();
    s.rationale = "take it \x1b]52;c;aGk=\x07over\u{202e}now".into();
    let lines = ticket_lines(&d.p, &d.a, &[s], i, now(), &Theme::new(true), true);
    let all = plain(&lines).join("\n");
    assert!(
        !all.chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{all:?}"
    );
    assert!(all.contains("take it"), "{all}");
}
