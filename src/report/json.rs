//! JSON Lines output: one object per message, schema documented in [`super`].

use std::io::{self, Write};

use super::{Message, Reporter};

pub struct JsonReporter {
    out: Box<dyn Write + Send>,
}

impl JsonReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonReporter { out }
    }
}

impl Reporter for JsonReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, message)?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
