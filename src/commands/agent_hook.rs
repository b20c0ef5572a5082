//! `leakgate agent-hook <agent>`: read one hook event from standard input, answer it in the
//! agent's protocol ([`crate::agent`]) and exit as the protocol expects (0, or 2 to block).

use std::io::{IsTerminal, Read, Write};

use crate::agent::{self, Agent, GuardOptions};
use crate::{Error, ExitStatus};

/// The largest event read: an agent's payload carries one tool call or prompt; anything larger
/// is refused (blocked) rather than read without end.
const MAX_EVENT: u64 = 64 * 1024 * 1024;

pub fn run(agent: Agent, options: &GuardOptions) -> Result<ExitStatus, Error> {
    let stdin = std::io::stdin();
    let reply = if stdin.is_terminal() {
        // Waiting on a terminal would hang a mistaken manual run: say what is expected.
        agent::answer(agent, b"", options)
    } else {
        let mut input = Vec::new();
        stdin.lock().take(MAX_EVENT + 1).read_to_end(&mut input)?;
        if input.len() as u64 > MAX_EVENT {
            input.clear();
        }
        agent::answer(agent, &input, options)
    };
    std::io::stdout()
        .lock()
        .write_all(reply.stdout.as_bytes())?;
    std::io::stderr()
        .lock()
        .write_all(reply.stderr.as_bytes())?;
    Ok(match reply.exit {
        0 => ExitStatus::Clean,
        _ => ExitStatus::Error,
    })
}
