//! Styles, with a monochrome fallback (`NO_COLOR`, `[ui] color = false`) that still tells
//! selection and severity apart through bold, reverse and underline.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn pick(&self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    pub fn brand(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn tab(&self) -> Style {
        Style::new()
    }

    pub fn tab_active(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn header(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// The header cell of the column the table is sorted by.
    pub fn sorted(&self) -> Style {
        self.header()
            .add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }

    pub fn flag(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn warn(&self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new())
    }

    pub fn ok(&self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    /// Styles and fill characters for the parts of a distribution bar: told apart by colour,
    /// and by character when there is none.
    pub fn series(&self) -> [(Style, char); 4] {
        if self.color {
            [
                (Style::new().fg(Color::Cyan), '#'),
                (Style::new().fg(Color::Yellow), '#'),
                (Style::new().fg(Color::Magenta), '#'),
                (Style::new().fg(Color::Green), '#'),
            ]
        } else {
            [
                (Style::new(), '#'),
                (Style::new(), '='),
                (Style::new(), '-'),
                (Style::new(), '.'),
            ]
        }
    }

    /// A row that changed since the user last looked at its list.
    pub fn changed(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightCyan)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
        )
    }

    pub fn border(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }
}
