#if canImport(Glibc)
import Glibc
#endif

/// Where the daemon keeps its socket and database when nothing says otherwise.
///
/// Under systemd (`RUNTIME_DIRECTORY`, `STATE_DIRECTORY` set by the unit) the
/// directories systemd made for us; as root `/run/callcenterd` and
/// `/var/lib/callcenterd`; as any other user the XDG runtime and state
/// directories (falling back to `/tmp/callcenterd-UID` and `~/.local/state`).
/// `callctl` uses the same rule to find the daemon.
public struct DefaultPaths: Sendable, Equatable {
    public var socket: String
    public var database: String

    public static let socketName = "callcenterd.sock"
    public static let databaseName = "callcenterd.sqlite"

    public init(socket: String, database: String) {
        self.socket = socket
        self.database = database
    }

    /// The defaults for this environment and user.
    public static func resolve(environment: [String: String], uid: UInt32) -> DefaultPaths {
        func firstDirectory(_ value: String?) -> String? {
            // systemd passes a colon-separated list when the unit names several.
            guard let value, !value.isEmpty else { return nil }
            return String(value.split(separator: ":").first ?? Substring(value))
        }
        let runtime: String
        let state: String
        if let dir = firstDirectory(environment["RUNTIME_DIRECTORY"]) {
            runtime = dir
        } else if uid == 0 {
            runtime = "/run/callcenterd"
        } else if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty {
            runtime = xdg + "/callcenterd"
        } else {
            runtime = "/tmp/callcenterd-\(uid)"
        }
        if let dir = firstDirectory(environment["STATE_DIRECTORY"]) {
            state = dir
        } else if uid == 0 {
            state = "/var/lib/callcenterd"
        } else if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            state = xdg + "/callcenterd"
        } else {
            state = (environment["HOME"] ?? "/tmp") + "/.local/state/callcenterd"
        }
        return DefaultPaths(socket: runtime + "/" + socketName, database: state + "/" + databaseName)
    }

    /// The defaults for the running process.
    /// Without `HOME` (`env -i`, some service managers) the home directory is the
    /// user's entry in the password database, never a shared `/tmp`.
    public static func current(environment: [String: String]) -> DefaultPaths {
        var environment = environment
        if environment["HOME"]?.isEmpty ?? true, let entry = getpwuid(getuid()), let home = entry.pointee.pw_dir {
            environment["HOME"] = String(cString: home)
        }
        return resolve(environment: environment, uid: UInt32(getuid()))
    }
}
