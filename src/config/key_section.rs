//! The `[keys]` section: actions rebound to the user's keys, and a key bound to two actions
//! refused at the user's line (it would silently do only the first).

use std::collections::BTreeMap;

use toml::Spanned;

use super::{ConfigError, Doc};
use crate::keys::{Action, Chord, Keymap};

type RawKeys = BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

pub(super) fn rebind(doc: &Doc<'_>, raw: &RawKeys, keymap: &mut Keymap) -> Result<(), ConfigError> {
    for (name, keys) in raw {
        let action = Action::from_name(name.get_ref()).ok_or_else(|| {
            doc.at(
                name.span(),
                format!(
                    "{:?} is not an action; see the help overlay (?) for their names",
                    name.get_ref()
                ),
            )
        })?;
        if keys.get_ref().is_empty() {
            return Err(doc.at(keys.span(), "give at least one key".into()));
        }
        let chords = keys
            .get_ref()
            .iter()
            .map(|k| Chord::parse(k.get_ref()).map_err(|m| doc.at(k.span(), m)))
            .collect::<Result<Vec<_>, _>>()?;
        keymap.rebind(action, chords);
    }
    for keys in raw.values() {
        for k in keys.get_ref() {
            let Ok(chord) = Chord::parse(k.get_ref()) else {
                continue;
            };
            let owners: Vec<Action> = keymap.actions_for_chord(&chord);
            if owners.len() > 1 {
                let names: Vec<String> = owners.iter().map(|a| a.name()).collect();
                return Err(doc.at(
                    k.span(),
                    format!(
                        "{:?} would be bound to {} at once; rebind the other action too",
                        k.get_ref(),
                        names.join(" and ")
                    ),
                ));
            }
        }
    }
    Ok(())
}
