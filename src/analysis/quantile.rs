//! Quantiles by the inverted-CDF convention: the smallest sample with at least `p` of the
//! samples at or below it. Statements like "85 % of reviews finish within 3 days" are then
//! true of the data as it is, with no interpolated value that never occurred.

/// `sorted` must be ascending. `p` in [0, 1]. `None` when there are no samples.
pub fn inverted_cdf(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    // The epsilon keeps float noise ((1 - 0.85) * 10000 = 1500.0000000000002) from moving
    // the rank up by one.
    let rank = (p.clamp(0.0, 1.0) * n as f64 - 1e-9).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// Sorts a copy and takes the quantile; for one-off questions.
pub fn of(samples: &[f64], p: f64) -> Option<f64> {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    inverted_cdf(&v, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_real_samples() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(inverted_cdf(&xs, 0.5), Some(5.0));
        assert_eq!(inverted_cdf(&xs, 0.85), Some(9.0));
        assert_eq!(inverted_cdf(&xs, 0.851), Some(9.0));
        assert_eq!(inverted_cdf(&xs, 0.0), Some(1.0));
        assert_eq!(inverted_cdf(&xs, 1.0), Some(10.0));
    }

    #[test]
    fn empty_and_single() {
        assert_eq!(inverted_cdf(&[], 0.5), None);
        assert_eq!(inverted_cdf(&[4.0], 0.95), Some(4.0));
        assert_eq!(of(&[3.0, 1.0, 2.0], 0.5), Some(2.0));
    }
}
