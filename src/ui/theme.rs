//! What a frame is drawn with: a style per role, from the chosen palette (already fitted to
//! the terminal's colours) or the monochrome one (`NO_COLOR`, `[ui] color = false`), and the
//! glyphs the terminal can show. Draw functions ask for roles, never for colours.

use ratatui::style::{Color, Style};
use ratatui::widgets::Block;

use super::glyphs::Glyphs;
use crate::palette::{Palette, Role};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    palette: Palette,
    color: bool,
    glyphs: Glyphs,
}

impl Theme {
    /// The default palette (or none without colour) and UTF-8 glyphs.
    pub fn new(color: bool) -> Theme {
        Theme::with(&Palette::default(), color, Glyphs::UNICODE)
    }

    /// `palette` when `color`, else the monochrome palette: no colour reaches the screen.
    pub fn with(palette: &Palette, color: bool, glyphs: Glyphs) -> Theme {
        Theme {
            palette: if color { *palette } else { Palette::mono() },
            color,
            glyphs,
        }
    }

    pub fn glyphs(&self) -> &Glyphs {
        &self.glyphs
    }

    pub fn style(&self, role: Role) -> Style {
        self.palette.get(role)
    }

    pub fn brand(&self) -> Style {
        self.style(Role::Brand)
    }

    pub fn tab(&self) -> Style {
        self.style(Role::Tab)
    }

    pub fn tab_active(&self) -> Style {
        self.style(Role::TabActive)
    }

    pub fn header(&self) -> Style {
        self.style(Role::Header)
    }

    /// The header cell of the column the table is sorted by.
    pub fn sorted(&self) -> Style {
        self.style(Role::Sorted)
    }

    pub fn selected(&self) -> Style {
        self.style(Role::Selected)
    }

    pub fn dim(&self) -> Style {
        self.style(Role::Dim)
    }

    pub fn flag(&self) -> Style {
        self.style(Role::Flag)
    }

    pub fn warn(&self) -> Style {
        self.style(Role::Warn)
    }

    pub fn ok(&self) -> Style {
        self.style(Role::Ok)
    }

    pub fn border(&self) -> Style {
        self.style(Role::Border)
    }

    /// A row the user marked.
    pub fn marked(&self) -> Style {
        self.style(Role::Marked)
    }

    /// A row that changed since the user last saw it.
    pub fn changed(&self) -> Style {
        self.style(Role::Changed)
    }

    /// A line telling the user what just happened.
    pub fn notice(&self) -> Style {
        self.style(Role::Notice)
    }

    pub fn error(&self) -> Style {
        self.style(Role::Error)
    }

    /// A bordered block in the theme's border style and the terminal's border characters.
    pub fn block(&self) -> Block<'static> {
        Block::bordered()
            .border_set(self.glyphs.border)
            .border_style(self.border())
    }

    /// Styles and fill characters for the parts of a distribution bar: told apart by colour,
    /// and by character when there is none. The colours are the 16 ANSI ones, as the default
    /// palette's.
    pub fn series(&self) -> [(Style, char); 4] {
        let fill = self.glyphs.fill;
        if self.color {
            [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green]
                .map(|c| (Style::new().fg(c), fill))
        } else {
            [
                (Style::new(), '#'),
                (Style::new(), '='),
                (Style::new(), '-'),
                (Style::new(), '.'),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn without_colour_no_role_has_one_whatever_the_palette() {
        let mut loud = Palette::default();
        loud.set(
            Role::Dim,
            Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Red),
        );
        let t = Theme::with(&loud, false, Glyphs::ASCII);
        for role in Role::ALL {
            let s = t.style(role);
            assert!(s.fg.is_none() && s.bg.is_none(), "{}", role.name());
        }
        assert!(t.series().iter().all(|(s, _)| s.fg.is_none()));
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
        let coloured = Theme::with(&loud, true, Glyphs::UNICODE);
        assert_eq!(coloured.dim().bg, Some(Color::Red));
    }
}
