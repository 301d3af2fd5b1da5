//! The `[keys]` section: commands rebound to the user's keys, in every scope or in one
//! (`"stalled.filter_project" = ["P"]`), commands with data added (`"ticket.assign:@me" =
//! ["I"]`), and a key bound twice in one scope refused at the user's line (it would silently
//! do only the first).

use std::collections::BTreeMap;

use toml::Spanned;

use super::{ConfigError, Doc};
use crate::keys::{Chord, Command, Keymap, Scope};

type RawKeys = BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

/// `scope.command` or `command`, with the scope when one is named.
fn split_name(name: &str) -> Result<(Option<Scope>, Command), String> {
    let (scope, command) = match name.split_once('.') {
        Some((s, c)) if !s.contains(':') => {
            let scope = Scope::from_name(s).ok_or_else(|| {
                let names: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
                format!("{s:?} is not a scope; scopes are {}", names.join(", "))
            })?;
            (Some(scope), c)
        }
        _ => (None, name),
    };
    Ok((scope, Command::parse(command)?))
}

pub(super) fn rebind(doc: &Doc<'_>, raw: &RawKeys, keymap: &mut Keymap) -> Result<(), ConfigError> {
    let mut mine: Vec<(Scope, Chord, std::ops::Range<usize>)> = Vec::new();
    for (name, keys) in raw {
        let (scope, command) = split_name(name.get_ref()).map_err(|m| doc.at(name.span(), m))?;
        if keys.get_ref().is_empty() {
            return Err(doc.at(keys.span(), "give at least one key".into()));
        }
        let chords = keys
            .get_ref()
            .iter()
            .map(|k| Chord::parse(k.get_ref()).map_err(|m| doc.at(k.span(), m)))
            .collect::<Result<Vec<_>, _>>()?;
        // Without a scope, the command's first scope in the table: `quit = ["Q"]` must not
        // make Q quit from inside a text line too.
        let scope = scope.or_else(|| {
            keymap
                .bindings
                .iter()
                .find(|b| b.command.action == command.action)
                .map(|b| b.scope)
        });
        let Some(scope) = scope else {
            return Err(doc.at(
                name.span(),
                format!(
                    "say where {} applies: \"SCOPE.{}\" (global, list, ticket, projects, \
                     stalled, forecasts, suggestions, detail, popup, input)",
                    command.name(),
                    command.name()
                ),
            ));
        };
        if keymap.rebind(&command, Some(scope), &chords) == 0 {
            keymap.add(command.clone(), scope, chords.clone());
        }
        for (k, chord) in keys.get_ref().iter().zip(&chords) {
            mine.push((scope, *chord, k.span()));
        }
    }
    for conflict in keymap.conflicts() {
        // Only the user's keys can conflict (the default table is checked by a test); point
        // at the user's line.
        if let Some((_, _, span)) = mine
            .iter()
            .find(|(s, c, _)| *s == conflict.scope && *c == conflict.chord)
        {
            return Err(doc.at(
                span.clone(),
                format!(
                    "{conflict}; rebind the other command too, or bind this one in another scope"
                ),
            ));
        }
    }
    Ok(())
}
