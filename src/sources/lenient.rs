//! Lists from trackers read one record at a time, so one odd record costs only itself.
//!
//! Each element is first taken as raw JSON (a scan, no allocation) and then read as what the
//! connector expects; an element that does not read is kept as the reason, for the connector
//! to name in its warnings. This module owns only that reading: it never decides whether a
//! skipped record fails a sync (it must not) nor how the warning is worded for the user.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::http::{Body, HttpError};

/// A record that could not be read: who it was (as far as that could be read) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The record's `key`, else its `id`, as the tracker wrote it; `None` when neither reads.
    pub name: Option<String>,
    pub reason: String,
}

impl Unreadable {
    /// Names the record in `raw` that `error` refused.
    pub fn of(raw: &RawValue, error: &serde_json::Error) -> Unreadable {
        Unreadable {
            name: name_in(raw),
            reason: reason(error),
        }
    }

    /// The record's name, or `fallback` (what it was, where) when it had none.
    pub fn name_or<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(fallback)
    }
}

/// The key or id of a record, read again on the failure path only.
fn name_in(raw: &RawValue) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    ["key", "id", "issueId"]
        .iter()
        .find_map(|k| match &value[*k] {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// A serde error as a reason: its position is within the one record, which means nothing
/// to a user, so it is dropped.
pub fn reason(error: &serde_json::Error) -> String {
    without_position(&error.to_string()).to_string()
}

/// A serde_json message without the ` at line L column C` it ends with (an error wrapped by
/// a visitor carries two).
pub fn without_position(message: &str) -> &str {
    match message.find(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// Reads one element with `seed`, or says why it could not.
pub fn read_one<'de, S: DeserializeSeed<'de>>(
    raw: &'de RawValue,
    seed: S,
) -> Result<S::Value, Unreadable> {
    let mut reader = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut reader)
        .and_then(|v| reader.end().map(|()| v))
        .map_err(|e| Unreadable::of(raw, &e))
}

/// Why record `value` is unreadable as `T` (`error` says so), naming the field at fault: a
/// derived reader says what it expected but not where. The field is the one whose removal
/// lets the record read, or turns the error into that field missing. Only on the failure
/// path: it reads the record again once per field.
pub fn field_at_fault<T: for<'de> Deserialize<'de>>(
    value: &serde_json::Value,
    error: &serde_json::Error,
) -> String {
    let why = reason(error);
    if why.starts_with("missing field") {
        return why;
    }
    let Some(fields) = value.as_object() else {
        return why;
    };
    let culprit = fields.keys().find(|k| {
        let mut without = fields.clone();
        without.remove(*k);
        let missing = format!("missing field `{k}`");
        match T::deserialize(&serde_json::Value::Object(without)) {
            Ok(_) => true,
            Err(e) => e.to_string().contains(&missing),
        }
    });
    match culprit {
        Some(k) => format!("field `{k}`: {why}"),
        None => why,
    }
}

/// A JSON array whose elements are read one by one; unreadable ones are kept as reasons.
#[derive(Debug)]
pub struct Lenient<T>(pub Vec<Result<T, Unreadable>>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(Vec::new())
    }
}

impl<T> Lenient<T> {
    /// The records that read, and the reasons of those that did not.
    pub fn split(self) -> (Vec<T>, Vec<Unreadable>) {
        let mut good = Vec::with_capacity(self.0.len());
        let mut bad = Vec::new();
        for r in self.0 {
            match r {
                Ok(t) => good.push(t),
                Err(u) => bad.push(u),
            }
        }
        (good, bad)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(Each(PhantomData))
    }
}

struct Each<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Each<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            out.push(read_one(raw, PhantomData::<T>));
        }
        Ok(Lenient(out))
    }
}

impl<'de, T: Deserialize<'de>> Lenient<T> {
    /// A list answer read as `Body::parse` reads a `Lenient<T>`, in one pass when every
    /// record reads (nearly every page): the record-by-record reading scans each record twice,
    /// once to set it apart and once to read it, and on a first sync of 100,000 issues that
    /// second scan was a tenth of lookout's time. Only a page with an odd record, or no list
    /// at all, is read again record by record.
    pub fn from_body(body: &'de Body) -> Result<Lenient<T>, HttpError> {
        match whole::<T>(body.bytes()) {
            Some(all) => Ok(Lenient(all.into_iter().map(Ok).collect())),
            None => body.parse(),
        }
    }
}

/// Every element of a JSON array that reads whole as `T`; `None` when any does not (the
/// caller reads it again record by record, to name what it skips). The text is checked as
/// UTF-8 once, so the parser does not check each string it reads again.
pub fn whole<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Option<Vec<T>> {
    strictly(bytes)
}

/// `bytes` read as `T` in one pass, `None` when anything in it does not read: for a page
/// that wraps its list (`T` then holds a `Vec` where the lenient reading has a `Lenient`).
pub fn strictly<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Option<T> {
    strictly_with(bytes, PhantomData::<T>)
}

/// `strictly`, read with `seed` (a reader that carries what to read, as Jira's search does).
pub fn strictly_with<'de, S: DeserializeSeed<'de>>(bytes: &'de [u8], seed: S) -> Option<S::Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut reader).ok()?;
    reader.end().ok().map(|()| value)
}

/// An answer that should be a list: trackers have been seen to send an object (an error
/// body with status 200, a paged wrapper) where their docs promise an array.
#[derive(Debug)]
pub enum Listing<T> {
    Items(Lenient<T>),
    /// Not a list; what it was instead (`an object`, `a string`...).
    NotAList(&'static str),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Listing<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyListing(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Listing<T> {
    /// `Body::parse` of a `Listing<T>`, in one pass when every record reads (see
    /// `Lenient::from_body`).
    pub fn from_body(body: &'de Body) -> Result<Listing<T>, HttpError> {
        match whole::<T>(body.bytes()) {
            Some(all) => Ok(Listing::Items(Lenient(all.into_iter().map(Ok).collect()))),
            None => body.parse(),
        }
    }
}

struct AnyListing<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AnyListing<T> {
    type Value = Listing<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Listing<T>, A::Error> {
        Each(PhantomData).visit_seq(seq).map(Listing::Items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Listing<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Listing::NotAList("an object"))
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("a string"))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("a boolean"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("a number"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("a number"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("a number"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Listing<T>, E> {
        Ok(Listing::NotAList("null"))
    }
}

/// Warnings for skipped records, one line each up to `limit`, then one line for the rest:
/// a site with thousands of odd records must not bury the status line.
pub fn warn_each(lines: impl IntoIterator<Item = String>, limit: usize, out: &mut Vec<String>) {
    let mut extra = 0;
    for (i, line) in lines.into_iter().enumerate() {
        if i < limit {
            out.push(line);
        } else {
            extra += 1;
        }
    }
    if extra > 0 {
        out.push(format!(
            "... and {extra} more records skipped for the same kind of reason"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Rec {
        key: String,
        n: u32,
    }

    #[test]
    fn an_odd_element_is_named_and_the_others_read() {
        let json = r#"[{"key":"A-1","n":1},{"key":"A-2","n":"two"},{"id":7},{"key":"A-4","n":4}]"#;
        let (good, bad) = serde_json::from_str::<Lenient<Rec>>(json)
            .expect("a list")
            .split();
        assert_eq!(good.len(), 2);
        assert_eq!(good[1].key, "A-4");
        assert_eq!(bad[0].name.as_deref(), Some("A-2"));
        assert_eq!(
            bad[0].reason, "invalid type: string \"two\", expected u32",
            "no position inside the record"
        );
        assert_eq!(bad[1].name.as_deref(), Some("7"));
        assert!(bad[1].reason.contains("missing field `key`"), "{bad:?}");
    }

    #[test]
    fn the_field_that_made_a_record_unreadable_is_named() {
        let why = |v: serde_json::Value| {
            let e = Rec::deserialize(&v).expect_err("unreadable");
            field_at_fault::<Rec>(&v, &e)
        };
        assert_eq!(
            why(serde_json::json!({"key": "A-1", "n": "two"})),
            "field `n`: invalid type: string \"two\", expected u32"
        );
        assert_eq!(why(serde_json::json!({"key": "A-1"})), "missing field `n`");
        assert_eq!(
            why(serde_json::json!(5)),
            "invalid type: integer `5`, expected struct Rec"
        );
    }

    #[test]
    fn an_object_where_a_list_belongs_is_said_so() {
        let got: Listing<Rec> =
            serde_json::from_str(r#"{"errorMessages":["nope"]}"#).expect("readable");
        assert!(matches!(got, Listing::NotAList("an object")));
        let got: Listing<Rec> = serde_json::from_str(r#"[{"key":"A","n":1}]"#).expect("list");
        assert!(matches!(got, Listing::Items(l) if l.0.len() == 1));
        assert!(
            serde_json::from_str::<Lenient<Rec>>("[1,").is_err(),
            "broken JSON fails"
        );
    }

    #[test]
    fn many_skips_end_in_one_line_for_the_rest() {
        let mut out = Vec::new();
        warn_each((0..5).map(|i| format!("r{i}")), 3, &mut out);
        assert_eq!(
            out,
            [
                "r0",
                "r1",
                "r2",
                "... and 2 more records skipped for the same kind of reason"
            ]
        );
    }
}
