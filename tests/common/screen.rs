//! A frame of the whole app, drawn with ratatui's TestBackend and read back as text, a row per
//! line, for rendering tests to search, or as the buffer itself for tests of styles.

use lookout::app::State;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub fn buffer(state: &State, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal
        .draw(|f| lookout::ui::draw(f, state))
        .expect("draw");
    terminal.backend().buffer().clone()
}

pub fn screen(state: &State, w: u16, h: u16) -> String {
    let buf = buffer(state, w, h);
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
