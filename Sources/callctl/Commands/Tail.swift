import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl tail`: follow pushed events, one line each, like `journalctl -f`.
struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow live events (calls, agents, queues, complaints) until interrupted.",
        discussion: """
            Subscribes to the topics and prints one line per event: local time, event, \
            then its fields as key=value (complaint events: complaint, customer and tier, \
            step, agent, time left to the SLA). --json prints each event line as received. \
            Exits 0 on Ctrl-C, 75 if the daemon drops the subscription because we read too slowly.
            """)

    static let validTopics = ["calls", "agents", "queues", "complaints"]

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Topics: calls, agents, queues, complaints (default: calls agents queues).")
    var topics: [String] = []

    func validate() throws {
        for topic in topics where !Tail.validTopics.contains(topic) {
            throw ValidationError("unknown topic '\(topic)': choose from \(Tail.validTopics.joined(separator: ", "))")
        }
    }

    func run() throws {
        let chosen = topics.isEmpty ? ["calls", "agents", "queues"] : topics
        signal(SIGINT) { _ in _exit(0) }
        signal(SIGTERM) { _ in _exit(0) }
        let renderer = EventLine(colored: EventLine.shouldColor())
        try reportingErrors {
            let (connection, _) = try global.connect()
            defer { connection.close() }
            _ = try connection.call("subscribe", ["topics": chosen])
            while true {
                guard let received = try connection.nextLine(timeout: .infinity) else { continue }
                guard case .event(let name, let body) = received.message else { continue }
                if global.json {
                    print(received.text)
                } else {
                    print(renderer.render(body))
                }
                fflush(stdout)
                if name == "overflow" {
                    printError("the daemon dropped this subscription: events came faster than we read them (overflow); run tail again")
                    throw ExitStatus.tempFail
                }
            }
        }
    }
}
