import ArgumentParser
import CallCenterClient
import CallCenterWire
import Foundation

/// The options every subcommand takes: where the daemon is and who we are.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The daemon's socket (default: $CALLCENTERD_SOCKET, else the daemon's default path).",
        valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp(
        "Role to say hello as: admin, supervisor, pbx or agent (default: the least role the command needs: pbx for 'call offer' and 'bench offers'; supervisor for reports, complaints, audit, number flags, 'bench ping' and 'bench profiles'; admin for the rest).",
        valueName: "role"))
    var role: String?

    @Option(help: ArgumentHelp("Agent id, for an agent session.", valueName: "id"))
    var agent: String?

    @Option(help: ArgumentHelp("Agent token (default: $CALLCTL_TOKEN).", valueName: "token"))
    var token: String?

    @Flag(help: "Print the raw JSON results instead of text.")
    var json = false

    func validate() throws {
        if let role, Role(rawValue: role) == nil {
            throw ValidationError("--role must be admin, supervisor, pbx or agent, not \"\(role)\"")
        }
    }

    /// The socket path by the daemon's own rule: flag, environment, default path.
    var socketPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let socket, !socket.isEmpty { return socket }
        if let path = environment["CALLCENTERD_SOCKET"], !path.isEmpty { return path }
        return DefaultPaths.current(environment: environment).socket
    }

    /// The token: flag, else `CALLCTL_TOKEN`.
    var resolvedToken: String? {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["CALLCTL_TOKEN"], !token.isEmpty { return token }
        return nil
    }

    /// Connects and says hello as `--role`, or as `defaultRole` when none was given.
    /// - Returns: the connection and the hello result (`{server, version, protocol, role}`).
    func connect(defaultRole: String = "admin", timeout: Double = 10) throws -> (CallCenterConnection, [String: Any]) {
        let connection = try CallCenterConnection(socketPath: socketPath, timeout: timeout)
        let hello = try connection.hello(role: role ?? defaultRole, agent: agent, token: resolvedToken,
                                         client: "callctl/\(CallCtlVersion.current)")
        return (connection, hello)
    }

    /// Connects, says hello, makes one request and closes.
    func call(_ op: String, _ fields: [String: Any] = [:], defaultRole: String = "admin") throws -> [String: Any] {
        let (connection, _) = try connect(defaultRole: defaultRole)
        defer { connection.close() }
        return try connection.call(op, fields)
    }
}

/// The version callctl reports in its `hello`.
enum CallCtlVersion {
    static let current = "0.1.0"
}

extension GlobalOptions {
    /// `callctl agent remove ID`, `callctl queue remove NAME`: `<kind>.remove {<kind>: id}`, then `<kind> <id> removed`.
    func remove(_ kind: String, _ id: String) throws {
        try reportingErrors {
            let result = try call("\(kind).remove", [kind: id])
            if json { return printJSON(result) }
            print("\(kind) \(id) removed")
        }
    }
}
