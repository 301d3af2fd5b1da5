//! What the ticket detail shows: every field, why the ticket is judged stalled, what the
//! advisor suggests about it, how long it sat in each status and with whom, its notes and
//! the time logged against it.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::lines::{
    WIDTH, field, field_wrapped, fit, indented, number, section, stamp, stamp_ago, width,
    wrap_at_most,
};
use crate::analysis::Analysis;
use crate::analysis::stalled::Severity;
use crate::analysis::timeline::{Stay, assignee_stays, has_changes, status_stays, totals};
use crate::domain::dates::format_days;
use crate::domain::{Field, Portfolio, StatusCategory, Subject, Suggestion, Ticket, Transition};
use crate::text::sanitize_cow;
use crate::ui::Theme;

/// The ticket detail of `p.tickets[ticket]`, built once when the view opens.
pub fn ticket_lines(
    p: &Portfolio,
    a: &Analysis,
    suggestions: &[Suggestion],
    ticket: usize,
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) -> Vec<Line<'static>> {
    let Some(t) = p.tickets.get(ticket) else {
        return vec![Line::styled(
            " This ticket is no longer loaded.",
            theme.dim(),
        )];
    };
    let history = history_of(p, t);
    let mut out = Vec::new();
    heading(&mut out, t, theme, unicode);
    fields(&mut out, p, t, &history, now, theme, unicode);
    stall(&mut out, a, t, theme, unicode);
    advice(&mut out, suggestions, t, theme, unicode);
    status_timeline(&mut out, t, &history, now, theme, unicode);
    assignees(&mut out, p, t, &history, now, theme, unicode);
    notes(&mut out, p, t, theme, unicode);
    time_logged(&mut out, p, t, theme, unicode);
    out
}

/// The ticket's changes, oldest first. One pass over the portfolio's transitions: this runs
/// once per opened view, and needs no index of every ticket's history.
fn history_of(p: &Portfolio, t: &Ticket) -> Vec<Transition> {
    let mut h: Vec<Transition> = p
        .transitions
        .iter()
        .filter(|x| x.ticket == t.id && *x.source == *t.source)
        .cloned()
        .collect();
    h.sort_by_key(|x| x.at);
    h
}

fn heading(out: &mut Vec<Line<'static>>, t: &Ticket, theme: &Theme, unicode: bool) {
    let key = fit(&t.key, 24, unicode);
    let indent = 1 + width(&key) + 2;
    for (i, part) in wrap_at_most(&t.title, WIDTH - indent, 3, unicode)
        .into_iter()
        .enumerate()
    {
        let lead = if i == 0 {
            Span::styled(format!(" {key}  "), theme.header())
        } else {
            Span::raw(" ".repeat(indent))
        };
        out.push(Line::from(vec![
            lead,
            Span::styled(part, Style::new().bold()),
        ]));
    }
    out.push(Line::default());
}

fn category_style(c: StatusCategory, theme: &Theme) -> Style {
    match c {
        StatusCategory::Done => theme.dim(),
        StatusCategory::InProgress => theme.ok(),
        StatusCategory::Todo => Style::new(),
    }
}

/// The member's display name beside the login, where the project knows it.
fn person(p: &Portfolio, t: &Ticket, login: &str) -> String {
    p.members
        .iter()
        .find(|m| m.source == t.source && m.login == login && m.display_name != login)
        .map(|m| format!("{} ({login})", m.display_name))
        .unwrap_or_else(|| login.to_string())
}

fn fields(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    t: &Ticket,
    history: &[Transition],
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) {
    let plain = Style::new();
    let dim = theme.dim();
    let project = p
        .projects
        .iter()
        .find(|x| x.source == t.source && x.key == t.project)
        .map(|x| format!("{} {}", t.project, x.name))
        .unwrap_or_else(|| t.project.to_string());
    out.push(field("Project", &project, plain, theme, unicode));
    out.push(field("Source", &t.source, plain, theme, unicode));
    let since = crate::analysis::flow::status_since(t, history);
    let sat = format_days(crate::analysis::flow::days(now - since).max(0.0));
    // The category only when the tracker's name does not already say it.
    let status = if t.status.eq_ignore_ascii_case(t.category.label()) {
        format!("{} for {sat}", t.status)
    } else {
        format!("{} ({}) for {sat}", t.status, t.category.label())
    };
    out.push(field(
        "Status",
        &status,
        category_style(t.category, theme),
        theme,
        unicode,
    ));
    let assignee = t
        .assignee
        .as_deref()
        .map(|a| person(p, t, a))
        .unwrap_or_else(|| "unassigned".into());
    out.push(field("Assignee", &assignee, plain, theme, unicode));
    out.push(field("Priority", t.priority.label(), plain, theme, unicode));
    let estimate = t.estimate.map(number).unwrap_or_else(|| "none".into());
    out.push(field("Estimate", &estimate, plain, theme, unicode));
    if t.labels.is_empty() {
        out.push(field("Labels", "none", dim, theme, unicode));
    } else {
        let labels: Vec<&str> = t.labels.iter().map(|l| l.as_str()).collect();
        field_wrapped(out, "Labels", &labels.join(", "), theme, unicode);
    }
    out.push(field(
        "Created",
        &stamp_ago(t.created, now),
        plain,
        theme,
        unicode,
    ));
    out.push(field(
        "Updated",
        &stamp_ago(t.updated, now),
        plain,
        theme,
        unicode,
    ));
    let (started, style) = match t.started {
        Some(s) => (stamp_ago(s, now), plain),
        None => ("not started".into(), dim),
    };
    out.push(field("Started", &started, style, theme, unicode));
    let (resolved, style) = match t.resolved {
        Some(r) => (stamp_ago(r, now), plain),
        None => ("open".into(), dim),
    };
    out.push(field("Resolved", &resolved, style, theme, unicode));
    let (resolution, style) = match &t.resolution {
        Some(r) => (r.to_string(), plain),
        None => ("none".into(), dim),
    };
    out.push(field("Resolution", &resolution, style, theme, unicode));
    let (url, style) = match &t.url {
        Some(u) => (u.clone(), plain),
        None => ("none".into(), dim),
    };
    out.push(field("URL", &url, style, theme, unicode));
}

fn stall(out: &mut Vec<Line<'static>>, a: &Analysis, t: &Ticket, theme: &Theme, unicode: bool) {
    let found = a
        .stalled
        .iter()
        .find(|s| s.id == t.id && s.source == t.source);
    let Some(s) = found else {
        let why = match t.category {
            StatusCategory::InProgress => {
                format!("Moving within {}'s usual flow: not stalled.", t.project)
            }
            _ => "Only work in progress is judged for stalls.".to_string(),
        };
        section(out, "Stalled".into(), theme);
        indented(out, 2, &why, theme.dim(), unicode);
        return;
    };
    let (word, style) = match s.severity {
        Severity::Flag => ("flagged", theme.flag()),
        Severity::Warn => ("warning", theme.warn()),
    };
    section(
        out,
        format!("Stalled ({word}), against {}'s own history", t.project),
        theme,
    );
    for reason in reasons(&s.reason) {
        let lines = wrap_at_most(&reason, WIDTH - 4, 3, unicode);
        for (i, part) in lines.into_iter().enumerate() {
            let lead = if i == 0 { "  ! " } else { "    " };
            out.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(part, style),
            ]));
        }
    }
}

/// The stall reason one signal per line. Signals are joined by "; ", and a percentile
/// signal carries its yardstick after one too ("In Review 9d; P85 of In Review here: 3d"):
/// that part stays with its signal.
fn reasons(reason: &str) -> Vec<String> {
    let yardstick = |part: &str| {
        part.strip_prefix('P').is_some_and(|rest| {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(" of ")
        })
    };
    let mut out: Vec<String> = Vec::new();
    for part in reason.split("; ") {
        match out.last_mut() {
            Some(last) if yardstick(part) => {
                last.push_str("; ");
                last.push_str(part);
            }
            _ => out.push(part.to_string()),
        }
    }
    out
}

fn about(s: &Suggestion, t: &Ticket) -> bool {
    matches!(&s.subject, Subject::Ticket { source, id, .. } if *id == t.id && source == t.source.as_str())
}

fn advice(
    out: &mut Vec<Line<'static>>,
    suggestions: &[Suggestion],
    t: &Ticket,
    theme: &Theme,
    unicode: bool,
) {
    let mine: Vec<&Suggestion> = suggestions.iter().filter(|s| about(s, t)).collect();
    section(out, format!("Suggestions ({})", mine.len()), theme);
    if mine.is_empty() {
        indented(out, 2, "None about this ticket.", theme.dim(), unicode);
        return;
    }
    for s in mine {
        let head = format!(
            "{}, {} confidence, {}",
            s.kind.label(),
            s.band.label(),
            s.state.label()
        );
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(fit(&head, WIDTH - 2, unicode), theme.header()),
        ]));
        // Suggestions may be reworded by a model: they are not portfolio text, so they are
        // cleaned here on their way to the screen.
        let rationale = sanitize_cow(&s.rationale);
        indented(out, 4, &rationale, Style::new(), unicode);
        // The rules write their evidence into the rationale; a model's rewording may not.
        for e in &s.evidence {
            let sentence = e.sentence();
            if !rationale.contains(&sentence) {
                indented(
                    out,
                    4,
                    &format!("- {}", sanitize_cow(&sentence)),
                    theme.dim(),
                    unicode,
                );
            }
        }
    }
}

/// Cells before a stay's value: margin, date and time, gap.
const STAY_LEAD: usize = 2 + 16 + 2;
/// Cells for a stay's value.
const STAY_NAME: usize = 22;

/// One stay as a row: when it began, the value, how long, and a bar of that length against
/// the longest stay.
fn stay_rows(
    out: &mut Vec<Line<'static>>,
    stays: &[Stay],
    empty: &str,
    theme: &Theme,
    unicode: bool,
) {
    const NAME: usize = STAY_NAME;
    const BAR: usize = WIDTH - STAY_LEAD - NAME - 1 - 5 - 2 - 4;
    let longest = stays.iter().map(|s| s.days).fold(0.0_f64, f64::max);
    for s in stays {
        let name = fit(s.value.as_deref().unwrap_or(empty), NAME, unicode);
        let pad = NAME.saturating_sub(width(&name));
        let bar_cells = if longest > 0.0 {
            ((s.days / longest * BAR as f64).round() as usize).max(usize::from(s.days > 0.0))
        } else {
            0
        };
        let fill = if unicode { "█" } else { "#" };
        let style = if s.is_current() {
            theme.ok()
        } else {
            Style::new()
        };
        let mut spans = vec![
            Span::styled(format!("  {}  ", stamp(s.from)), theme.dim()),
            Span::styled(format!("{name}{} ", " ".repeat(pad)), style),
            Span::raw(format!("{:>5}  ", format_days(s.days))),
            Span::styled(fill.repeat(bar_cells), theme.warn()),
        ];
        if s.is_current() {
            spans.push(Span::styled(" now", theme.ok()));
        }
        out.push(Line::from(spans));
    }
}

fn status_timeline(
    out: &mut Vec<Line<'static>>,
    t: &Ticket,
    history: &[Transition],
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) {
    let stays = status_stays(t, history, now);
    section(
        out,
        "Status timeline (since, status, time there)".into(),
        theme,
    );
    if !has_changes(history, Field::Status) {
        indented(
            out,
            2,
            "No status changes recorded: in this status since it was created.",
            theme.dim(),
            unicode,
        );
    }
    stay_rows(out, &stays, "(none)", theme, unicode);
    let total = totals(&stays);
    if total.iter().any(|x| x.visits > 1) || total.len() > 1 {
        out.push(Line::styled("  Total per status", theme.dim()));
        for x in total {
            let visits = if x.visits > 1 {
                format!(" ({} visits)", x.visits)
            } else {
                String::new()
            };
            // Aligned under the rows above: the date column left blank.
            let name = fit(&x.status, STAY_NAME, unicode);
            let pad = STAY_NAME.saturating_sub(width(&name));
            out.push(Line::raw(format!(
                "{}{name}{} {:>5}{visits}",
                " ".repeat(STAY_LEAD),
                " ".repeat(pad),
                format_days(x.days)
            )));
        }
    }
}

fn assignees(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    t: &Ticket,
    history: &[Transition],
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) {
    section(out, "Assignees (since, who, time held)".into(), theme);
    if !has_changes(history, Field::Assignee) {
        let who = t
            .assignee
            .as_deref()
            .map(|a| person(p, t, a))
            .unwrap_or_else(|| "unassigned".into());
        indented(
            out,
            2,
            &format!("{who}; no assignment changes recorded."),
            theme.dim(),
            unicode,
        );
        return;
    }
    let stays: Vec<Stay> = assignee_stays(t, history, now)
        .into_iter()
        .map(|s| Stay {
            value: s.value.map(|login| person(p, t, &login)),
            ..s
        })
        .collect();
    stay_rows(out, &stays, "unassigned", theme, unicode);
}

fn notes(out: &mut Vec<Line<'static>>, p: &Portfolio, t: &Ticket, theme: &Theme, unicode: bool) {
    let mut mine: Vec<_> = p
        .notes
        .iter()
        .filter(|n| n.ticket == t.id && n.source == t.source)
        .collect();
    mine.sort_by_key(|n| (n.at, n.id));
    section(out, format!("Notes ({})", mine.len()), theme);
    if mine.is_empty() {
        indented(out, 2, "No notes.", theme.dim(), unicode);
    }
    for n in mine {
        out.push(Line::from(vec![
            Span::styled(format!("  {}  ", stamp(n.at)), theme.dim()),
            Span::styled(fit(&n.author, WIDTH - 20, unicode), theme.header()),
        ]));
        indented(out, 4, &n.body, Style::new(), unicode);
    }
}

fn time_logged(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    t: &Ticket,
    theme: &Theme,
    unicode: bool,
) {
    let mut mine: Vec<_> = p
        .time_entries
        .iter()
        .filter(|e| e.ticket == t.id && e.source == t.source)
        .collect();
    mine.sort_by_key(|e| (e.at, e.id));
    let total: f64 = mine.iter().map(|e| e.hours).sum();
    let count = mine.len();
    section(
        out,
        format!(
            "Time logged: {} h total in {count} {}",
            number(total),
            if count == 1 { "entry" } else { "entries" }
        ),
        theme,
    );
    if mine.is_empty() {
        indented(out, 2, "No time logged.", theme.dim(), unicode);
    }
    const WHO: usize = 16;
    for e in mine {
        let who = fit(&e.member, WHO, unicode);
        let pad = WHO.saturating_sub(width(&who));
        let lead = format!(
            "  {}  {who}{}  {:>5} h  ",
            e.at.format("%Y-%m-%d"),
            " ".repeat(pad),
            number(e.hours)
        );
        let room = WIDTH.saturating_sub(width(&lead));
        out.push(Line::from(vec![
            Span::raw(lead),
            Span::styled(fit(&e.comment, room, unicode), theme.dim()),
        ]));
    }
}

#[cfg(test)]
mod tests {
    use super::reasons;

    #[test]
    fn each_stall_signal_keeps_its_yardstick_on_its_line() {
        assert_eq!(
            reasons(
                "In Review 9d; P85 of In Review here: 3d; reopened 3 times; Pending 2d; P70 of Pending portfolio-wide: 1d"
            ),
            vec![
                "In Review 9d; P85 of In Review here: 3d",
                "reopened 3 times",
                "Pending 2d; P70 of Pending portfolio-wide: 1d",
            ]
        );
        assert_eq!(
            reasons("blocked (On Hold) for 4d"),
            vec!["blocked (On Hold) for 4d"]
        );
    }
}
