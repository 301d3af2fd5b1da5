#!/usr/bin/env python3
"""Measure the dashboard as a user's terminal sees it: lookout runs in a pseudo-terminal on a
store of 100,000 tickets, and this script counts the bytes it writes and times its frames.

What is measured, and what the figures include:
- start: from spawning the process to the end of its first output burst (the first frame), and
  to "settled": the last byte before a second with no output and under 5 % CPU.
- key-to-frame: from writing one key to the pseudo-terminal until the last byte of the output
  burst it causes (a burst ends after QUIET seconds without output; that wait is not counted).
  It includes the kernel's pty hop both ways, crossterm's input parsing, the update, the draw
  and the write, but not a real terminal's parsing and painting. Keys go one at a time, each
  after the previous frame ended; a key that draws nothing within a timeout counts as
  "no frame" and is left out of the times. Each list's keys are split into those that move
  the highlight and those that scroll the window (a frame touching over half the rows).
- filter: `/` then the query typed a key at a time into the BIG list and into Projects (whose
  filter scans every ticket), each key timed as it applies live; then Enter, then Esc.
- idle: bytes written and CPU seconds (utime + stime from /proc/PID/stat) while nothing happens.
- resize: a new window size (TIOCSWINSZ + SIGWINCH) until the redrawn frame ends, and whether a
  clear (ESC [ 2 J) came long before the content did (a blank flash).

Standard library only. Linux only (/proc, pty). Run from the repository:
    python3 scripts/measure_tty.py                  # builds the release binary first
    python3 scripts/measure_tty.py --bin PATH --store /tmp/lookout-store --idle 60
"""

import argparse
import fcntl
import os
import random
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

QUIET = 0.05  # seconds without output that end a burst
KEY_TIMEOUT = 2.0  # seconds a key may take to start drawing before it counts as "no frame"
CLEAR = b"\x1b[2J"
FIELDS = ["project", "key", "title", "status", "priority", "assignee", "created",
          "updated", "resolved", "labels"]


# ---------------------------------------------------------------------------------------------
# The store


def write_csv(path, rows, big):
    """Tickets shaped like a Jira export: `big` of them in project BIG, the rest over 250
    projects. Two statuses in five are work in progress, mostly quiet for weeks (stalled)."""
    rnd = random.Random(7)
    epoch = time.mktime((2019, 1, 1, 9, 0, 0, 0, 0, 0))
    statuses = ["Open", "In Progress", "In Review", "Resolved", "Closed"]
    priorities = ["Blocker", "Critical", "Major", "Minor", "Trivial"]
    areas = ["login", "export", "billing", "search"]
    labels = ["backend", "frontend ux", "", "ops infra"]

    def when(t):
        return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(t))

    with open(path, "w", encoding="utf-8") as out:
        out.write(",".join(FIELDS) + "\n")
        for i in range(rows):
            project = "BIG" if i < big else "ORG%dP%d" % (i % 250 % 40, i % 250)
            created = epoch + rnd.randrange(6 * 365 * 24 * 60) * 60
            status = statuses[rnd.randrange(100) % len(statuses)]
            updated = created + (1 + rnd.randrange(90 * 24 * 60)) * 60
            resolved = when(updated) if status in ("Resolved", "Closed") else ""
            out.write('%s,%s-%d,"Ticket %d: fix the %s path when the cache is cold",%s,%s,dev%d,%s,%s,%s,%s\n' % (
                project, project, i, i, areas[i % 4], status, priorities[rnd.randrange(5)],
                rnd.randrange(3000), when(created), when(updated), resolved, labels[i % 4]))


def prepare_store(binary, root, rows, big):
    """A config and a synced store under `root`, made once and reused while the sizes match."""
    marker = os.path.join(root, "made-for")
    wanted = "rows=%d big=%d\n" % (rows, big)
    config = os.path.join(root, "lookout.toml")
    data = os.path.join(root, "data")
    if os.path.exists(marker) and open(marker).read() == wanted:
        return config, data
    os.makedirs(root, exist_ok=True)
    shutil.rmtree(data, ignore_errors=True)
    print("building a store of %d tickets (%d in BIG) in %s ..." % (rows, big, root), flush=True)
    write_csv(os.path.join(root, "tickets.csv"), rows, big)
    columns = ", ".join('%s = "%s"' % (f, f) for f in FIELDS)
    with open(config, "w") as f:
        f.write('[[source]]\nkind = "csv"\nname = "big"\npath = "tickets.csv"\n'
                'interval = "24h"\ncolumns = { %s }\n' % columns)
    started = time.monotonic()
    subprocess.run([binary, "--config", config, "--data-dir", data, "sync", "--once"],
                   check=True, env=child_env(root))
    print("  imported in %.1f s" % (time.monotonic() - started), flush=True)
    with open(marker, "w") as f:
        f.write(wanted)
    return config, data


def child_env(root):
    env = dict(os.environ)
    env.pop("LOOKOUT_CONFIG", None)
    env["XDG_CONFIG_HOME"] = os.path.join(root, "xdg-config")
    env["TERM"] = "xterm-256color"
    env["LANG"] = env.get("LANG") or "C.UTF-8"
    return env


# ---------------------------------------------------------------------------------------------
# The terminal


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        # The command name may hold spaces: fields are counted after its closing parenthesis.
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class Session:
    """lookout in a pseudo-terminal; every byte it writes is read, timed and counted."""

    def __init__(self, binary, config, data, root, cols, rows):
        self.master, slave = os.openpty()
        set_size(slave, cols, rows)
        self.started = time.monotonic()
        self.log = open(os.path.join(root, "stderr.txt"), "wb")

        def become_terminal_owner():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            [binary, "--config", config, "--data-dir", data],
            stdin=slave, stdout=slave, stderr=self.log, env=child_env(root),
            start_new_session=True, preexec_fn=become_terminal_owner, close_fds=True)
        os.close(slave)
        self.total = 0
        self.pending = b""
        self.last_frame = b""

    def answer_queries(self, chunk):
        """Reply to what crossterm may ask a terminal, so it never waits on a timeout:
        cursor position (ESC [ 6 n) and primary device attributes (ESC [ c)."""
        text = self.pending + chunk
        if b"\x1b[6n" in text:
            os.write(self.master, b"\x1b[1;1R")
        if b"\x1b[c" in text or b"\x1b[0c" in text:
            os.write(self.master, b"\x1b[?62;22c")
        self.pending = text[-4:]

    def read(self, timeout):
        """One read: (bytes, time of arrival) or (b"", None) when nothing came in `timeout`."""
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return b"", None
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the program exited and closed the terminal
            return b"", None
        now = time.monotonic()
        self.total += len(chunk)
        self.answer_queries(chunk)
        return chunk, now

    def burst(self, first_timeout):
        """The output after now: waits up to `first_timeout` for a first byte, then reads
        until QUIET seconds pass without any. Returns (bytes, first arrival, last arrival)."""
        chunk, first = self.read(first_timeout)
        if first is None:
            return b"", None, None
        out, last = bytearray(chunk), first
        while True:
            chunk, at = self.read(QUIET)
            if at is None:
                return bytes(out), first, last
            out += chunk
            last = at

    def drain(self, seconds):
        """Reads and discards output for `seconds`; returns the bytes count."""
        end, n = time.monotonic() + seconds, 0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return n
            chunk, _ = self.read(left)
            n += len(chunk)

    def key(self, data):
        """Writes one key; returns (seconds to the end of its frame, bytes) or None."""
        self.drain(0)
        sent = time.monotonic()
        os.write(self.master, data)
        out, first, last = self.burst(KEY_TIMEOUT)
        self.last_frame = out
        if first is None:
            return None
        return last - sent, len(out)

    def settle(self, limit=180.0):
        """(first frame, settled) in seconds from the start."""
        first_frame = None
        last_out = time.monotonic()
        samples = [(time.monotonic(), cpu_seconds(self.proc.pid))]
        while time.monotonic() - self.started < limit:
            if self.proc.poll() is not None:
                raise SystemExit("lookout exited with %s; see stderr.txt in the store dir"
                                 % self.proc.returncode)
            out, first, last = self.burst(0.1)
            now = time.monotonic()
            samples.append((now, cpu_seconds(self.proc.pid)))
            if first is not None:
                last_out = last
                if first_frame is None and len(out) > 200:
                    first_frame = last - self.started
                continue
            if first_frame is not None and now - last_out >= 1.0:
                window = [s for s in samples if now - s[0] <= 1.0]
                used = (window[-1][1] - window[0][1]) / max(window[-1][0] - window[0][0], 1e-3)
                if used < 0.05:
                    return first_frame, last_out - self.started
        raise SystemExit("lookout did not settle within %.0f s" % limit)

    def quit(self):
        try:
            os.write(self.master, b"q")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        self.log.close()


# ---------------------------------------------------------------------------------------------
# The measurements


def rows_touched(frame):
    """The screen rows a frame writes to: a highlight that moves touches two rows of a
    table (and a panel), a window that scrolls touches every row of it."""
    rows, i = set(), 0
    while True:
        i = frame.find(b"\x1b[", i)
        if i < 0:
            return len(rows)
        j = i + 2
        while j < len(frame) and frame[j:j + 1] in b"0123456789;":
            j += 1
        if frame[j:j + 1] == b"H" and b";" in frame[i + 2:j]:
            rows.add(int(frame[i + 2:j].split(b";")[0] or b"1"))
        i = j


class Walk:
    """Navigation keys' times and bytes, each counted as a highlight move or a scroll (a frame
    touching more than half the screen's rows)."""

    def __init__(self, screen_rows):
        self.half = screen_rows // 2
        self.times, self.sizes, self.silent = [], [], 0
        self.moves, self.scrolls = ([], []), ([], [])

    def keys(self, s, data, count):
        for _ in range(count):
            r = s.key(data)
            if r is None:  # an end of the list: the key has nothing left to do
                self.silent += 1
                return
            self.times.append(r[0])
            self.sizes.append(r[1])
            kind = self.scrolls if rows_touched(s.last_frame) > self.half else self.moves
            kind[0].append(r[0])
            kind[1].append(r[1])


def navigate(s, count, screen_rows):
    """`count` keys: `j` down from the top (the highlight moves, then the window scrolls), a
    quarter of them `k` then `j` where the walk stopped (the highlight moves mid-list), then
    `k` up from the bottom (G). Returns the Walk."""
    w = Walk(screen_rows)
    half, mid = count // 2, count // 8
    s.key(b"g")
    w.keys(s, b"j", half - 2 * mid)
    w.keys(s, b"k", mid)
    w.keys(s, b"j", mid)
    s.key(b"G")
    w.keys(s, b"k", count - half)
    return w


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))]


def row(name, times, sizes, silent=0):
    if not times:
        return "%-34s %s" % (name, "no frame")
    return "%-34s %5d  %8.1f  %8.1f  %9.0f  %9d%s" % (
        name, len(times), statistics.median(times) * 1000, p99(times) * 1000,
        statistics.median(sizes), max(sizes), "  (%d without a frame)" % silent if silent else "")


def walk_rows(name, w):
    return [row(name, w.times, w.sizes, w.silent),
            row("  highlight moves", *w.moves),
            row("  window scrolls", *w.scrolls)]


def resize(s, cols, rows):
    """Time until the frame after a resize ends, and how long before it a clear came."""
    s.drain(0.2)
    set_size(s.master, cols, rows)
    sent = time.monotonic()
    os.kill(s.proc.pid, signal.SIGWINCH)
    # A clear may come in a burst of its own; read everything for a second, timing the clear.
    out, clear_at, last = bytearray(), None, None
    end = sent + 1.0
    while time.monotonic() < end:
        chunk, at = s.read(end - time.monotonic())
        if at is None:
            break
        if clear_at is None and CLEAR in bytes(out[-3:]) + chunk:
            clear_at = at
        out += chunk
        last = at
    if last is None:
        return "%dx%d: no frame" % (cols, rows)
    text = "%dx%d: frame ends %.1f ms after SIGWINCH, %d bytes" % (
        cols, rows, (last - sent) * 1000, len(out))
    if clear_at is None:
        return text + ", no clear"
    blank = (last - clear_at) * 1000
    return text + ", clear at %.1f ms, content %.1f ms after it%s" % (
        (clear_at - sent) * 1000, blank, " (a visible blank)" if blank > 30 else "")


def filter_step(s, name, query):
    """`/`, the query a key at a time (each applied live), Enter, then Esc to clear the
    filter again: every key timed. "not available" when `/` draws nothing."""
    opened = s.key(b"/")
    if opened is None:
        return ["filter on %s: not available (`/` changes nothing on screen)" % name]
    typed, times = [], []
    for c in query:
        r = s.key(c.encode())
        typed.append("%s %s" % (c, "no frame" if r is None else "%.1f" % (r[0] * 1000)))
        if r is not None:
            times.append(r[0] * 1000)
    enter = s.key(b"\r")
    cleared = s.key(b"\x1b")
    lines = ["filter %r on %s, ms per key: / %.1f, %s" % (
        query, name, opened[0] * 1000, ", ".join(typed))]
    if times:
        lines.append("  typing median %.1f ms, max %.1f ms; Enter %s; Esc (clear) %s" % (
            statistics.median(times), max(times),
            "no frame" if enter is None else "%.1f ms" % (enter[0] * 1000),
            "no frame" if cleared is None else "%.1f ms" % (cleared[0] * 1000)))
    return lines


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%d CPUs (nproc), %s" % (os.cpu_count() or 0, model)


def build(repo):
    subprocess.run(["cargo", "build", "--release", "--bin", "lookout"], cwd=repo, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(repo, "target")
    return os.path.join(target, "release", "lookout")


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="the lookout binary (default: cargo build --release)")
    ap.add_argument("--store", help="keep the generated store here between runs")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=50_000, help="tickets in project BIG")
    ap.add_argument("--keys", type=int, default=200, help="navigation keys per list")
    ap.add_argument("--idle", type=float, default=0, help="idle seconds to measure (0: skip)")
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--query", default="cache")
    args = ap.parse_args()
    if args.big > args.rows:
        ap.error("--big cannot exceed --rows")
    cols, rows = (int(x) for x in args.size.split("x"))
    binary = os.path.abspath(args.bin) if args.bin else build(repo)
    temp = None
    if args.store:
        root = os.path.abspath(args.store)
    else:
        temp = tempfile.TemporaryDirectory(prefix="lookout-measure-")
        root = temp.name
    config, data = prepare_store(binary, root, args.rows, args.big)

    s = Session(binary, config, data, root, cols, rows)
    report = []
    try:
        first_frame, settled = s.settle()
        cpu_at_settle = cpu_seconds(s.proc.pid)
        report.append("start: first frame %.2f s, settled %.2f s (%.2f CPU s, %d bytes)" % (
            first_frame, settled, cpu_at_settle, s.total))
        report.append("")
        report.append("%-34s %5s  %8s  %8s  %9s  %9s" % (
            "key-to-frame", "keys", "med ms", "p99 ms", "med bytes", "max bytes"))
        s.key(b"1")
        report.extend(walk_rows("Projects tab j/k", navigate(s, args.keys, rows)))
        s.key(b"2")
        report.extend(walk_rows("Stalled tab j/k", navigate(s, args.keys, rows)))
        s.key(b"1")
        s.key(b"g")
        opened = s.key(b"\r")
        # BIG has the most stalled tickets, so it heads the Projects table's default order.
        shown = opened is not None and b"BIG" in s.last_frame
        s.drain(0.5)
        walk = walk_rows("BIG ticket list j/k (%d)" % args.big, navigate(s, args.keys, rows))
        walk[0] += "" if shown else "  (BIG's list did not open)"
        report.extend(walk)
        report.append("")
        report.extend(filter_step(s, "the BIG list (%d tickets)" % args.big, args.query))
        s.key(b"\x1b")
        s.key(b"1")
        report.extend(filter_step(s, "Projects (%d tickets scanned)" % args.rows, args.query))
        report.append("resize " + resize(s, cols - 20, rows - 10))
        report.append("resize " + resize(s, cols, rows))
        if args.idle > 0:
            s.drain(1.0)
            before_cpu, before_bytes = cpu_seconds(s.proc.pid), s.total
            s.drain(args.idle)
            report.append("idle %.0f s: %d bytes written, %.3f CPU s" % (
                args.idle, s.total - before_bytes, cpu_seconds(s.proc.pid) - before_cpu))
        else:
            report.append("idle: skipped (--idle 60 to measure)")
    finally:
        s.quit()
    print()
    print("machine: " + machine())
    print("binary: %s, terminal %dx%d, %d tickets (%d in BIG)" % (
        binary, cols, rows, args.rows, args.big))
    print("\n".join(report))
    if temp:
        temp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
