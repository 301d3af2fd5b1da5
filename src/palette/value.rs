//! Style values as users write them: `"yellow bold"`, `"#ff8800 on blue underline"`,
//! `"reverse"`, `"none"`.

use ratatui::style::{Color, Modifier, Style};

/// The 16 ANSI colours by the names users write, with ratatui's name for each. `white` is
/// ANSI 7 (ratatui's `Gray`) and `bright-white` ANSI 15, as terminals name them.
const NAMES: [(&str, Color); 16] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("white", Color::Gray),
    ("bright-black", Color::DarkGray),
    ("bright-red", Color::LightRed),
    ("bright-green", Color::LightGreen),
    ("bright-yellow", Color::LightYellow),
    ("bright-blue", Color::LightBlue),
    ("bright-magenta", Color::LightMagenta),
    ("bright-cyan", Color::LightCyan),
    ("bright-white", Color::White),
];

const MODIFIERS: [(&str, Modifier); 10] = [
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underline", Modifier::UNDERLINED),
    ("underlined", Modifier::UNDERLINED),
    ("reverse", Modifier::REVERSED),
    ("reversed", Modifier::REVERSED),
    ("strikethrough", Modifier::CROSSED_OUT),
    ("crossed-out", Modifier::CROSSED_OUT),
    ("blink", Modifier::SLOW_BLINK),
];

/// A colour: one of the 16 names (also `gray`/`grey` for bright-black, `default` for the
/// terminal's own) or `#rrggbb`.
fn color(word: &str) -> Option<Color> {
    let w = word.to_ascii_lowercase().replace('_', "-");
    if let Some(hex) = w.strip_prefix('#') {
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let n = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
    }
    match w.as_str() {
        "default" => return Some(Color::Reset),
        "gray" | "grey" => return Some(Color::DarkGray),
        _ => {}
    }
    NAMES.iter().find(|(n, _)| *n == w).map(|(_, c)| *c)
}

const HELP: &str = "write colours (red, bright-blue, #ff8800), `on COLOUR` for the background, \
                    and bold, dim, italic, underline, reverse or strikethrough; `none` for plain";

/// Reads one style value; the error says what is wrong and how to write it.
pub fn parse_style(text: &str) -> Result<Style, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] => return Err(format!("an empty style; {HELP}")),
        [only] if only.eq_ignore_ascii_case("none") => return Ok(Style::new()),
        _ => {}
    }
    let mut style = Style::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if lower == "on" {
            let Some(next) = words.next() else {
                return Err(format!("`on` needs a background colour after it; {HELP}"));
            };
            let bg = color(next).ok_or_else(|| not_a_colour(next))?;
            if style.bg.is_some() {
                return Err(format!("{text:?} names two backgrounds"));
            }
            style = style.bg(bg);
        } else if let Some((_, m)) = MODIFIERS.iter().find(|(n, _)| *n == lower) {
            style = style.add_modifier(*m);
        } else if let Some(fg) = color(word) {
            if style.fg.is_some() {
                return Err(format!(
                    "{text:?} names two text colours; write `on` before the background"
                ));
            }
            style = style.fg(fg);
        } else if word.starts_with('#') {
            return Err(not_a_colour(word));
        } else {
            return Err(format!("{word:?} is not a colour or a style; {HELP}"));
        }
    }
    Ok(style)
}

fn not_a_colour(word: &str) -> String {
    format!(
        "{word:?} is not a colour; use one of {}, default, or #rrggbb",
        NAMES.map(|(n, _)| n).join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_colours_backgrounds_and_modifiers_in_any_order() {
        assert_eq!(
            parse_style("yellow bold"),
            Ok(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
        );
        assert_eq!(
            parse_style("#ff8800 on blue underline"),
            Ok(Style::new()
                .fg(Color::Rgb(0xff, 0x88, 0x00))
                .bg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED))
        );
        assert_eq!(
            parse_style("bold on bright-black Cyan"),
            Ok(Style::new()
                .fg(Color::Cyan)
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD))
        );
        assert_eq!(
            parse_style("reverse"),
            Ok(Style::new().add_modifier(Modifier::REVERSED))
        );
        assert_eq!(parse_style("  none "), Ok(Style::new()));
        assert_eq!(parse_style("default"), Ok(Style::new().fg(Color::Reset)));
        assert_eq!(parse_style("white"), Ok(Style::new().fg(Color::Gray)));
        assert_eq!(
            parse_style("bright_white"),
            Ok(Style::new().fg(Color::White))
        );
    }

    #[test]
    fn refuses_what_it_cannot_read_and_says_why() {
        let err = |t: &str| parse_style(t).expect_err(t);
        assert!(err("").contains("empty"));
        assert!(err("yelow").contains("\"yelow\" is not a colour or a style"));
        assert!(err("#ff88").contains("\"#ff88\" is not a colour"));
        assert!(err("#gg0000").contains("not a colour"));
        assert!(err("red on").contains("`on` needs a background"));
        assert!(err("red on bold").contains("\"bold\" is not a colour"));
        assert!(err("red blue").contains("two text colours"));
        assert!(err("on red on blue").contains("two backgrounds"));
        assert!(err("none bold").contains("not a colour or a style"));
    }
}
