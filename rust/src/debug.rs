//! `--debug`: one stderr line per setup step with its duration.

use std::io::Write;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

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
        self.report(step, since.elapsed());
    }

    /// Reports `step` as having taken `took`.
    pub fn report(&self, step: &str, took: Duration) {
        if self.on {
            let line = line(step, took.as_secs_f64());
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

/// The processor time this process has used so far (all threads, user and system). The
/// child's, at its first step, is what it cost to get there: nothing much for the Rust child,
/// a fork; the Go child pays an exec and a second runtime start.
pub fn cpu() -> Duration {
    getrusage(UsageWho::RUSAGE_SELF).map_or(Duration::ZERO, |usage| {
        let time = |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
        time(usage.user_time()) + time(usage.system_time())
    })
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
