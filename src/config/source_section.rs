//! The `[[source]]` tables: a unique name, a kind this lookout knows, only the keys that kind
//! takes, and the kind's own settings (checked by `csv_source` and `tracker_source`).

use super::raw::RawSource;
use super::{
    ConfigError, DEFAULT_DEMO_INTERVAL, DEFAULT_INTERVAL, DEMO_SEED, Doc, SourceKind,
    SourceSettings, csv_source, duration, tracker_source,
};

const KINDS: [&str; 4] = ["demo", "csv", "redmine", "jira"];

pub(super) fn sources(
    doc: &Doc<'_>,
    raw: &[RawSource],
) -> Result<Vec<SourceSettings>, ConfigError> {
    let mut out: Vec<SourceSettings> = Vec::with_capacity(raw.len());
    for src in raw {
        let name = src.name.get_ref();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(doc.at(
                src.name.span(),
                format!("{name:?} is not a source name; use letters, digits, - and _"),
            ));
        }
        if out.iter().any(|o| &o.name == name) {
            return Err(doc.at(
                src.name.span(),
                format!("two sources are named {name:?}; names must be unique"),
            ));
        }
        let kind = kind(doc, src)?;
        let interval = match &src.interval {
            Some(i) => duration::parse(i.get_ref()).map_err(|m| doc.at(i.span(), m))?,
            None if matches!(kind, SourceKind::Demo { .. }) => DEFAULT_DEMO_INTERVAL,
            None => DEFAULT_INTERVAL,
        };
        out.push(SourceSettings {
            name: name.clone(),
            interval,
            kind,
            read_only: src.read_only.unwrap_or(false),
        });
    }
    Ok(out)
}

fn kind(doc: &Doc<'_>, src: &RawSource) -> Result<SourceKind, ConfigError> {
    let kind_name = src.kind.get_ref().as_str();
    if !KINDS.contains(&kind_name) {
        return Err(doc.at(
            src.kind.span(),
            format!(
                "{kind_name:?} is not a source kind this lookout knows; supported: {}",
                KINDS.join(", ")
            ),
        ));
    }
    let allowed = tracker_source::allowed(kind_name);
    if let Some((key, span)) = src
        .set_keys()
        .into_iter()
        .find(|(k, _)| !allowed.contains(k))
    {
        return Err(doc.at(
            span,
            format!(
                "`{key}` does not apply to {kind_name} sources; they take: {}",
                allowed.join(", ")
            ),
        ));
    }
    Ok(match kind_name {
        "demo" => SourceKind::Demo {
            seed: src.seed.as_ref().map(|s| *s.get_ref()).unwrap_or(DEMO_SEED),
        },
        "csv" => csv_source::csv_kind(doc.path, doc.text, src)?,
        "redmine" => tracker_source::redmine_kind(doc.path, doc.text, src)?,
        _ => tracker_source::jira_kind(doc.path, doc.text, src)?,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{ConfigError, Settings};

    #[test]
    fn any_source_may_be_read_only_on_its_own() {
        let text = "[[source]]\nkind = \"demo\"\nname = \"a\"\nread_only = true\n\
                    [[source]]\nkind = \"demo\"\nname = \"b\"\n";
        let s = Settings::parse(Path::new("c.toml"), text).expect("parses");
        assert!(!s.read_only);
        let own: Vec<bool> = s.sources.iter().map(|x| x.read_only).collect();
        assert_eq!(own, [true, false]);
    }

    #[test]
    fn a_read_only_that_is_not_a_boolean_names_its_line() {
        let text = "[[source]]\nkind = \"demo\"\nname = \"a\"\nread_only = \"yes\"\n";
        match Settings::parse(Path::new("c.toml"), text) {
            Err(ConfigError::At { line, key, .. }) => {
                assert_eq!((line, key.as_str()), (4, "source[1].read_only"));
            }
            other => panic!("expected a located error, got {other:?}"),
        }
    }
}
