//! `--debug`: one stderr line per setup step with its duration.

use std::io::Write;
use std::time::Instant;

/// Times the setup steps of one side (parent or child): prints
/// `mvrc: debug: STEP DURATION` when on; a no-op otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Timer {
    on: bool,
}

impl Timer {
    /// A timer that prints to stderr when `on`.
    pub fn new(on: bool) -> Self {
        Timer { on }
    }

    /// Reports `step` as having taken the time since `since`.
    pub fn step(&self, step: &str, since: Instant) {
        if self.on {
            let line = line(step, since.elapsed().as_secs_f64());
            let _ = writeln!(std::io::stderr(), "mvrc: debug: {line}");
        }
    }

    /// Runs one step and reports how long it took, whatever its outcome.
    pub fn time<T>(&self, step: &str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.step(step, start);
        result
    }
}

fn line(step: &str, seconds: f64) -> String {
    format!("{step} {:.3}ms", seconds * 1000.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn format() {
        assert_eq!(super::line("clone", 0.0012345), "clone 1.234ms");
        assert_eq!(super::line("ready", 0.0), "ready 0.000ms");
    }
}
