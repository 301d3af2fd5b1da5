//! Reading the dates trackers and their exports write.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// An ISO date or date-time, with or without an offset (`+0000` or `+00:00`); naive times are
/// taken as UTC.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    // The last two are Jira's CSV export ("22/Nov/26 10:42 AM") and its 24-hour variant.
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%d/%b/%y %I:%M %p",
        "%d/%b/%y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Compact age: minutes, hours, days or weeks, whichever reads best.
pub fn format_days(d: f64) -> String {
    if d < 1.0 / 24.0 {
        format!("{}m", (d * 1440.0).round() as i64)
    } else if d < 1.0 {
        format!("{}h", (d * 24.0).round() as i64)
    } else if d < 100.0 {
        format!("{}d", d.floor() as i64)
    } else {
        format!("{}w", (d / 7.0).floor() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_instant;

    #[test]
    fn jira_iso_and_plain_forms() {
        let a = parse_instant("2009-01-07T20:26:20.000+0000").expect("jira form");
        let b = parse_instant("2009-01-07T20:26:20Z").expect("rfc3339");
        let c = parse_instant("2009-01-07 20:26:20").expect("naive");
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(
            parse_instant("2009-01-07").expect("date").to_rfc3339(),
            "2009-01-07T00:00:00+00:00"
        );
        assert_eq!(parse_instant("2009-01-07T22:26:20+02:00"), Some(b));
        assert_eq!(
            parse_instant("07/Jan/09 8:26 PM"),
            parse_instant("2009-01-07 20:26")
        );
        assert!(parse_instant("yesterday").is_none());
        assert!(parse_instant("").is_none());
    }
}
