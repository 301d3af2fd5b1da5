//! The config file exactly as written: serde structs that reject unknown keys. Values that
//! need checking beyond their type keep their position (`Spanned`) so errors can name the line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStall {
    pub warn_percentile: Option<Spanned<f64>>,
    pub flag_percentile: Option<Spanned<f64>>,
    pub min_samples: Option<usize>,
    pub quiet_days: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
    pub interval: Option<Spanned<String>>,
    pub seed: Option<Spanned<u64>>,
    /// csv: the file to import.
    pub path: Option<Spanned<String>>,
    /// csv: a built-in column mapping.
    pub preset: Option<Spanned<String>>,
    /// csv: field = column header, over the preset.
    pub columns: Option<Spanned<BTreeMap<String, String>>>,
}
