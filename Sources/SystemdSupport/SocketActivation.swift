import CSystemd

/// Sockets handed over by systemd socket activation (`sd_listen_fds(3)`).
///
/// With `callcenterd.socket` enabled, systemd binds the listening socket itself
/// and passes it to the daemon as file descriptor 3 (`SD_LISTEN_FDS_START`),
/// announced through `LISTEN_FDS` and `LISTEN_PID`. The daemon then accepts on it
/// instead of binding its configured path.
public enum SocketActivation: Sendable {
    /// The file descriptors passed by systemd, in order, or `[]` when the process
    /// was not socket-activated (or the variables were meant for another process).
    ///
    /// The descriptors are marked close-on-exec, and `LISTEN_FDS`, `LISTEN_PID`
    /// and `LISTEN_FDNAMES` are removed from the environment so that children do
    /// not inherit them: call this once at start-up and keep the result.
    public static func listenFileDescriptors() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        let start = callcenterd_listen_fds_start()
        return Array(start..<(start + count))
    }
}
