import ArgumentParser
import CallCenterWire

/// `callctl`: the command-line client of `callcenterd`.
///
/// Every subcommand connects to the daemon's socket, says `hello` in a role, and
/// makes one or a few requests. Exit codes: 0 success, 1 the daemon answered with
/// an error, 64 usage error, 65 a bad CSV file (imports) or an output file that
/// cannot be written (export), 69 the daemon cannot be reached (or went away),
/// 75 a subscription was dropped for reading too slowly (`tail`), 76 the daemon
/// sent something that is not the protocol.
@main
struct CallCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callctl",
        abstract: "Command-line client of callcenterd.",
        discussion: """
            The daemon's socket is --socket, else $CALLCENTERD_SOCKET, else the daemon's \
            default path. Exit codes: 0 ok, 1 the daemon answered with an error, 64 usage, \
            65 a bad CSV file or an unwritable output file, 69 cannot reach the daemon, \
            75 tail was dropped (overflow), 76 protocol error.
            """,
        version: DaemonVersion.string,
        subcommands: [
            Ping.self, Tail.self, Stats.self, Agents.self,
            QueueCommand.self, AgentCommand.self, CallCommand.self, Bench.self,
            ComplaintsCommand.self, ReportCommand.self,
            Customers.self, CustomerCommand.self, Audit.self, NumberCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
