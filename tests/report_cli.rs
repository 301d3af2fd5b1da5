//! `lookout report` through the binary: each format on the demo portfolio, the project and
//! table choices, the refusal of a stale store, and the JSON schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lookout::report::{Report, tables};

fn lookout(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .env_remove("LOOKOUT_CONFIG")
        .env_remove("LOOKOUT_LOG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LOOKOUT_DATA_DIR", home.join("data"))
        .output()
        .expect("run lookout")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn failed(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn demo_json(home: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--demo", "report", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&lookout(&args, home))).expect("stdout is JSON only")
}

fn keys(report: &serde_json::Value) -> Vec<String> {
    report["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| p["key"].as_str().expect("key").to_string())
        .collect()
}

/// `ranked` (key, risk), as one report lists its projects, runs riskiest first and names
/// every project of `projects` once. The demo is generated relative to the moment it runs,
/// so two runs may rank near-equal risks apart: the order is checked within one report.
fn riskiest_first_and_each_once(ranked: &[(String, f64)], projects: &[String]) {
    for pair in ranked.windows(2) {
        assert!(pair[0].1 >= pair[1].1, "riskiest first: {ranked:?}");
    }
    let mut listed: Vec<&str> = ranked.iter().map(|(k, _)| k.as_str()).collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = projects.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected, "every project once");
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(lookout::report::json::SCHEMA).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}

#[test]
fn json_on_the_demo_validates_against_the_schema_and_reads_back_as_the_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = demo_json(dir.path(), &[]);
    let v = validator();
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
    assert_eq!(doc["schema"], "lookout.report");
    assert_eq!(doc["schema_version"], lookout::report::SCHEMA_VERSION);
    assert!(keys(&doc).len() >= 5, "{:?}", keys(&doc));
    let risks: Vec<f64> = doc["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| p["risk"].as_f64().expect("risk"))
        .collect();
    assert!(
        risks.windows(2).all(|w| w[0] >= w[1]),
        "riskiest first: {risks:?}"
    );
    assert!(
        doc["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .any(|p| p["forecast"]["rows"].as_array().map(Vec::len) == Some(4)),
        "forecasts have 50/70/85/95 % rows"
    );
    let report: Report = serde_json::from_value(doc.clone()).expect("reads back as the model");
    assert_eq!(
        serde_json::to_value(&report).expect("serialises"),
        doc,
        "round trip"
    );
}

#[test]
fn the_schema_refuses_an_extra_or_a_missing_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = demo_json(dir.path(), &["--project", "atlas"]);
    let v = validator();
    let mut extra = doc.clone();
    extra["projects"][0]["velocity"] = serde_json::json!(3);
    assert!(!v.is_valid(&extra), "an unknown project field is refused");
    let mut extra = doc.clone();
    extra["projects"][0]["counts"]["blocked"] = serde_json::json!(1);
    assert!(!v.is_valid(&extra), "an unknown nested field is refused");
    let mut missing = doc.clone();
    missing["projects"][0]
        .as_object_mut()
        .expect("project")
        .remove("risk");
    assert!(!v.is_valid(&missing), "a missing field is refused");
    let mut missing = doc.clone();
    missing.as_object_mut().expect("report").remove("since");
    assert!(
        !v.is_valid(&missing),
        "a missing top-level field is refused"
    );
    let mut newer = doc;
    newer["schema_version"] = serde_json::json!(lookout::report::SCHEMA_VERSION + 1);
    assert!(!v.is_valid(&newer), "another version is refused");
}

#[test]
fn markdown_on_the_demo_has_the_portfolio_table_and_a_section_per_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let projects = keys(&demo_json(dir.path(), &[]));
    let md = ok(&lookout(&["--demo", "report"], dir.path()));
    assert!(md.starts_with("# Portfolio report, "), "{md}");
    let (portfolio, sections) = md.split_once("\n## ").expect("project sections");
    let rows: Vec<&str> = portfolio
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Project") && !l.starts_with("| ---"))
        .collect();
    assert_eq!(rows.len(), projects.len(), "one row per project: {rows:?}");
    assert!(
        portfolio.contains("| Project | Risk | WIP | Stalled | Done 30d | Trend | 85 % done by |")
    );
    let ranked: Vec<(String, f64)> = rows
        .iter()
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let key = cells[0].trim_start_matches("| ");
            let key = key.split(" (").next().expect("key").to_string();
            (key, cells[1].parse::<f64>().expect("risk is a number"))
        })
        .collect();
    riskiest_first_and_each_once(&ranked, &projects);
    let all = format!("\n## {sections}");
    let sections: Vec<&str> = all.split("\n## ").skip(1).collect();
    assert_eq!(sections.len(), projects.len());
    for (section, (key, _)) in sections.iter().zip(&ranked) {
        assert!(section.starts_with(&format!("{key}: ")), "{section}");
        for heading in [
            "### Health",
            "### Throughput",
            "### Aging work in progress",
            "### Stalled",
            "### Forecast",
            "### Open suggestions",
            "### Decisions since",
        ] {
            assert!(section.contains(heading), "{key} lacks {heading}");
        }
        if !section.contains("Nothing open to forecast") {
            assert!(section.contains("| Chance | Done by | Days |"), "{key}");
            for level in ["| 50 % |", "| 70 % |", "| 85 % |", "| 95 % |"] {
                assert!(section.contains(level), "{key} lacks {level}");
            }
        }
        assert!(
            section.contains("| Delivery |"),
            "{key} has its health table"
        );
    }
}

#[test]
fn csv_on_the_demo_writes_every_table_with_source_and_project_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let projects = keys(&demo_json(dir.path(), &[]));
    let out = dir.path().join("tables");
    let printed = ok(&lookout(
        &[
            "--demo",
            "report",
            "--format",
            "csv",
            "--out",
            out.to_str().expect("path"),
        ],
        dir.path(),
    ));
    assert_eq!(printed, "", "files only, nothing on stdout");
    let expected = [
        (
            "projects",
            "source,project,name,risk,total,todo,in_progress,done_30d,stalled,oldest_wip_days,trend,p85_date,target,chance_by_target",
        ),
        ("health", "source,project,component,risk,reason"),
        ("throughput", "source,project,week_ending,delivered"),
        ("aging", "source,project,ticket,status,age_days"),
        (
            "stalled",
            "source,project,ticket,title,status,assignee,in_status_days,severity,reason",
        ),
        (
            "forecasts",
            "source,project,items,method,level,days,date,target,chance_by_target",
        ),
        (
            "suggestions",
            "source,project,id,kind,ticket,confidence,rationale,action",
        ),
        (
            "decisions",
            "source,project,at,suggestion,kind,ticket,verdict,reason,note,wrote",
        ),
    ];
    assert_eq!(
        expected.map(|(n, _)| n),
        tables::NAMES,
        "every table is checked"
    );
    for (name, header) in expected {
        let text = std::fs::read_to_string(out.join(format!("{name}.csv"))).expect(name);
        assert_eq!(text.lines().next(), Some(header), "{name}");
    }
    let mut r = csv::Reader::from_path(out.join("projects.csv")).expect("projects.csv");
    let rows: Vec<(String, f64)> = r
        .records()
        .map(|x| {
            let x = x.expect("row");
            (x[1].to_string(), x[3].parse().expect("risk is a number"))
        })
        .collect();
    riskiest_first_and_each_once(&rows, &projects);
    let mut r = csv::Reader::from_path(out.join("health.csv")).expect("health.csv");
    assert_eq!(
        r.records().count(),
        projects.len() * 5,
        "five components each"
    );

    let one = ok(&lookout(
        &[
            "--demo",
            "report",
            "--format",
            "csv",
            "--table",
            "forecasts",
        ],
        dir.path(),
    ));
    assert!(
        one.starts_with("source,project,items,method,level,"),
        "{one}"
    );
}

#[test]
fn project_filters_and_unknown_names_are_errors_that_list_what_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = demo_json(
        dir.path(),
        &["--project", "crux", "--project", "demo/ATLAS"],
    );
    let mut got = keys(&doc);
    got.sort();
    assert_eq!(got, ["ATLAS", "CRUX"]);

    let e = failed(
        &lookout(&["--demo", "report", "--project", "nope"], dir.path()),
        2,
    );
    assert!(
        e.contains("no project \"nope\"") && e.contains("ATLAS") && e.contains("CRUX"),
        "{e}"
    );

    let e = failed(
        &lookout(
            &["--demo", "report", "--format", "csv", "--table", "velocity"],
            dir.path(),
        ),
        2,
    );
    assert!(e.contains("no report table \"velocity\""), "{e}");
    assert!(e.contains(&tables::NAMES.join(", ")), "{e}");

    let e = failed(
        &lookout(&["--demo", "report", "--format", "csv"], dir.path()),
        2,
    );
    assert!(e.contains("--out DIR") && e.contains("--table NAME"), "{e}");

    let e = failed(
        &lookout(&["--demo", "report", "--format", "pdf"], dir.path()),
        2,
    );
    assert!(e.contains("md, csv, json or html"), "{e}");
}

#[test]
fn out_file_is_written_whole_and_nothing_is_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("weekly.md");
    std::fs::write(&file, "last week's").expect("old report");
    let printed = ok(&lookout(
        &["--demo", "report", "--out", file.to_str().expect("path")],
        dir.path(),
    ));
    assert_eq!(printed, "");
    let text = std::fs::read_to_string(&file).expect("report");
    assert!(text.starts_with("# Portfolio report, "), "{text}");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains(".lookout-report-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

const TICKETS: &str = "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Created,Updated,Resolved
Fix login,OPS-1,10001,Bug,Done,OPS,High,Done,ana,01/Mar/26 9:15 AM,05/Mar/26 4:00 PM,05/Mar/26 4:00 PM
Add export,OPS-2,10002,Story,In Progress,OPS,Medium,,ben,02/Mar/26 10:00 AM,06/Mar/26 11:00 AM,
";

/// A home with a config of CSV sources (`names`) over one file, and `extra` config lines.
fn csv_home(dir: &Path, names: &[&str], extra: &str) -> PathBuf {
    let file = dir.join("tickets.csv");
    std::fs::write(&file, TICKETS).expect("csv");
    let mut config = String::new();
    for name in names {
        config.push_str(&format!(
            "[[source]]\nkind = \"csv\"\nname = \"{name}\"\npath = {:?}\npreset = \"jira\"\n\n",
            file.display().to_string()
        ));
    }
    config.push_str(extra);
    let path = dir.join("lookout.toml");
    std::fs::write(&path, config).expect("config");
    path
}

fn with_config<'a>(config: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--config", config.to_str().expect("path")];
    all.extend_from_slice(args);
    all
}

#[test]
fn a_stale_store_prints_nothing_and_exits_3() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = csv_home(dir.path(), &["ops"], "");
    ok(&lookout(
        &with_config(&config, &["sync", "--once"]),
        dir.path(),
    ));
    let md = ok(&lookout(&with_config(&config, &["report"]), dir.path()));
    assert!(md.contains("| OPS ("), "fresh after a sync: {md}");

    // Age the sync record as three days of cron silence would.
    {
        let store = lookout::store::Store::open(&dir.path().join("data")).expect("store");
        let three_days_ago = chrono::Utc::now() - chrono::Duration::days(3);
        store.mark_synced("ops", three_days_ago).expect("age");
    }
    let out = lookout(&with_config(&config, &["report"]), dir.path());
    let e = failed(&out, 3);
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(
        e.contains("the store is stale: last sync 3 days ago"),
        "{e}"
    );
    assert!(e.contains("stale_after = 2d"), "{e}");
    assert!(e.contains("lookout sync --once"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");

    let json = lookout(
        &with_config(&config, &["report", "--format", "json"]),
        dir.path(),
    );
    failed(&json, 3);
    assert!(json.stdout.is_empty());

    let tolerant = csv_home(dir.path(), &["ops"], "[report]\nstale_after = \"4d\"\n");
    ok(&lookout(&with_config(&tolerant, &["report"]), dir.path()));
    let off = csv_home(dir.path(), &["ops"], "[report]\nstale_after = \"off\"\n");
    ok(&lookout(&with_config(&off, &["report"]), dir.path()));
    let strict = csv_home(dir.path(), &["ops"], "[report]\nstale_after = \"1d\"\n");
    let e = failed(&lookout(&with_config(&strict, &["report"]), dir.path()), 3);
    assert!(
        e.contains(&format!("stale_after = 1d in {}", strict.display())),
        "names the setting and its file: {e}"
    );
}

#[test]
fn a_source_that_never_synced_makes_the_store_stale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = csv_home(dir.path(), &["ops"], "");
    ok(&lookout(
        &with_config(&config, &["sync", "--once"]),
        dir.path(),
    ));
    let more = csv_home(dir.path(), &["ops", "support"], "");
    let out = lookout(&with_config(&more, &["report"]), dir.path());
    let e = failed(&out, 3);
    assert!(out.stdout.is_empty());
    assert!(e.contains("support has never synced"), "{e}");
}

#[test]
fn a_bad_stale_after_names_the_file_line_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = csv_home(dir.path(), &["ops"], "[report]\nstale_after = \"soon\"\n");
    let e = failed(&lookout(&with_config(&config, &["report"]), dir.path()), 2);
    assert!(e.contains("lookout.toml:8: report.stale_after:"), "{e}");
}

#[test]
fn csv_cells_from_trackers_cannot_run_as_formulas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = demo_json(dir.path(), &["--project", "crux"]);
    let mut report: Report = serde_json::from_value(doc).expect("model");
    let p = &mut report.projects[0];
    p.name = "=HYPERLINK(\"http://x\",\"y\")".to_string();
    let stalled = p.stalled.first_mut().expect("CRUX has stalled tickets");
    stalled.title = "+cmd|' /C calc'!A0".to_string();
    stalled.assignee = Some("@SUM(1+1)".to_string());
    stalled.status = "-2+3".to_string();
    let cells = |name: &str| -> Vec<Vec<String>> {
        let text = tables::table(&report, name).expect("table");
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("row").iter().map(str::to_string).collect())
            .collect()
    };
    let projects = cells("projects");
    assert_eq!(projects[0][2], "'=HYPERLINK(\"http://x\",\"y\")");
    let stalled = cells("stalled");
    assert_eq!(stalled[0][3], "'+cmd|' /C calc'!A0", "title");
    assert_eq!(stalled[0][4], "'-2+3", "status");
    assert_eq!(stalled[0][5], "'@SUM(1+1)", "assignee");
    for table in tables::NAMES {
        for row in cells(table) {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '@']),
                    "{table}: a cell starts like a formula: {cell}"
                );
            }
        }
    }
}

#[test]
fn a_decision_shows_in_its_project_until_since_leaves_it_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let list: serde_json::Value = serde_json::from_str(&ok(&lookout(
        &["suggestions", "--format", "json"],
        dir.path(),
    )))
    .expect("suggestions JSON");
    let first = &list.as_array().expect("array")[0];
    let id = first["id"].as_str().expect("id");
    let project = first["subject"]["project"].as_str().expect("project");
    ok(&lookout(
        &[
            "suggestions",
            "reject",
            id,
            "--reason",
            "wrong",
            "--note",
            "=1+1 seen to",
        ],
        dir.path(),
    ));

    let doc: serde_json::Value = serde_json::from_str(&ok(&lookout(
        &["report", "--format", "json", "--project", project],
        dir.path(),
    )))
    .expect("report JSON");
    assert!(validator().is_valid(&doc));
    let p = &doc["projects"][0];
    let decisions = p["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(decisions[0]["suggestion"], id);
    assert_eq!(decisions[0]["verdict"], "reject");
    assert_eq!(decisions[0]["reason"], "wrong");
    assert_eq!(decisions[0]["note"], "=1+1 seen to");
    assert!(
        p["suggestions"]
            .as_array()
            .expect("suggestions")
            .iter()
            .all(|s| s["id"] != id),
        "a rejected suggestion is not open"
    );

    let csv = ok(&lookout(
        &[
            "report",
            "--format",
            "csv",
            "--table",
            "decisions",
            "--project",
            project,
        ],
        dir.path(),
    ));
    assert!(csv.contains(",'=1+1 seen to,"), "{csv}");
    let md = ok(&lookout(&["report", "--project", project], dir.path()));
    assert!(md.contains(&format!("| reject | {id} |")), "{md}");

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let later: serde_json::Value = serde_json::from_str(&ok(&lookout(
        &[
            "report",
            "--format",
            "json",
            "--project",
            project,
            "--since",
            &tomorrow,
        ],
        dir.path(),
    )))
    .expect("report JSON");
    assert_eq!(later["since"], tomorrow.as_str());
    assert_eq!(later["projects"][0]["decisions"], serde_json::json!([]));
}

/// The HTML of the demo's store against its JSON: the same projects, and an inline SVG for
/// exactly each chart that has data (weekly deliveries, ages in progress, a forecast's trials).
#[test]
fn html_on_the_demo_has_a_chart_for_each_series_with_data_and_nothing_outside() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No config: the demo source, in a store of its own that both runs read.
    let json = ok(&lookout(&["report", "--format", "json"], dir.path()));
    let report: Report = serde_json::from_str(&json).expect("the model");
    let html = ok(&lookout(&["report", "--format", "html"], dir.path()));
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    assert!(!html.contains("http"), "nothing is fetched from outside");
    let charts: usize = report
        .projects
        .iter()
        .map(|p| {
            usize::from(p.throughput.weeks.iter().any(|w| w.delivered > 0))
                + usize::from(!p.aging.items.is_empty())
                + usize::from(
                    p.forecast
                        .as_ref()
                        .is_some_and(|f| f.histogram.iter().any(|b| b.trials > 0)),
                )
        })
        .sum();
    assert!(
        charts >= 2 * report.projects.len(),
        "the demo has data to draw"
    );
    assert_eq!(html.matches("<svg").count(), charts);
    for p in &report.projects {
        assert!(html.contains(&p.name), "{} has its section", p.name);
    }
}
