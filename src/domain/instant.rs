//! How a ticket's times are written: RFC 3339 text where people read the output (JSON),
//! and whole seconds plus nanoseconds in the store, where a sync writes four times for
//! every ticket and a start reads them all back: formatting and parsing text there costs
//! more than the rest of the record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        t.serialize(s)
    } else {
        (t.timestamp(), t.timestamp_subsec_nanos()).serialize(s)
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    if d.is_human_readable() {
        DateTime::deserialize(d)
    } else {
        let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
        DateTime::from_timestamp(secs, nanos)
            .ok_or_else(|| serde::de::Error::custom(format!("{secs} s + {nanos} ns is not a time")))
    }
}

/// The same, for a time that may be absent.
pub mod optional {
    use super::*;

    struct Written<'a>(&'a DateTime<Utc>);

    impl Serialize for Written<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, s)
        }
    }

    struct Read(DateTime<Utc>);

    impl<'de> Deserialize<'de> for Read {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Read, D::Error> {
            super::deserialize(d).map(Read)
        }
    }

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.as_ref().map(Written).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(Option::<Read>::deserialize(d)?.map(|r| r.0))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use crate::domain::Ticket;

    fn ticket() -> Ticket {
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().expect(s);
        Ticket {
            source: "ops".into(),
            id: 7,
            project: "OPS".into(),
            key: "OPS-7".into(),
            title: "t".into(),
            status: "Open".into(),
            category: crate::domain::StatusCategory::InProgress,
            assignee: None,
            priority: crate::domain::Priority::High,
            estimate: None,
            labels: vec![],
            created: at("1969-07-20T20:17:40.123456789Z"),
            updated: chrono::Utc
                .timestamp_opt(1_700_000_000, 1)
                .single()
                .expect("t"),
            started: Some(at("2024-02-29T23:59:59Z")),
            resolved: None,
            resolution: None,
            url: None,
        }
    }

    /// A ticket as the store lays it out, times as (seconds, nanoseconds).
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct StoredLayout {
        source: String,
        id: u64,
        project: String,
        key: String,
        title: String,
        status: String,
        category: crate::domain::StatusCategory,
        assignee: Option<String>,
        priority: crate::domain::Priority,
        estimate: Option<f64>,
        labels: Vec<String>,
        created: (i64, u32),
        updated: (i64, u32),
        started: Option<(i64, u32)>,
        resolved: Option<(i64, u32)>,
        resolution: Option<String>,
        url: Option<String>,
    }

    #[test]
    fn times_round_trip_exactly_in_the_store_and_stay_text_in_json() {
        let t = ticket();
        let bytes = postcard::to_stdvec(&t).expect("encode");
        let stored: Ticket = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(stored, t, "to the nanosecond, before 1970 too");
        let layout: StoredLayout = postcard::from_bytes(&bytes).expect("numbers, not text");
        assert_eq!(layout.created, (-14_182_940, 123_456_789));
        assert_eq!(layout.updated, (1_700_000_000, 1));
        assert_eq!(layout.started, Some((1_709_251_199, 0)));
        assert_eq!(layout.resolved, None);
        let json = serde_json::to_value(&t).expect("json");
        assert_eq!(json["created"], "1969-07-20T20:17:40.123456789Z");
        assert_eq!(json["started"], "2024-02-29T23:59:59Z");
        assert_eq!(json["resolved"], serde_json::Value::Null);
        let back: Ticket = serde_json::from_value(json).expect("from json");
        assert_eq!(back, t);
    }
}
