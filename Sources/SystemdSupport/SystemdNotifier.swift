import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Tells the service manager how the daemon is doing (`sd_notify(3)`).
///
/// Every call is a no-op when `NOTIFY_SOCKET` is not set, so the daemon can call
/// these unconditionally: run by hand, nothing happens; run by systemd as a
/// `Type=notify` service, the unit learns when the daemon is ready, reloading or
/// stopping, shows the `STATUS=` text in `systemctl status`, and is restarted
/// when `WATCHDOG=1` pings stop arriving.
public enum SystemdNotifier: Sendable {
    // MARK: - Environment

    /// Whether a service manager is listening (`NOTIFY_SOCKET` is set and not empty).
    public static var isEnabled: Bool {
        guard let value = getenv("NOTIFY_SOCKET") else { return false }
        return value.pointee != 0
    }

    /// How often systemd expects a `WATCHDOG=1` ping (`WatchdogSec=` of the unit),
    /// or `nil` when the watchdog is off or meant for another process.
    ///
    /// Ping at about half this interval.
    public static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    // MARK: - Sending

    /// Sends one notification (newline-separated `KEY=value` assignments).
    ///
    /// - Returns: `true` when the message was delivered, `false` when there is no
    ///   `NOTIFY_SOCKET` or sending failed (the daemon carries on either way).
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        guard isEnabled else { return false }
        return sd_notify(0, state) > 0
    }

    /// `READY=1`: start-up is complete (the socket is live, the journal recovered).
    @discardableResult
    public static func ready() -> Bool {
        notify("READY=1")
    }

    /// `STOPPING=1`: a graceful shutdown has begun.
    @discardableResult
    public static func stopping() -> Bool {
        notify("STOPPING=1")
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=`: the configuration is being reloaded.
    ///
    /// Send ``ready()`` again once the reload is done. The monotonic timestamp is
    /// what `Type=notify-reload` (systemd 253+) uses to match the two messages.
    @discardableResult
    public static func reloading() -> Bool {
        notify("RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds())")
    }

    /// `STATUS=text`: a one-line summary shown by `systemctl status`.
    ///
    /// Newlines in `text` would start a new assignment, so they become spaces.
    @discardableResult
    public static func status(_ text: String) -> Bool {
        let line = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
        return notify("STATUS=\(line)")
    }

    /// `WATCHDOG=1`: the daemon is alive; resets the unit's watchdog timer.
    @discardableResult
    public static func watchdog() -> Bool {
        notify("WATCHDOG=1")
    }

    // MARK: - Clock

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd uses for `MONOTONIC_USEC=`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}

/// Process-wide memory settings for a long-running daemon.
public enum DaemonMemory {
    /// Keeps freed memory in the process (up to 64 MiB at a heap's top; blocks
    /// under 16 MiB from the heap, not from `mmap`). With glibc's defaults the
    /// engine thread handed pages back after each pass and faulted them in again
    /// on the next: about half the time of a lightly loaded commit (found with
    /// `perf` and `strace -c`; see docs/benchmarks.md).
    public static func keepFreedMemory() {
        callcenterd_keep_freed_memory(64 << 20, 16 << 20)
    }
}
