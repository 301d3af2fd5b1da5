//! Text charts: columns several rows high and horizontal bars, in block characters or, on
//! terminals without UTF-8, an ASCII ramp. Plain strings, so they are built once with the
//! view and scroll with it.

/// Eighths of a cell, bottom up.
const UP_UNICODE: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The ASCII ramp: more ink for more of the cell.
const UP_ASCII: [char; 8] = [' ', '.', ':', '-', '=', '+', '*', '#'];
/// Eighths of a cell, left to right.
const ACROSS_UNICODE: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// `values` as columns `height` rows high, each `col_width` cells wide, scaled to the
/// largest; rows top first. A non-zero value always shows at least a sliver.
pub fn columns(values: &[f64], height: usize, col_width: usize, unicode: bool) -> Vec<String> {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let eighths: Vec<usize> = values
        .iter()
        .map(|&v| {
            if v <= 0.0 || max <= 0.0 {
                0
            } else {
                ((v / max * (height * 8) as f64).round() as usize).max(1)
            }
        })
        .collect();
    (0..height)
        .rev()
        .map(|row| {
            let mut line = String::with_capacity(values.len() * col_width * 3);
            for &e in &eighths {
                let fill = e.saturating_sub(row * 8).min(8);
                let c = match fill {
                    0 => ' ',
                    f if unicode => UP_UNICODE[f - 1],
                    f => UP_ASCII[f.min(7)],
                };
                line.extend(std::iter::repeat_n(c, col_width));
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// A horizontal bar for `n` of `max`, at most `width` cells; a non-zero count always shows.
pub fn bar(n: usize, max: usize, width: usize, unicode: bool) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((n as f64 / max as f64 * (width * 8) as f64).round() as usize).max(1);
    if unicode {
        let mut s = "█".repeat(eighths / 8);
        if let Some(part) = (eighths % 8).checked_sub(1) {
            s.push(ACROSS_UNICODE[part]);
        }
        s
    } else {
        "#".repeat(eighths.div_ceil(8))
    }
}

/// `values` folded into at most `cols` columns, each the mean of its run (the latest values
/// land in the last, full column).
pub fn squeeze(values: &[u32], cols: usize) -> Vec<f64> {
    let cols = cols.max(1);
    let per = values.len().div_ceil(cols).max(1);
    let skip = values.len() % per;
    let mut out = Vec::new();
    if skip > 0 {
        out.push(mean(&values[..skip]));
    }
    out.extend(values[skip..].chunks(per).map(mean));
    out
}

fn mean(run: &[u32]) -> f64 {
    if run.is_empty() {
        return 0.0;
    }
    run.iter().map(|&v| f64::from(v)).sum::<f64>() / run.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scale_to_the_largest_and_stack_whole_cells_under_the_top() {
        let rows = columns(&[0.0, 1.0, 2.0, 4.0], 2, 1, true);
        assert_eq!(rows, vec!["   █", " ▄██"]);
        let ascii = columns(&[0.0, 1.0, 2.0, 4.0], 2, 2, false);
        assert_eq!(ascii, vec!["      ##", "  ==####"]);
        assert!(ascii.iter().all(|r| r.is_ascii()));
        assert_eq!(columns(&[0.0, 0.0], 3, 1, true), vec!["", "", ""]);
        // A tiny value beside a large one still shows.
        assert_eq!(columns(&[0.01, 100.0], 1, 1, true), vec!["▁█"]);
    }

    #[test]
    fn bars_are_proportional_and_never_vanish() {
        assert_eq!(bar(4, 4, 5, true), "█████");
        assert_eq!(bar(1, 2, 5, true), "██▌");
        assert_eq!(bar(1, 2, 5, false), "###");
        assert_eq!(bar(1, 1000, 5, false), "#");
        assert_eq!(bar(0, 10, 5, true), "");
    }

    #[test]
    fn squeeze_keeps_the_latest_values_in_full_columns() {
        assert_eq!(squeeze(&[1, 2, 3, 4], 4), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(squeeze(&[9, 1, 3, 6, 9], 2), vec![5.0, 6.0]);
        assert_eq!(squeeze(&[], 3), Vec::<f64>::new());
    }
}
