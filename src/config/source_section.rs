//! The `[[source]]` tables: a unique name, a kind the registry knows, only the keys that kind
//! takes, and the kind's own settings (checked by its connector through `Entry`).

use super::raw::RawSource;
use super::{ConfigError, Doc, Entry, SourceKind, SourceSettings, duration, explain};
use crate::sources::registry;

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
        let connector = connector(doc, src)?;
        let kind = kind(doc, src, connector)?;
        let interval = match &src.interval {
            Some(i) => duration::parse(i.get_ref()).map_err(|m| doc.at(i.span(), m))?,
            None => connector.default_interval,
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

fn connector(doc: &Doc<'_>, src: &RawSource) -> Result<&'static registry::Connector, ConfigError> {
    let kind_name = src.kind.get_ref().as_str();
    registry::find(kind_name).ok_or_else(|| {
        doc.at(
            src.kind.span(),
            format!(
                "{kind_name:?} is not a source kind this lookout knows; supported: {}",
                registry::kinds().join(", ")
            ),
        )
    })
}

fn kind(
    doc: &Doc<'_>,
    src: &RawSource,
    connector: &registry::Connector,
) -> Result<SourceKind, ConfigError> {
    let allowed = connector.keys;
    if let Some((key, value)) = src
        .keys
        .iter()
        .find(|(k, _)| !allowed.contains(&k.get_ref().as_str()))
    {
        let key = key.get_ref();
        // A key no connector takes that looks like a secret gets the advice a secret written
        // anywhere else in the file gets.
        let known = registry::CONNECTORS
            .iter()
            .any(|c| c.keys.contains(&key.as_str()));
        let secret = explain(&format!("unknown field `{key}`"));
        let msg = if !known && secret.starts_with("secrets are never read") {
            secret
        } else {
            format!(
                "`{key}` does not apply to {} sources; they take: {}",
                connector.kind,
                allowed.join(", ")
            )
        };
        return Err(doc.at(value.span(), msg));
    }
    (connector.read)(&Entry::new(doc, src))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{ConfigError, Settings};
    use crate::sources::registry;

    #[test]
    fn the_unknown_kind_error_lists_the_registry() {
        let text = "[[source]]\nkind = \"trello\"\nname = \"a\"\n";
        match Settings::parse(Path::new("c.toml"), text) {
            Err(ConfigError::At { line, message, .. }) => {
                assert_eq!(line, 2);
                let listed = message
                    .split_once("supported: ")
                    .map(|(_, l)| l.split(", ").collect::<Vec<_>>())
                    .expect("lists the kinds");
                let registered: Vec<&str> = registry::CONNECTORS.iter().map(|c| c.kind).collect();
                assert_eq!(listed, registered);
            }
            other => panic!("expected a located error, got {other:?}"),
        }
    }

    #[test]
    fn each_registered_kind_refuses_keys_it_does_not_list() {
        for c in registry::CONNECTORS {
            let text = format!(
                "[[source]]\nkind = \"{}\"\nname = \"a\"\nsurely_not = 1\n",
                c.kind
            );
            match Settings::parse(Path::new("c.toml"), &text) {
                Err(ConfigError::At { line, message, .. }) => {
                    assert_eq!(line, 4, "{message}");
                    assert!(
                        message.contains(&format!("does not apply to {} sources", c.kind)),
                        "{message}"
                    );
                }
                other => panic!("{}: expected a located error, got {other:?}", c.kind),
            }
        }
    }

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
