//! Every symbol the screen draws beyond plain text, in a UTF-8 set and an ASCII set: the one
//! place that decides what a terminal without UTF-8 (or `--ascii`) gets.

use ratatui::symbols::{bar, border};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub unicode: bool,
    /// The mark of a ticket with a suggestion waiting.
    pub marker: &'static str,
    /// Before each line of a list of evidence.
    pub bullet: &'static str,
    /// Between a status and the next one (`In Review -> Done`).
    pub arrow: &'static str,
    /// Where text was cut.
    pub ellipsis: &'static str,
    /// Between short items on one line.
    pub dot: &'static str,
    /// A sparkline's eight heights, lowest first.
    pub levels: [char; 8],
    /// The fill of a distribution bar.
    pub fill: char,
    pub border: border::Set<'static>,
}

/// Borders made of `+`, `-` and `|`.
const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A bar chart in `#`: a bar's top rounds to a full cell from half a cell up.
const ASCII_BAR: bar::Set<'static> = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "#",
    half: "#",
    three_eighths: " ",
    one_quarter: " ",
    one_eighth: " ",
    empty: " ",
};

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        unicode: true,
        marker: "◆",
        bullet: "• ",
        arrow: "→",
        ellipsis: "…",
        dot: "·",
        levels: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
        fill: '█',
        border: border::PLAIN,
    };

    pub const ASCII: Glyphs = Glyphs {
        unicode: false,
        marker: "*",
        bullet: "- ",
        arrow: "->",
        ellipsis: "...",
        dot: "-",
        levels: ['_', '.', '-', ':', '=', '+', '*', '#'],
        fill: '#',
        border: ASCII_BORDER,
    };

    pub fn new(unicode: bool) -> Glyphs {
        if unicode {
            Glyphs::UNICODE
        } else {
            Glyphs::ASCII
        }
    }

    /// The bars of a bar chart (ratatui's set is not `Copy`, so it is made when asked for).
    pub fn bar(&self) -> bar::Set<'static> {
        if self.unicode {
            bar::NINE_LEVELS
        } else {
            ASCII_BAR
        }
    }
}

/// Whether the locale says the terminal takes UTF-8: the first of `LC_ALL`, `LC_CTYPE` and
/// `LANG` that is set and not empty decides, as the C library does. Unset means the C
/// locale, which is ASCII.
pub fn utf8_locale(env: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| env(v).filter(|s| !s.is_empty()))
        .is_some_and(|l| l.to_ascii_lowercase().replace('-', "").contains("utf8"))
}

/// A stand-in for a character an ASCII terminal cannot show: the letter without its accent
/// for the Latin letters (names like `Tomás` stay readable), `?` for the rest.
pub fn ascii_fold(c: char) -> char {
    // U+00C0..=U+00FF, then U+0100..=U+017F, each letter's base.
    const LATIN1: &str = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    const EXTENDED_A: &str = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    let n = c as usize;
    let folded = match n {
        0..=0x7f => return c,
        0xc0..=0xff => LATIN1.as_bytes().get(n - 0xc0),
        0x100..=0x17f => EXTENDED_A.as_bytes().get(n - 0x100),
        _ => None,
    };
    folded.map_or('?', |b| char::from(*b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_first_locale_variable_set_decides() {
        assert!(utf8_locale(env(&[("LANG", "en_US.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_CTYPE", "de_DE.utf8")])));
        assert!(!utf8_locale(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        // Empty values are skipped, as the C library does.
        assert!(utf8_locale(env(&[("LC_ALL", ""), ("LANG", "C.UTF-8")])));
        assert!(!utf8_locale(env(&[("LANG", "en_US.ISO-8859-1")])));
        assert!(!utf8_locale(env(&[])));
    }

    fn all_text(g: &Glyphs) -> String {
        let b = g.border;
        let r = g.bar();
        let mut s = format!(
            "{}{}{}{}{}{}",
            g.marker, g.bullet, g.arrow, g.ellipsis, g.dot, g.fill
        );
        s.extend(g.levels);
        for part in [
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
            r.full,
            r.seven_eighths,
            r.three_quarters,
            r.five_eighths,
            r.half,
            r.three_eighths,
            r.one_quarter,
            r.one_eighth,
            r.empty,
        ] {
            s.push_str(part);
        }
        s
    }

    #[test]
    fn the_ascii_set_is_ascii_and_the_unicode_set_is_not() {
        assert!(all_text(&Glyphs::ASCII).is_ascii());
        assert!(!all_text(&Glyphs::UNICODE).is_ascii());
        assert_eq!(Glyphs::new(false), Glyphs::ASCII);
        assert_eq!(Glyphs::new(true), Glyphs::UNICODE);
        // A sparkline's heights stay distinct in both sets.
        for g in [Glyphs::ASCII, Glyphs::UNICODE] {
            let mut levels = g.levels.to_vec();
            levels.dedup();
            assert_eq!(levels.len(), 8);
        }
    }

    #[test]
    fn accented_latin_letters_keep_their_base_letter() {
        let fold = |s: &str| s.chars().map(ascii_fold).collect::<String>();
        assert_eq!(fold("Tomás Novák"), "Tomas Novak");
        assert_eq!(fold("Inês Costa"), "Ines Costa");
        assert_eq!(fold("Łódź Œuvre ſ"), "Lodz Ouvre s");
        assert_eq!(fold("→ ◆ 日本"), "? ? ??");
        assert_eq!(ascii_fold('ÿ'), 'y');
        assert_eq!(ascii_fold('ſ'), 's');
    }
}
