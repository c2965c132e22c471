//! CPU time of a process, from procfs.

use std::time::Duration;

/// CPU time this process has used (user + system).
pub(super) fn cpu_time() -> Option<Duration> {
    cpu_time_of("self")
}

/// CPU time process `pid` (`"self"` for this one) has used (user + system), from
/// `/proc/<pid>/stat`, whose clock ticks are 1/100 s on Linux (`USER_HZ`, fixed by the kernel
/// ABI). `None` where there is no procfs.
pub(super) fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: fields are counted after its closing paren.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After the paren: state is field 3, so utime (14) and stime (15) are the 12th and 13th.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}
