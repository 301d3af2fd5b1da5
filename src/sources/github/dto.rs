//! GitHub's JSON, as its REST API sends it; private to the connector.
//!
//! Ids and numbers are read from a number or a numeric string, and names from a string or a
//! number: proxies and GitHub Enterprise versions have been seen to differ from the docs, and
//! such a difference is not worth a skipped issue.
//!
//! States, logins, label names and event kinds are short: held inline (`CompactString`), a
//! first sync of 100,000 issues and their events makes about a million fewer allocations.

use std::fmt;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    #[serde(deserialize_with = "number")]
    pub id: u64,
    #[serde(deserialize_with = "number")]
    pub number: u64,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    /// `open` or `closed`.
    #[serde(deserialize_with = "text")]
    pub state: CompactString,
    /// `completed`, `not_planned`, `duplicate` or `reopened`; absent on older servers.
    #[serde(default, deserialize_with = "optional_text")]
    pub state_reason: Option<CompactString>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(deserialize_with = "instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "instant")]
    pub updated_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "optional_instant")]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "optional_text")]
    pub html_url: Option<String>,
    /// Present on pull requests, which the issue listing mixes in.
    #[serde(default)]
    pub pull_request: Option<IgnoredAny>,
}

impl Issue {
    /// The one assignee a ticket shows: GitHub's `assignee` is the first of `assignees`.
    pub fn first_assignee(&self) -> Option<&str> {
        self.assignee
            .as_ref()
            .or_else(|| self.assignees.first())
            .map(|u| u.login.as_str())
    }
}

/// Only what decides whether a listed item is a pull request, read before the item itself:
/// a pull request that does not read as an issue is dropped, not reported.
#[derive(Debug, Deserialize)]
pub struct Kind {
    #[serde(default)]
    pub pull_request: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    #[serde(deserialize_with = "text")]
    pub login: CompactString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    #[serde(deserialize_with = "text")]
    pub name: CompactString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// Absent on some proxies; only the repository-wide list needs it (to drop an event a
    /// page shift sent twice).
    #[serde(default, deserialize_with = "optional_number")]
    pub id: Option<u64>,
    #[serde(deserialize_with = "text")]
    pub event: CompactString,
    #[serde(deserialize_with = "instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub label: Option<Label>,
    /// Which issue (or pull request) it happened to: only in the repository-wide list.
    #[serde(default)]
    pub issue: Option<IssueRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssueRef {
    #[serde(deserialize_with = "number")]
    pub number: u64,
}

#[derive(Debug, Deserialize)]
pub struct Repo {
    #[serde(deserialize_with = "text")]
    pub full_name: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "optional_text")]
    pub html_url: Option<String>,
}

/// A time as GitHub writes it (`2026-01-02T10:00:00Z`) read by hand: chrono's general
/// RFC 3339 reader was a twentieth of a first sync's reading, three times per issue and once
/// per event. Any other form (offsets, fractions, a space for the `T`) goes to chrono.
fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 time")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            if let Some(t) = github_time(v) {
                return Ok(t);
            }
            // What chrono's own reader for these fields took before (RFC 3339, relaxed).
            v.parse::<DateTime<Utc>>()
                .map_err(|e| E::custom(format!("{v:?} is not a time: {e}")))
        }
    }
    d.deserialize_str(V)
}

fn optional_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct Wrapped(DateTime<Utc>);
    impl<'de> Deserialize<'de> for Wrapped {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Wrapped, D::Error> {
            instant(d).map(Wrapped)
        }
    }
    Option::<Wrapped>::deserialize(d).map(|w| w.map(|Wrapped(t)| t))
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, else `None`.
fn github_time(v: &str) -> Option<DateTime<Utc>> {
    let b = v.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    let time = chrono::NaiveTime::from_hms_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?)?;
    Some(date.and_time(time).and_utc())
}

fn number<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is not an id")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not a number")))
        }
    }
    d.deserialize_any(V)
}

fn optional_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<IdOrText>::deserialize(d).map(|v| v.map(|IdOrText(n)| n))
}

/// An id as `number` reads it, where it may be missing.
struct IdOrText(u64);

impl<'de> Deserialize<'de> for IdOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IdOrText, D::Error> {
        number(d).map(IdOrText)
    }
}

/// Text as `S`, from a string or a number.
struct Text<S>(std::marker::PhantomData<S>);

impl<S: for<'a> From<&'a str> + From<String>> Visitor<'_> for Text<S> {
    type Value = S;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S, E> {
        Ok(S::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<S, E> {
        Ok(S::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
}

fn text<'de, D: Deserializer<'de>, S: for<'a> From<&'a str> + From<String>>(
    d: D,
) -> Result<S, D::Error> {
    d.deserialize_any(Text(std::marker::PhantomData))
}

fn optional_text<'de, D: Deserializer<'de>, S: for<'a> From<&'a str> + From<String>>(
    d: D,
) -> Result<Option<S>, D::Error> {
    struct V<S>(std::marker::PhantomData<S>);
    impl<'de, S: for<'a> From<&'a str> + From<String>> Visitor<'de> for V<S> {
        type Value = Option<S>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<S>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<S>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<S>, D::Error> {
            d.deserialize_any(Text(std::marker::PhantomData)).map(Some)
        }
    }
    d.deserialize_option(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_taken_either_way() {
        let issue: Issue = serde_json::from_str(
            r#"{"id":"901","number":12,"title":404,"state":"open","state_reason":null,
                "labels":[{"name":7}],"created_at":"2026-01-01T00:00:00Z",
                "updated_at":"2026-01-02T00:00:00Z"}"#,
        )
        .expect("tolerated");
        assert_eq!((issue.id, issue.number), (901, 12));
        assert_eq!(issue.title, "404");
        assert_eq!(issue.labels[0].name, "7");
        let odd = serde_json::from_str::<Issue>(
            r#"{"id":"x","number":1,"state":"open","created_at":"2026-01-01T00:00:00Z",
                "updated_at":"2026-01-01T00:00:00Z"}"#,
        );
        assert!(odd.is_err(), "an id that is no number is not guessed");
    }

    #[test]
    fn times_read_by_hand_agree_with_chrono_and_other_forms_still_read() {
        for v in [
            "2026-01-02T10:00:00Z",
            "1999-12-31T23:59:59Z",
            "2024-02-29T00:00:00Z",
        ] {
            let expected: DateTime<Utc> = v.parse().expect("chrono reads it");
            assert_eq!(github_time(v), Some(expected), "{v}");
        }
        for v in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02 10:00:00Z",
            "2026-01-02T10:00:00+02:00",
            "+026-01-02T10:00:00Z",
        ] {
            assert_eq!(github_time(v), None, "{v} is left to chrono");
        }
        let event: Event = serde_json::from_str(
            r#"{"event":"closed","created_at":"2026-01-02T12:00:00.250+02:00"}"#,
        )
        .expect("an offset and a fraction read through chrono");
        assert_eq!(
            event.created_at,
            "2026-01-02T10:00:00.250Z"
                .parse::<DateTime<Utc>>()
                .expect("t")
        );
        let spaced: Event =
            serde_json::from_str(r#"{"event":"closed","created_at":"2026-01-02 10:00:00Z"}"#)
                .expect("a space for the T, as chrono takes it");
        assert_eq!(
            spaced.created_at,
            event.created_at - chrono::Duration::milliseconds(250)
        );
        let bad = serde_json::from_str::<Event>(r#"{"event":"closed","created_at":"soon"}"#);
        assert!(bad.is_err(), "a time that does not read is an error");
        let closed: Issue = serde_json::from_str(
            r#"{"id":1,"number":1,"state":"closed","created_at":"2026-01-01T00:00:00Z",
                "updated_at":"2026-01-02T00:00:00Z","closed_at":null}"#,
        )
        .expect("a null closed_at");
        assert_eq!(closed.closed_at, None);
    }
}
