//! A `[[source]]` table as its connector sees it: the kind's own keys, read and checked with
//! errors that name the file, the line and the key.

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::raw::RawSource;
use super::{ConfigError, Doc, duration, site_url};

pub use site_url::Root as UrlRoot;

pub struct Entry<'a> {
    doc: &'a Doc<'a>,
    src: &'a RawSource,
}

impl<'a> Entry<'a> {
    pub(super) fn new(doc: &'a Doc<'a>, src: &'a RawSource) -> Entry<'a> {
        Entry { doc, src }
    }

    /// The kind as written (`jira`).
    pub fn kind(&self) -> &str {
        self.src.kind.get_ref()
    }

    /// Where `kind` is written: the place to blame for what the table lacks.
    pub fn kind_span(&self) -> Range<usize> {
        self.src.kind.span()
    }

    /// The folder of the config file, which relative paths in it are relative to.
    pub fn config_dir(&self) -> &Path {
        self.doc.path.parent().unwrap_or(Path::new("."))
    }

    pub fn err(&self, span: Range<usize>, msg: String) -> ConfigError {
        self.doc.at(span, msg)
    }

    /// A key the table lacks, blamed on its `kind` line.
    pub fn missing(&self, key: &str, why: &str) -> ConfigError {
        self.err(
            self.kind_span(),
            format!("a {} source needs `{key}`: {why}", self.kind()),
        )
    }

    /// `key`'s value as a `T`, if the table sets it; a value of the wrong type is an error at
    /// its line, worded as serde words it.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<Spanned<T>>, ConfigError> {
        let Some((_, value)) = self.src.keys.iter().find(|(k, _)| k.get_ref() == key) else {
            return Ok(None);
        };
        let typed: T = value
            .get_ref()
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| self.err(value.span(), e.message().to_string()))?;
        Ok(Some(Spanned::new(value.span(), typed)))
    }

    pub fn string(&self, key: &str) -> Result<Option<Spanned<String>>, ConfigError> {
        self.get(key)
    }

    /// A string that must be there and not blank; `why` says what it is for.
    pub fn required(&self, key: &str, why: &str) -> Result<Spanned<String>, ConfigError> {
        match self.string(key)? {
            Some(v) if !v.get_ref().trim().is_empty() => Ok(v),
            Some(v) => Err(self.err(v.span(), format!("`{key}` is empty; {why}"))),
            None => Err(self.missing(key, why)),
        }
    }

    /// The tracker's address (`url`), checked and without a trailing slash.
    pub fn url(&self, root: UrlRoot) -> Result<String, ConfigError> {
        let url = self.required("url", "the tracker's address")?;
        site_url::check(url.get_ref(), root).map_err(|m| self.err(url.span(), m))
    }

    /// The name of the environment variable that holds a secret (never the secret).
    pub fn env_name(&self, key: &str) -> Result<String, ConfigError> {
        let v = self.required(
            key,
            "the name of the environment variable that holds the secret",
        )?;
        let name = v.get_ref();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(self.err(
                v.span(),
                format!(
                    "{name:?} is not an environment variable name; `{key}` names the variable, \
                     the secret itself stays out of the file"
                ),
            ));
        }
        Ok(name.clone())
    }

    /// A list of strings; empty when the table does not set it.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        Ok(self
            .get::<Vec<String>>(key)?
            .map(Spanned::into_inner)
            .unwrap_or_default())
    }

    /// A duration (`90s`, `5m`, `1h`), `default` when the table does not set it.
    pub fn duration(&self, key: &str, default: Duration) -> Result<Duration, ConfigError> {
        match self.string(key)? {
            Some(s) => duration::parse(s.get_ref()).map_err(|m| self.err(s.span(), m)),
            None => Ok(default),
        }
    }
}
