//! The project detail's hours logged per member over the last 30 days, drawn from the demo
//! portfolio at 80x24 and 160x50: old time and other projects' time stay out.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lookout::analysis::{StallPolicy, analyse};
use lookout::domain::{Portfolio, TimeEntry};
use lookout::sources::demo::generate;
use lookout::ui::Theme;
use lookout::ui::detail::{draw, project_lines};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

fn hours(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn entry(p: &Portfolio, ticket: u64, member: &str, at: DateTime<Utc>, h: f64) -> TimeEntry {
    TimeEntry {
        source: p.tickets[0].source.to_string(),
        ticket,
        id: 9_000_000 + p.time_entries.len() as u64,
        at,
        member: member.into(),
        hours: h,
        comment: String::new(),
    }
}

#[test]
fn the_project_detail_sums_the_last_30_days_of_time_per_member() {
    let mut p: Portfolio = generate("demo", 42, now()).into_change_set().into();
    let project = p.tickets[0].project.to_string();
    let source = p.tickets[0].source.to_string();
    let mine = p.tickets[0].id;
    let other = p
        .tickets
        .iter()
        .find(|t| t.project != project.as_str())
        .expect("a second project")
        .id;
    // A member seen only here, with time inside the window on two tickets of the project,
    // and time that must not count: too old, or on another project.
    let e = entry(&p, mine, "Quinn Hourly", now() - Duration::days(2), 3.25);
    p.time_entries.push(e);
    let e = entry(&p, mine, "Quinn Hourly", now() - Duration::days(29), 1.0);
    p.time_entries.push(e);
    let e = entry(&p, mine, "Olde Timer", now() - Duration::days(31), 8.0);
    p.time_entries.push(e);
    let e = entry(
        &p,
        other,
        "Elsewhere Person",
        now() - Duration::days(1),
        5.0,
    );
    p.time_entries.push(e);

    let ids: std::collections::HashSet<u64> = p
        .tickets
        .iter()
        .filter(|t| t.source == source.as_str() && t.project == project.as_str())
        .map(|t| t.id)
        .collect();
    let total: f64 = p
        .time_entries
        .iter()
        .filter(|e| {
            e.source == source
                && ids.contains(&e.ticket)
                && e.at > now() - Duration::days(30)
                && e.at <= now()
        })
        .map(|e| e.hours)
        .sum();

    let a = analyse(&p, &[], now(), &StallPolicy::default());
    let lines = project_lines(&p, &a, &source, &project, now(), &Theme::new(true), true);
    assert!(lines.iter().all(|l| l.width() <= 78));
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let heading = format!("Hours logged, last 30 days ({} h)", hours(total));
    assert!(
        text.iter().any(|l| l.contains(&heading)),
        "{heading:?} missing:\n{}",
        text.join("\n")
    );
    let quinn = text
        .iter()
        .find(|l| l.contains("Quinn Hourly"))
        .expect("the member with recent time");
    assert!(
        quinn.contains("4.2 h") || quinn.contains("4.3 h"),
        "{quinn}"
    );
    for absent in ["Olde Timer", "Elsewhere Person"] {
        assert!(
            !text.iter().any(|l| l.contains(absent)),
            "{absent} counted:\n{}",
            text.join("\n")
        );
    }

    for (w, h) in [(80u16, 24u16), (160, 50)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut seen = String::new();
        let mut scroll = 0;
        while scroll < lines.len() {
            term.draw(|f| {
                draw(f, f.area(), &project, &lines, scroll, &Theme::new(true));
            })
            .expect("draws");
            let buf = term.backend().buffer().clone();
            for y in 0..h {
                for x in 0..w {
                    seen.push_str(buf[(x, y)].symbol());
                }
                seen.push('\n');
            }
            scroll += usize::from(h) - 2;
        }
        assert!(
            seen.contains("Hours logged, last 30 days"),
            "{w}x{h}:\n{seen}"
        );
        assert!(seen.contains("Quinn Hourly"), "{w}x{h}");
    }
}
