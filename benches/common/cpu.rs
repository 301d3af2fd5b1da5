//! CPU time and peak memory of the running process, from /proc, for the sync benchmarks.

/// User + system CPU seconds of a process (or `self/task/N`), from /proc.
pub fn cpu_of(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are the 14th and 15th fields; `after` starts at the 3rd. 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of this process's threads, summed by what they do, largest first: the main
/// thread fetches and maps, tokio's blocking pool writes the store.
pub fn cpu_by_thread() -> Vec<(String, f64)> {
    let own = std::fs::read_to_string("/proc/self/comm").unwrap_or_default();
    let mut by_name = std::collections::BTreeMap::<String, f64>::new();
    let tasks = std::fs::read_dir("/proc/self/task").into_iter().flatten();
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let name = match name.trim() {
            n if n == own.trim() => "fetch and map (main)".to_string(),
            n if n.starts_with("tokio-r") => "store writes (blocking pool)".to_string(),
            n => n
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
                .to_string(),
        };
        let pid = format!("self/task/{}", task.file_name().to_string_lossy());
        *by_name.entry(name).or_default() += cpu_of(&pid);
    }
    let mut out: Vec<(String, f64)> = by_name.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The thread split since `before` (a `cpu_by_thread` taken when the measure began) as one
/// line. A thread that ended meanwhile (tokio's blocking threads leave after ten idle
/// seconds) is missing from it, while the process's total keeps its time.
pub fn by_thread_line(before: &[(String, f64)]) -> String {
    let split: Vec<String> = cpu_by_thread()
        .iter()
        .map(|(n, s)| {
            let earlier = before.iter().find(|(b, _)| b == n).map_or(0.0, |(_, t)| *t);
            (n, s - earlier)
        })
        .filter(|(_, s)| *s >= 0.01)
        .map(|(n, s)| format!("{n} {s:.2} s"))
        .collect();
    format!("lookout's CPU by thread: {}", split.join("; "))
}

/// (user + system CPU seconds, peak resident MB) of this process, from /proc.
pub fn usage() -> (f64, f64) {
    let cpu = cpu_of("self");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0;
    (cpu, peak)
}
