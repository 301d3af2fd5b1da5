//! The module layering the design promises, checked on the source text: lower layers never
//! reach up, and the modules that would form cycles stay apart. A `use` that breaks a rule
//! fails here with the file and line, before it becomes a tangle.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of the files under `src/<area>` that names `crate::<forbidden>`.
fn offences(area: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let target = root.join(area);
    let mut files = Vec::new();
    if target.is_dir() {
        rust_files(&target, &mut files);
    } else {
        files.push(target.with_extension("rs"));
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read file");
        for (n, line) in text.lines().enumerate() {
            for f in forbidden {
                if line.contains(&format!("crate::{f}")) || line.contains(&format!("super::{f}")) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn lower_layers_never_reach_up() {
    let rules: [(&str, &[&str]); 7] = [
        (
            "domain",
            &[
                "store", "sources", "sync", "app", "ui", "commands", "config",
            ],
        ),
        (
            "analysis",
            &[
                "store", "sources", "sync", "app", "ui", "commands", "config",
            ],
        ),
        ("keys", &["app", "config", "ui", "store", "sources"]),
        ("config", &["app", "ui", "commands", "store", "sync"]),
        ("sources", &["app", "ui", "commands", "store", "sync"]),
        (
            "palette",
            &[
                "app", "ui", "config", "commands", "store", "sources", "sync",
            ],
        ),
        (
            "ui",
            &[
                "store",
                "sources::http",
                "sync::sync_once",
                "commands",
                "config",
            ],
        ),
    ];
    let mut all = Vec::new();
    for (area, forbidden) in rules {
        all.extend(offences(area, forbidden));
    }
    assert!(all.is_empty(), "layering broken:\n{}", all.join("\n"));
}

#[test]
fn the_forecasts_tab_does_not_loop_back_through_update() {
    let found = offences("app/forecasts", &["update", "app::update"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_border_comes_from_the_theme_so_ascii_reaches_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("theme.rs")) {
        let text = std::fs::read_to_string(f).expect("read");
        for (n, line) in text.lines().enumerate() {
            if line.contains("Block::bordered()") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "draw borders with theme.block():\n{}",
        found.join("\n")
    );
}
