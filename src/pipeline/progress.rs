//! A progress line on standard error for long working-tree scans, so a 30,000-file tree is not
//! ten silent seconds: `⠙ scanning: 12,345 files, 187.2 MB (61.3 MB/s)`. It appears only after
//! [`DELAY`] (a quick scan never flickers), only when the command asked for it (standard error
//! is a terminal and the report is for people: never under JSON or SARIF), and is erased when
//! the scan ends. It names no file: a path can hold a token, and the line is not escaped
//! output. (The history bar, with its own counts, is `input::history`'s.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::input::{Blob, Sink};

/// How long a scan runs before the progress line appears.
pub const DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(120);

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    done: AtomicBool,
}

/// A running progress line: count blobs through [`Progress::sink`], then [`Progress::finish`].
pub struct Progress {
    counters: Arc<Counters>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start the clock; the line shows after [`DELAY`] on standard error.
    pub fn start() -> Self {
        let counters = Arc::new(Counters::default());
        let shared = Arc::clone(&counters);
        let ticker = std::thread::Builder::new()
            .name("leakgate-progress".to_owned())
            .spawn(move || tick(&shared))
            .ok();
        Progress { counters, ticker }
    }

    /// A sink that counts what passes through it on its way to `inner`.
    pub fn sink<'a>(&'a self, inner: &'a dyn Sink) -> CountingSink<'a> {
        CountingSink {
            inner,
            counters: &self.counters,
        }
    }

    /// Stop and erase the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.counters.done.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

impl Drop for Progress {
    /// An error out of the scan erases the line too.
    fn drop(&mut self) {
        self.stop();
    }
}

fn tick(counters: &Counters) {
    let started = Instant::now();
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} scanning: {msg}") {
        bar.set_style(style);
    }
    let mut shown = false;
    while !counters.done.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        let elapsed = started.elapsed();
        if elapsed < DELAY {
            continue;
        }
        if !shown {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            shown = true;
        }
        let files = counters.files.load(Ordering::Relaxed);
        let bytes = counters.bytes.load(Ordering::Relaxed);
        let per_sec = bytes as f64 / elapsed.as_secs_f64();
        bar.set_message(format!(
            "{} {}, {} ({}/s)",
            indicatif::HumanCount(files),
            crate::plural::noun(files, "file", "files"),
            bytesize::ByteSize(bytes).display().si(),
            bytesize::ByteSize(per_sec as u64).display().si()
        ));
        bar.tick();
    }
    bar.finish_and_clear();
}

/// Counts blobs and bytes for the progress line, then passes everything on.
pub struct CountingSink<'a> {
    inner: &'a dyn Sink,
    counters: &'a Counters,
}

impl Sink for CountingSink<'_> {
    fn blob(&self, blob: Blob<'_>) {
        self.counters.files.fetch_add(1, Ordering::Relaxed);
        (self.counters.bytes).fetch_add(blob.data.len() as u64, Ordering::Relaxed);
        self.inner.blob(blob);
    }

    fn diagnostic(&self, diagnostic: Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }

    fn wants(&self, path: &str) -> bool {
        self.inner.wants(path)
    }
}
