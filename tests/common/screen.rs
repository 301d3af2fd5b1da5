//! A frame of the whole app, drawn with ratatui's TestBackend and read back as text, a row per
//! line, for rendering tests to search.

use lookout::app::State;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn screen(state: &State, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal
        .draw(|f| lookout::ui::draw(f, state))
        .expect("draw");
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
