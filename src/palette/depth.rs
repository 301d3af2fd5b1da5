//! How many colours the terminal shows, and the nearest colour it can show for one it cannot.
//! Decided from the environment once, by pure functions of it, so tests need no terminal.

use ratatui::style::Color;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// The 16 ANSI colours only: the terminal (or tmux without `Tc`) may show nothing else.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// `COLORTERM=truecolor|24bit` means 24-bit colour; a `TERM` with `256color` (tmux's
    /// `tmux-256color`, `screen-256color`, `xterm-256color`) the 256 palette; anything else
    /// the 16 colours every terminal has.
    pub fn detect(env: impl Fn(&str) -> Option<String>) -> ColorDepth {
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        if env("TERM").is_some_and(|t| t.contains("256color")) {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }
}

/// `NO_COLOR` set to anything but the empty string (no-color.org).
pub fn no_color(env: impl Fn(&str) -> Option<String>) -> bool {
    env("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// xterm's values for the 16 colours, the reference for "nearest".
const ANSI: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// Distance weighted for how eyes see red and blue ("redmean"), good enough to pick among
/// a palette.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let rmean = (u32::from(a.0) + u32::from(b.0)) / 2;
    let dr = (i32::from(a.0) - i32::from(b.0)).unsigned_abs();
    let dg = (i32::from(a.1) - i32::from(b.1)).unsigned_abs();
    let db = (i32::from(a.2) - i32::from(b.2)).unsigned_abs();
    (((512 + rmean) * dr * dr) >> 8) + 4 * dg * dg + (((767 - rmean) * db * db) >> 8)
}

/// The RGB value of a 256-palette index.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI[usize::from(i)].1,
        16..=231 => {
            let n = i - 16;
            (
                CUBE[usize::from(n / 36)],
                CUBE[usize::from(n / 6 % 6)],
                CUBE[usize::from(n % 6)],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

fn nearest_ansi(rgb: (u8, u8, u8)) -> Color {
    ANSI.iter()
        .min_by_key(|(_, v)| distance(rgb, *v))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

/// The nearest of the 256 palette's colour cube and grey ramp (not its first 16, whose values
/// each terminal sets its own way).
fn nearest_indexed(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|&i| distance(rgb, indexed_rgb(i)))
        .unwrap_or(16)
}

/// `color` as a terminal of `depth` can show it; the 16 named colours and the terminal's
/// default pass unchanged.
pub fn fit(color: Color, depth: ColorDepth) -> Color {
    match (color, depth) {
        (Color::Rgb(r, g, b), ColorDepth::Ansi16) => nearest_ansi((r, g, b)),
        (Color::Rgb(r, g, b), ColorDepth::Ansi256) => Color::Indexed(nearest_indexed((r, g, b))),
        (Color::Indexed(i), ColorDepth::Ansi16) => nearest_ansi(indexed_rgb(i)),
        (c, _) => c,
    }
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
    fn depth_comes_from_colorterm_then_term() {
        let d = |p: &[(&str, &str)]| ColorDepth::detect(env(p));
        assert_eq!(d(&[("COLORTERM", "truecolor")]), ColorDepth::TrueColor);
        assert_eq!(
            d(&[("COLORTERM", "24bit"), ("TERM", "xterm")]),
            ColorDepth::TrueColor
        );
        assert_eq!(d(&[("TERM", "tmux-256color")]), ColorDepth::Ansi256);
        assert_eq!(d(&[("TERM", "screen")]), ColorDepth::Ansi16);
        assert_eq!(
            d(&[("COLORTERM", "yes"), ("TERM", "linux")]),
            ColorDepth::Ansi16
        );
        assert_eq!(d(&[]), ColorDepth::Ansi16);
    }

    #[test]
    fn no_color_needs_a_value() {
        assert!(no_color(env(&[("NO_COLOR", "1")])));
        assert!(!no_color(env(&[("NO_COLOR", "")])));
        assert!(!no_color(env(&[])));
    }

    #[test]
    fn rgb_falls_back_to_the_nearest_of_sixteen() {
        let f = |r, g, b| fit(Color::Rgb(r, g, b), ColorDepth::Ansi16);
        assert_eq!(f(0xff, 0x88, 0x00), Color::Yellow);
        assert_eq!(f(0xc0, 0x10, 0x10), Color::Red);
        assert_eq!(f(0x10, 0x10, 0x10), Color::Black);
        assert_eq!(f(0xfa, 0xfa, 0xfa), Color::White);
        assert_eq!(f(0xe0, 0xe0, 0xe0), Color::Gray);
        assert_eq!(f(0x80, 0x80, 0x80), Color::DarkGray);
        assert_eq!(f(0x20, 0x30, 0xe0), Color::Blue);
        assert_eq!(f(0x00, 0xc8, 0xc8), Color::Cyan);
        assert_eq!(
            fit(Color::Indexed(196), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit(Color::Indexed(3), ColorDepth::Ansi16), Color::Yellow);
    }

    #[test]
    fn rgb_goes_to_the_256_palette_and_passes_on_truecolor() {
        assert_eq!(
            fit(Color::Rgb(0xff, 0x87, 0x00), ColorDepth::Ansi256),
            Color::Indexed(208)
        );
        assert_eq!(
            fit(Color::Rgb(0x80, 0x80, 0x80), ColorDepth::Ansi256),
            Color::Indexed(244)
        );
        assert_eq!(
            fit(Color::Rgb(1, 2, 3), ColorDepth::TrueColor),
            Color::Rgb(1, 2, 3)
        );
        for c in [Color::Reset, Color::Yellow, Color::DarkGray] {
            for d in [
                ColorDepth::Ansi16,
                ColorDepth::Ansi256,
                ColorDepth::TrueColor,
            ] {
                assert_eq!(fit(c, d), c);
            }
        }
    }
}
