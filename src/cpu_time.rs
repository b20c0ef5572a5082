//! The CPU time the calling thread has used, for tests that bound what a computation costs: on a
//! shared machine (a CI runner, tests running side by side) the wall clock measures the
//! neighbours, and a linear-time check that reads it fails when the machine is busy.

use std::time::Duration;

/// CPU time (user plus system) used by the calling thread so far.
// `clock_gettime` is the only way to read a thread's CPU clock; the call writes one plain struct.
#[allow(unsafe_code)]
pub fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec, and CLOCK_THREAD_CPUTIME_ID is a clock every
    // Linux and macOS supports.
    let result = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(result, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    /// Spinning costs this thread CPU time; sleeping does not.
    #[test]
    fn spinning_counts_and_sleeping_does_not() {
        let before = super::thread_cpu_time();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let slept = super::thread_cpu_time() - before;
        let before = super::thread_cpu_time();
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed() < std::time::Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let spun = super::thread_cpu_time() - before;
        assert!(slept < std::time::Duration::from_millis(50), "{slept:?}");
        assert!(spun > slept, "{spun:?} {slept:?}");
    }
}
