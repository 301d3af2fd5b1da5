//! The config file exactly as written: serde structs that reject unknown keys. Values that
//! need checking beyond their type keep their position (`Spanned`) so errors can name the line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The names and logins that `assignee:@me` in the filter line stands for.
    pub me: Option<Vec<String>>,
    #[serde(default)]
    pub general: RawGeneral,
    #[serde(default)]
    pub ui: RawUi,
    #[serde(default)]
    pub stall: RawStall,
    #[serde(default)]
    pub keys: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub source: Vec<RawSource>,
    #[serde(default)]
    pub targets: BTreeMap<Spanned<String>, Spanned<String>>,
    pub ai: Option<Spanned<super::ai_section::RawAi>>,
    pub retention: Option<Spanned<super::retention_section::RawRetention>>,
    /// `[theme.NAME]`: role = style value.
    #[serde(default)]
    pub theme: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    pub profile: BTreeMap<Spanned<String>, super::profile_section::RawProfile>,
    #[serde(default)]
    pub report: super::report_section::RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGeneral {
    pub read_only: Option<bool>,
    pub log_level: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub color: Option<bool>,
    /// A built-in theme or a `[theme.NAME]` table.
    pub theme: Option<Spanned<String>>,
    /// Draw with ASCII only, whatever the locale says.
    pub ascii: Option<bool>,
    pub mouse: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStall {
    pub warn_percentile: Option<Spanned<f64>>,
    pub flag_percentile: Option<Spanned<f64>>,
    pub min_samples: Option<usize>,
    pub quiet_days: Option<Spanned<f64>>,
}

/// A `[[source]]` table: the keys every kind takes, typed, and the rest as written for the
/// kind's connector to check (`config::Entry`), each with where it is.
#[derive(Debug)]
pub struct RawSource {
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
    pub interval: Option<Spanned<String>>,
    /// Any kind: never write to this tracker.
    pub read_only: Option<bool>,
    /// The connector's own keys, in the order written.
    pub keys: Vec<(Spanned<String>, Spanned<toml::Value>)>,
}

/// By hand, because serde's `flatten` would buffer the connector's keys and lose their
/// positions: each value is read straight from the TOML deserializer, spans and all.
impl<'de> Deserialize<'de> for RawSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(SourceVisitor)
    }
}

struct SourceVisitor;

impl<'de> serde::de::Visitor<'de> for SourceVisitor {
    type Value = RawSource;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a source table")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawSource, A::Error> {
        use serde::de::Error;
        let (mut kind, mut name, mut interval, mut read_only) = (None, None, None, None);
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            match key.get_ref().as_str() {
                "kind" => kind = Some(map.next_value()?),
                "name" => name = Some(map.next_value()?),
                "interval" => interval = Some(map.next_value()?),
                "read_only" => read_only = Some(map.next_value()?),
                _ => keys.push((key, map.next_value()?)),
            }
        }
        Ok(RawSource {
            kind: kind.ok_or_else(|| A::Error::missing_field("kind"))?,
            name: name.ok_or_else(|| A::Error::missing_field("name"))?,
            interval,
            read_only,
            keys,
        })
    }
}
