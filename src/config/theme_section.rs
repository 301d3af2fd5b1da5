//! `[ui] theme` and the `[theme.NAME]` tables: a user theme starts from the built-in of the
//! same name (so `[theme.default]` adjusts the default) or from `default`, and sets roles to
//! style values. Every table is checked, chosen or not, so a mistake shows before the day
//! someone picks that theme.

use std::collections::BTreeMap;

use super::raw::RawConfig;
use super::{ConfigError, Doc};
use crate::palette::{Palette, Role, parse_style};

pub(super) fn theme(doc: &Doc<'_>, raw: &RawConfig) -> Result<Palette, ConfigError> {
    let mut themes: BTreeMap<&str, Palette> = BTreeMap::new();
    for (name, roles) in &raw.theme {
        let mut palette = Palette::built_in(name.get_ref()).unwrap_or_default();
        for (key, value) in roles {
            let role = Role::from_name(key.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                doc.at(
                    key.span(),
                    format!(
                        "{:?} is not a part of the screen a theme styles; use {}",
                        key.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
            let style = parse_style(value.get_ref()).map_err(|m| doc.at(value.span(), m))?;
            palette.set(role, style);
        }
        themes.insert(name.get_ref(), palette);
    }
    let Some(chosen) = &raw.ui.theme else {
        return Ok(themes.get("default").copied().unwrap_or_default());
    };
    let name = chosen.get_ref().as_str();
    themes
        .get(name)
        .copied()
        .or_else(|| Palette::built_in(name))
        .ok_or_else(|| {
            let mine: Vec<&str> = themes
                .keys()
                .copied()
                .filter(|n| !Palette::BUILT_IN.contains(n))
                .collect();
            let yours = if mine.is_empty() {
                "add a [theme.NAME] table for your own".to_string()
            } else {
                format!("yours: {}", mine.join(", "))
            };
            doc.at(
                chosen.span(),
                format!(
                    "{name:?} is not a theme; built in: {}; {yours}",
                    Palette::BUILT_IN.join(", ")
                ),
            )
        })
}
