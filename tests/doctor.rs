//! `lookout doctor` through the binary: a verdict per source and for the store.

#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use chrono::{FixedOffset, TimeZone, Utc};

/// The lines doctor printed about the source `name`.
fn section(text: &str, name: &str) -> String {
    text.split("\nsource ")
        .find(|s| s.starts_with(name))
        .unwrap_or_else(|| panic!("no section {name}: {text}"))
        .to_string()
}

#[test]
fn doctor_gives_a_verdict_per_source_and_the_store() {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let fake = fake_jira::FakeJira::start(
        fake_jira::generate(10, &["OPS", "WEB"], start),
        FixedOffset::east_opt(0).expect("utc"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    let jira = |name: &str, url: &str, var: &str| {
        format!(
            "[[source]]\nkind = \"jira\"\nname = \"{name}\"\nurl = \"{url}\"\nemail = \"{}\"\n\
             token_env = \"{var}\"\n",
            fake_jira::EMAIL
        )
    };
    let text = [
        jira("good", &fake.url(), "DOCTOR_TOKEN"),
        jira("wrongkey", &fake.url(), "DOCTOR_WRONG"),
        jira("nokey", &fake.url(), "DOCTOR_UNSET_VARIABLE"),
        jira("down", "http://127.0.0.1:9", "DOCTOR_TOKEN"),
    ]
    .join("\n");
    std::fs::write(&config, text).expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("doctor")
        .env("DOCTOR_TOKEN", fake_jira::TOKEN)
        .env("DOCTOR_WRONG", "not-the-token")
        .env_remove("DOCTOR_UNSET_VARIABLE")
        .output()
        .expect("lookout runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let section = |name: &str| section(&text, name);
    assert!(
        section("good").contains("ok    projects visible: 2: OPS, WEB"),
        "{text}"
    );
    assert!(
        section("wrongkey").contains("FAIL  authenticated: the tracker refused the credentials"),
        "{text}"
    );
    assert!(
        section("nokey")
            .contains("FAIL  configured: the environment variable DOCTOR_UNSET_VARIABLE"),
        "{text}"
    );
    assert!(section("down").contains("FAIL  reachable: "), "{text}");
    // Credentials refused or missing: doctor says what the source needs.
    for name in ["wrongkey", "nokey"] {
        assert!(
            section(name).contains("note  needs: ") && section(name).contains("Jira API token"),
            "{text}"
        );
    }
    for name in ["good", "down"] {
        assert!(!section(name).contains("needs: "), "{text}");
    }
    assert!(text.contains("ok    opens"), "{text}");
    assert!(text.contains("verdict: something needs fixing"), "{text}");
}

#[test]
fn doctor_reads_a_csv_source_and_names_a_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.csv"),
        "project,key,created\nOPS,OPS-1,2026-01-05\nOPS,OPS-2,someday\nWEB,WEB-1,2026-02-01\n",
    )
    .expect("csv");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[source]]\nkind = \"csv\"\nname = \"file\"\npath = \"t.csv\"\n\
         columns = { project = \"project\", key = \"key\", created = \"created\" }\n\n\
         [[source]]\nkind = \"csv\"\nname = \"gone\"\npath = \"missing.csv\"\npreset = \"jira\"\n",
    )
    .expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("doctor")
        .output()
        .expect("lookout runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let section = |name: &str| section(&text, name);
    let file = section("file");
    assert!(
        file.contains("ok    readable: 2 tickets in 2 projects"),
        "{text}"
    );
    assert!(
        file.contains("rows skipped: ") && file.contains("t.csv:3: skipped"),
        "{text}"
    );
    assert!(
        !file.contains("authenticated"),
        "a file has no credentials: {text}"
    );
    let gone = section("gone");
    assert!(
        gone.contains("FAIL  readable: ") && gone.contains("missing.csv"),
        "{text}"
    );
}

fn doctor(config: &str, dir: &std::path::Path) -> (Option<i32>, String) {
    let path = dir.join("config.toml");
    std::fs::write(&path, config).expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--config")
        .arg(&path)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("doctor")
        .env("DOCTOR_TOKEN", fake_jira::TOKEN)
        .output()
        .expect("lookout runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn doctor_runs_the_sync_search_and_names_what_a_sync_would_skip() {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let issues = fake_jira::generate(30, &["OPS"], start);
    // The first issue a full sync reads (oldest update first) has an odd field.
    let first = issues
        .iter()
        .min_by_key(|i| (i.updated, i.id))
        .expect("an issue")
        .clone();
    let zone = FixedOffset::east_opt(0).expect("utc");
    let odd = fake_jira::FakeJira::start(issues.clone(), zone);
    odd.with(|s| {
        s.odd_fields.insert(
            first.id,
            serde_json::json!({ "updated": 1_706_692_500_000_u64 }),
        )
    });
    // Credentials and projects are fine, but the search itself is refused.
    let refused = fake_jira::FakeJira::start(issues, zone);
    refused.with(|s| {
        s.faults.push_back((
            "/rest/api/3/search/jql".into(),
            routed::Reply::raw(
                400,
                r#"{"errorMessages":["Field 'customfield_10999' does not exist or you do not have permission to view it."]}"#,
            ),
        ))
    });
    let jira = |name: &str, url: &str| {
        format!(
            "[[source]]\nkind = \"jira\"\nname = \"{name}\"\nurl = \"{url}\"\nemail = \"{}\"\n\
             token_env = \"DOCTOR_TOKEN\"\n",
            fake_jira::EMAIL
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let config = [jira("odd", &odd.url()), jira("refused", &refused.url())].join("\n");
    let (code, text) = doctor(&config, dir.path());
    assert_eq!(code, Some(1), "{text}");
    let odd_section = section(&text, "odd");
    assert!(
        odd_section.contains("ok    trial search: one page read as a sync reads it (9 tickets)"),
        "{text}"
    );
    assert!(
        odd_section.contains(&format!(
            "a sync would skip: Jira issue {} skipped: field `updated`: invalid type: integer",
            first.key
        )),
        "{text}"
    );
    let refused_section = section(&text, "refused");
    assert!(
        refused_section.contains("ok    projects visible")
            && refused_section.contains("FAIL  trial search: ")
            && refused_section.contains("customfield_10999' does not exist"),
        "{text}"
    );
    let searches = odd.requests("/rest/api/3/search/jql");
    assert_eq!(searches.len(), 1, "one bounded search");
    assert_eq!(searches[0]["maxResults"], 10);
    assert!(
        searches[0]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == fake_jira::POINTS_FIELD)),
        "the fields a sync asks for"
    );
}

/// A Redmine whose one project holds two issues, the second with its estimate as text.
fn redmine_with_an_odd_issue() -> String {
    use serde_json::json;
    let issue = |id: u64, estimate: serde_json::Value| {
        json!({
            "id": id, "project": { "id": 1, "name": "Ops" },
            "status": { "id": 1, "name": "New" }, "priority": { "id": 2, "name": "Normal" },
            "subject": "s", "estimated_hours": estimate,
            "created_on": "2026-01-02T00:00:00Z", "updated_on": "2026-01-03T00:00:00Z"
        })
    };
    let handler = move |r: routed::Request| -> routed::Reply {
        if r.header("x-redmine-api-key") != Some(fake_jira::TOKEN) {
            return routed::Reply::raw(401, "");
        }
        let body = match r.path.as_str() {
            "/issue_statuses.json" => {
                json!({ "issue_statuses": [{ "id": 1, "name": "New", "is_closed": false }] })
            }
            "/trackers.json" => json!({ "trackers": [] }),
            "/enumerations/issue_priorities.json" => {
                json!({ "issue_priorities": [{ "id": 2, "name": "Normal", "is_default": true }] })
            }
            "/projects.json" => json!({
                "projects": [{ "id": 1, "name": "Ops", "identifier": "ops",
                               "created_on": "2026-01-01T00:00:00Z" }],
                "total_count": 1
            }),
            "/projects/1/memberships.json" => json!({ "memberships": [], "total_count": 0 }),
            "/issues.json" => json!({ "issues": [issue(1, json!(2)), issue(2, json!("-1"))],
                                      "total_count": 2 }),
            "/issues/1.json" => json!({ "issue": issue(1, json!(2)) }),
            "/issues/2.json" => json!({ "issue": issue(2, json!("-1")) }),
            _ => return routed::Reply::raw(404, "{}"),
        };
        routed::Reply::json(&body)
    };
    format!("http://{}", routed::serve(std::sync::Arc::new(handler)))
}

#[test]
fn doctor_reads_a_redmine_issues_page_as_a_sync_would() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        "[[source]]\nkind = \"redmine\"\nname = \"rm\"\nurl = \"{}\"\n\
         api_key_env = \"DOCTOR_TOKEN\"\n",
        redmine_with_an_odd_issue()
    );
    let (code, text) = doctor(&config, dir.path());
    let rm = section(&text, "rm");
    assert!(
        rm.contains("ok    trial search: one page read as a sync reads it (1 ticket)"),
        "{text}"
    );
    assert!(
        rm.contains(
            "a sync would skip: Redmine issue #2 skipped: field `estimated_hours`: invalid \
             type: string \"-1\", expected f64"
        ),
        "{text}"
    );
    assert_eq!(
        code,
        Some(0),
        "a skipped issue does not fail a sync: {text}"
    );
}

#[test]
fn doctor_says_what_each_tracker_needs_when_it_cannot_get_in() {
    let gitlab = fake_gitlab::FakeGitLab::start(&["grp/web"], Vec::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        "[[source]]\nkind = \"github\"\nname = \"gh\"\nurl = \"http://127.0.0.1:9\"\n\
         token_env = \"DOCTOR_UNSET_VARIABLE\"\nrepos = [\"acme/app\"]\n\n\
         [[source]]\nkind = \"gitlab\"\nname = \"gl\"\nurl = \"{}\"\n\
         token_env = \"CARGO_PKG_VERSION\"\nprojects = [\"grp/web\"]\n\n\
         [[source]]\nkind = \"connectwise\"\nname = \"psa\"\nurl = \"http://127.0.0.1:9\"\n\
         company = \"acme\"\npublic_key_env = \"DOCTOR_UNSET_VARIABLE\"\n\
         private_key_env = \"DOCTOR_UNSET_VARIABLE\"\nclient_id = \"c0ffee\"\n\
         boards = [\"Help Desk\"]\n",
        gitlab.url
    );
    // cargo sets CARGO_PKG_VERSION for tests: a token the fake GitLab refuses.
    let (code, text) = doctor(&config, dir.path());
    assert_eq!(code, Some(1), "{text}");
    let needs = |name: &str| -> String {
        let s = section(&text, name);
        s.lines()
            .find(|l| l.contains("note  needs: "))
            .unwrap_or_else(|| panic!("{name} says what it needs: {text}"))
            .to_string()
    };
    let gh = needs("gh");
    assert!(
        gh.contains("DOCTOR_UNSET_VARIABLE") && gh.contains("Issues: read"),
        "{gh}"
    );
    assert!(
        section(&text, "gl").contains("FAIL  authenticated"),
        "{text}"
    );
    let gl = needs("gl");
    assert!(
        gl.contains("CARGO_PKG_VERSION") && gl.contains("read_api"),
        "{gl}"
    );
    let psa = needs("psa");
    assert!(
        psa.contains("API Members") && psa.contains("client_id"),
        "{psa}"
    );
}
