//! `lookout doctor` through the binary: a verdict per source and for the store.

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
