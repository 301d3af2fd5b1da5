//! What each part of the screen looks like, by role (`warn`, `selected`, ...), as plain data:
//! the built-in themes, the style values users write in `[theme.NAME]`, and how colours are
//! brought down to what the terminal can show. Both the config (which reads user themes) and
//! the UI (which draws with them) use it, so it depends on neither.

mod depth;
mod value;

pub use depth::{ColorDepth, fit, no_color};
pub use value::parse_style;

use ratatui::style::Style;

/// A part of the screen that has its own look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Brand,
    Tab,
    TabActive,
    Header,
    Sorted,
    Selected,
    Dim,
    Ok,
    Warn,
    Flag,
    Border,
    Marked,
    Changed,
    Notice,
    Error,
}

const ROLES: usize = 15;

impl Role {
    pub const ALL: [Role; ROLES] = [
        Role::Brand,
        Role::Tab,
        Role::TabActive,
        Role::Header,
        Role::Sorted,
        Role::Selected,
        Role::Dim,
        Role::Ok,
        Role::Warn,
        Role::Flag,
        Role::Border,
        Role::Marked,
        Role::Changed,
        Role::Notice,
        Role::Error,
    ];

    /// The key naming this role in a `[theme.NAME]` table.
    pub fn name(self) -> &'static str {
        match self {
            Role::Brand => "brand",
            Role::Tab => "tab",
            Role::TabActive => "tab_active",
            Role::Header => "header",
            Role::Sorted => "sorted",
            Role::Selected => "selected",
            Role::Dim => "dim",
            Role::Ok => "ok",
            Role::Warn => "warn",
            Role::Flag => "flag",
            Role::Border => "border",
            Role::Marked => "marked",
            Role::Changed => "changed",
            Role::Notice => "notice",
            Role::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A style for every role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    styles: [Style; ROLES],
}

/// Built-in themes as users would write them. The default uses only the 16 named ANSI colours
/// and only as accents on the terminal's own foreground and background, so it reads on dark
/// and light terminals and inside tmux without truecolor; bold, underline and reverse carry
/// what matters, so the meaning survives a terminal whose palette makes a colour faint.
const DEFAULT: [(Role, &str); ROLES] = [
    (Role::Brand, "black on cyan bold"),
    (Role::Tab, "none"),
    (Role::TabActive, "cyan bold underline"),
    (Role::Header, "bold"),
    (Role::Sorted, "bold underline reverse"),
    (Role::Selected, "reverse"),
    (Role::Dim, "dim"),
    (Role::Ok, "green"),
    (Role::Warn, "yellow"),
    (Role::Flag, "red bold"),
    (Role::Border, "dim"),
    (Role::Marked, "magenta bold"),
    (Role::Changed, "cyan underline"),
    (Role::Notice, "cyan"),
    (Role::Error, "red bold"),
];

/// For light backgrounds on terminals whose yellow and cyan are pale: the darker accents.
const LIGHT: [(Role, &str); ROLES] = [
    (Role::Brand, "bright-white on blue bold"),
    (Role::Tab, "none"),
    (Role::TabActive, "blue bold underline"),
    (Role::Header, "bold"),
    (Role::Sorted, "bold underline reverse"),
    (Role::Selected, "reverse"),
    (Role::Dim, "dim"),
    (Role::Ok, "green"),
    (Role::Warn, "magenta"),
    (Role::Flag, "red bold"),
    (Role::Border, "dim"),
    (Role::Marked, "blue bold"),
    (Role::Changed, "green underline"),
    (Role::Notice, "blue"),
    (Role::Error, "red bold"),
];

/// No colour at all (`NO_COLOR`, `[ui] color = false`): selection, severity and marks told
/// apart by bold, underline and reverse alone.
const MONO: [(Role, &str); ROLES] = [
    (Role::Brand, "bold reverse"),
    (Role::Tab, "none"),
    (Role::TabActive, "bold underline"),
    (Role::Header, "bold"),
    (Role::Sorted, "bold underline reverse"),
    (Role::Selected, "reverse"),
    (Role::Dim, "none"),
    (Role::Ok, "none"),
    (Role::Warn, "underline"),
    (Role::Flag, "bold"),
    (Role::Border, "none"),
    (Role::Marked, "bold"),
    (Role::Changed, "underline"),
    (Role::Notice, "bold"),
    (Role::Error, "bold underline"),
];

impl Palette {
    /// The names `[ui] theme` accepts without a `[theme.NAME]` table.
    pub const BUILT_IN: [&'static str; 3] = ["default", "light", "mono"];

    pub fn built_in(name: &str) -> Option<Palette> {
        let table = match name {
            "default" => &DEFAULT,
            "light" => &LIGHT,
            "mono" => &MONO,
            _ => return None,
        };
        let mut p = Palette {
            styles: [Style::new(); ROLES],
        };
        for (role, text) in table {
            // The tables are constants checked by a test; a typo would show as a plain style.
            p.set(*role, parse_style(text).unwrap_or_default());
        }
        Some(p)
    }

    pub fn mono() -> Palette {
        Palette::built_in("mono").unwrap_or_default()
    }

    pub fn get(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    pub fn set(&mut self, role: Role, style: Style) {
        self.styles[role.index()] = style;
    }

    /// This palette with every colour brought down to what a terminal of `depth` shows.
    pub fn fit(&self, depth: ColorDepth) -> Palette {
        let mut out = *self;
        for s in &mut out.styles {
            s.fg = s.fg.map(|c| fit(c, depth));
            s.bg = s.bg.map(|c| fit(c, depth));
            s.underline_color = s.underline_color.map(|c| fit(c, depth));
        }
        out
    }
}

impl Default for Palette {
    fn default() -> Palette {
        let mut p = Palette {
            styles: [Style::new(); ROLES],
        };
        for (role, text) in DEFAULT {
            p.set(role, parse_style(text).unwrap_or_default());
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    #[test]
    fn every_built_in_names_every_role_once_and_parses() {
        for table in [&DEFAULT, &LIGHT, &MONO] {
            for (i, (role, text)) in table.iter().enumerate() {
                assert_eq!(*role, Role::ALL[i], "{text}");
                parse_style(text).expect("built-in style parses");
            }
        }
    }

    #[test]
    fn built_ins_use_only_the_sixteen_colours_and_never_plain_black_or_white_text() {
        for name in Palette::BUILT_IN {
            let p = Palette::built_in(name).expect("built in");
            assert_eq!(
                p.fit(ColorDepth::Ansi16),
                p,
                "{name} fits 16 colours as it is"
            );
            for role in Role::ALL {
                let s = p.get(role);
                // Black or white text is only readable on a background chosen with it.
                if matches!(s.fg, Some(Color::Black | Color::White | Color::Gray)) {
                    assert!(s.bg.is_some(), "{name}.{}: {s:?}", role.name());
                }
            }
        }
    }

    #[test]
    fn mono_has_no_colour_and_still_tells_roles_apart() {
        let m = Palette::mono();
        for role in Role::ALL {
            let s = m.get(role);
            assert!(s.fg.is_none() && s.bg.is_none(), "{}", role.name());
        }
        assert!(
            m.get(Role::Selected)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert_ne!(m.get(Role::Flag), m.get(Role::Warn));
        assert_ne!(m.get(Role::Marked), m.get(Role::Changed));
        assert_eq!(
            Palette::default(),
            Palette::built_in("default").expect("default")
        );
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.name()), Some(r));
        }
        assert_eq!(Role::from_name("selection"), None);
    }
}
