//! Human durations in config: `30s`, `5m`, `1h`, `2d`.

use std::time::Duration;

/// Longer intervals are almost certainly typos, and would overflow date arithmetic.
const MAX_SECS: u64 = 30 * 86_400;

pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        format!("{text:?} is not a duration; write a number and a unit, like 30s or 5m")
    })?;
    let unit_secs = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; use s, m, h or d"
            ));
        }
    };
    let secs = n
        .checked_mul(unit_secs)
        .filter(|&s| s <= MAX_SECS)
        .ok_or_else(|| format!("{text:?} is too long; an interval can be at most 30d"))?;
    if secs == 0 {
        return Err(format!("{text:?} is zero; an interval must be at least 1s"));
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::time::Duration;

    #[test]
    fn units() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse("5x").is_err());
        assert!(parse("m").is_err());
        assert!(parse("0s").is_err());
        assert!(parse("31d").is_err());
        assert!(parse("99999999999999999999d").is_err());
        assert!(
            parse("1000000000000000000d").is_err(),
            "overflow is an error, not a panic"
        );
    }
}
