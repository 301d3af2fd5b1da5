//! `export:csv` and `export:md` from the palette, through the pure `update`: the focused
//! list's visible rows, filtered and in screen order, land in a file the status line names.

#[path = "common/demo_state.rs"]
mod demo_state;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use demo_state::{key, loaded_demo, typed};
use lookout::app::{Effect, Event, ExportJob, State, update};

/// Runs `command` from the palette and returns the export it asked for.
fn palette(state: &mut State, command: &str) -> Option<ExportJob> {
    key(state, KeyCode::Char(':'));
    typed(state, command);
    let out = key(state, KeyCode::Enter);
    out.effects.into_iter().find_map(|e| match e {
        Effect::Export(job) => Some(job),
        _ => None,
    })
}

/// Runs the export as the event loop would and hands its answer back; returns the file the
/// status line names.
fn finish(state: &mut State, job: ExportJob) -> PathBuf {
    let said = job.run();
    update(state, Event::Said(said));
    let message = state.message.as_ref().expect("a status line").to_string();
    let path = message
        .split_once(" to ")
        .and_then(|(_, p)| p.split_once(" in "))
        .map(|(file, dir)| PathBuf::from(dir).join(file))
        .unwrap_or_else(|| panic!("no file and folder in {message:?}"));
    assert!(message.starts_with("exported "), "{message}");
    assert!(path.is_file(), "{message}");
    path
}

fn filter(state: &mut State, text: &str) {
    key(state, KeyCode::Char('/'));
    typed(state, text);
    key(state, KeyCode::Enter);
}

#[test]
fn csv_holds_exactly_the_filtered_stalled_rows_in_screen_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = loaded_demo();
    s.export_dir = Some(dir.path().join("exports"));
    key(&mut s, KeyCode::Char('2'));
    let all = s.stalled.len();
    let project = s.analysis.stalled[0].project.to_string();
    filter(&mut s, &format!("project:{project}"));
    // A sort other than the analysis' own, so the order checked is the screen's.
    key(&mut s, KeyCode::Char('R'));
    let shown: Vec<(String, String)> = s
        .stalled
        .rows
        .iter()
        .map(|&i| {
            let t = &s.analysis.stalled[i];
            (t.key.to_string(), t.title.to_string())
        })
        .collect();
    assert!(
        !shown.is_empty() && shown.len() < all,
        "{} of {all}",
        shown.len()
    );

    let job = palette(&mut s, "export:csv").expect("an export");
    assert_eq!(job.rows.len(), shown.len());
    let path = finish(&mut s, job);
    assert_eq!(path.parent(), Some(dir.path().join("exports").as_path()));
    let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
    assert!(
        name.starts_with("stalled-")
            && name.ends_with(".csv")
            && name.len() == "stalled-20261118-153000.csv".len(),
        "{name}"
    );

    let mut reader = csv::Reader::from_path(&path).expect("reads");
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        ["Key", "Title", "Status", "Assignee", "In status", "Reason"]
    );
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("a record");
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = shown
        .iter()
        .map(|(k, t)| (k.clone(), lookout::app::export_csv_cell(t)))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn markdown_holds_exactly_the_filtered_tickets_of_a_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = loaded_demo();
    s.export_dir = Some(dir.path().join("exports"));
    key(&mut s, KeyCode::Enter);
    let all = s.detail.as_ref().expect("a project's tickets").list.len();
    filter(&mut s, "status:todo");
    let d = s.detail.as_ref().expect("still open");
    let shown: Vec<String> = d
        .list
        .rows
        .iter()
        .map(|&i| s.portfolio.tickets[i].key.to_string())
        .collect();
    assert!(
        !shown.is_empty() && shown.len() < all,
        "{} of {all}",
        shown.len()
    );

    let job = palette(&mut s, "export:md").expect("an export");
    let path = finish(&mut s, job);
    let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
    assert!(
        name.starts_with("tickets-") && name.ends_with(".md"),
        "{name}"
    );
    let text = std::fs::read_to_string(&path).expect("reads");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "| Key | Status | Assignee | Prio | Updated | Title |"
    );
    assert_eq!(lines[1], "| --- | --- | --- | --- | --- | --- |");
    let keys: Vec<String> = lines[2..]
        .iter()
        .map(|l| {
            l.trim_start_matches("| ")
                .split(" | ")
                .next()
                .expect("a key cell")
                .to_string()
        })
        .collect();
    assert_eq!(keys, shown);
    let message = s.message.as_ref().expect("a status line").to_string();
    assert!(
        message.contains(&format!("exported {} rows", shown.len())),
        "{message}"
    );
}

#[test]
fn the_status_line_says_why_nothing_was_exported() {
    let mut s = loaded_demo();
    assert!(palette(&mut s, "export:csv").is_none());
    let message = s.message.as_ref().expect("a status line").to_string();
    assert!(message.contains("no data directory"), "{message}");

    s.export_dir = Some(PathBuf::from("unused"));
    assert!(palette(&mut s, "export:pdf").is_none());
    let message = s.message.as_ref().expect("a status line").to_string();
    assert!(message.contains("csv or md"), "{message}");

    // The Forecasts tab exports its table only once the forecast on screen is there.
    key(&mut s, KeyCode::Char('3'));
    assert!(palette(&mut s, "export:md").is_none());
    let message = s.message.as_ref().expect("a status line").to_string();
    assert!(message.contains("still being simulated"), "{message}");
}

#[test]
fn a_folder_that_cannot_be_written_is_named_in_the_status_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("exports");
    std::fs::write(&blocker, "a file where the folder should be").expect("writes");
    let mut s = loaded_demo();
    s.export_dir = Some(blocker.clone());
    let job = palette(&mut s, "export:csv").expect("an export");
    update(&mut s, Event::Said(job.run()));
    let message = s.message.as_ref().expect("a status line").to_string();
    assert!(message.starts_with("export failed"), "{message}");
    assert!(
        message.contains(&blocker.display().to_string()),
        "{message}"
    );
}

#[test]
fn the_projects_table_exports_its_rows_in_the_order_sorted_on_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = loaded_demo();
    s.export_dir = Some(dir.path().join("exports"));
    // The next column, then reversed: an order the analysis does not have by itself.
    key(&mut s, KeyCode::Char('s'));
    key(&mut s, KeyCode::Char('R'));
    assert_ne!(s.projects.rows, (0..s.projects.len()).collect::<Vec<_>>());
    let shown: Vec<String> = s
        .projects
        .rows
        .iter()
        .map(|&i| {
            let p = &s.analysis.projects[i];
            format!("{} {}", p.key, p.name)
        })
        .collect();
    assert!(shown.len() > 1);
    let job = palette(&mut s, "export:csv").expect("an export");
    let path = finish(&mut s, job);
    let mut reader = csv::Reader::from_path(&path).expect("reads");
    assert_eq!(
        reader
            .headers()
            .expect("a header")
            .iter()
            .collect::<Vec<_>>(),
        ["Project", "Open", "WIP", "Done30d", "Stalled", "Oldest"]
    );
    let projects: Vec<String> = reader
        .records()
        .map(|r| r.expect("a record")[0].to_string())
        .collect();
    assert_eq!(projects, shown);
}
