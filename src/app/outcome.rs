//! What `update` hands back to the event loop: whether to redraw, and the effects to run.

use super::event::Effect;

#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub redraw: bool,
    pub effects: Vec<Effect>,
}

impl Outcome {
    pub fn redraw() -> Outcome {
        Outcome {
            redraw: true,
            effects: Vec::new(),
        }
    }

    pub fn with(effect: Effect) -> Outcome {
        Outcome {
            redraw: true,
            effects: vec![effect],
        }
    }
}
