import ArgumentParser
import CallCenterClient
import Foundation
import Histogram

/// `callctl bench …`: load generators for docs/benchmarks.md.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load generators (for benchmarks).",
        subcommands: [Offers.self, Routes.self, Customers.self, Profiles.self, Ping.self, Reads.self, Replay.self])

    /// `callctl bench offers`: pipelined `call.offer`s, latency per request.
    struct Offers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer many calls as a PBX, pipelined, and report throughput and latency.",
            discussion: """
                Sends --count call.offer requests (unique call ids with a random prefix, varying \
                caller numbers), at most --window unanswered at a time, and measures each one from \
                send to reply. Then, unless --keep, hangs the calls up again (pipelined, untimed).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("How many calls to offer.", valueName: "n"))
        var count = 10_000

        @Option(help: ArgumentHelp("The queue to offer them to (default: the daemon chooses).", valueName: "queue"))
        var queue: String?

        @Option(help: ArgumentHelp("Most requests unanswered at once.", valueName: "w"))
        var window = 1000

        @Flag(help: "Leave the calls in place instead of hanging them up afterwards.")
        var keep = false

        @Option(help: ArgumentHelp("Call from the numbers of the first n customers `bench customers` generated (known callers).", valueName: "n"))
        var known: Int?

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be at least 1") }
            guard window > 0 else { throw ValidationError("--window must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(defaultRole: "pbx", timeout: 30)
                defer { connection.close() }
                let prefix = "bench-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
                let seed = Int.random(in: 0..<10_000_000)

                var report = BenchReport(op: "call.offer", count: count, window: window)
                var accepted: [String] = []
                accepted.reserveCapacity(count)
                let started = monotonicNow()
                try Pipeline.run(connection, count: count, window: window, request: { index in
                    var fields: [String: Any] = [
                        "call": "\(prefix)-\(index)",
                        "from": known.map { Bench.generatedNumber(1 + (seed + index &* 7919) % $0) }
                            ?? String(format: "+1555%07d", (seed + index &* 7919) % 10_000_000),
                        "to": "+15550100",
                    ]
                    if let queue { fields["queue"] = queue }
                    return ("call.offer", fields)
                }, onReply: { index, reply, latency in
                    report.record(reply, latencyNanoseconds: latency)
                    if reply.ok { accepted.append("\(prefix)-\(index)") }
                }, onEvent: { name in
                    if name == "route" { report.routes += 1 }
                })
                report.elapsedNanoseconds = monotonicNow() - started

                if !keep && !accepted.isEmpty {
                    try Pipeline.run(connection, count: accepted.count, window: window, request: { index in
                        ("call.hangup", ["call": accepted[index], "by": "caller"])
                    }, onReply: { _, reply, _ in
                        report.recordHangup(reply)
                    }, onEvent: { _ in })
                }

                print(global.json ? Format.compactJSON(report.json(queue: queue, prefix: prefix)) : report.text(queue: queue, prefix: prefix))
                if report.ok == 0 {
                    printError("every call.offer failed")
                    throw ExitStatus.remoteError
                }
            }
        }
    }
}

/// Nanoseconds on the monotonic clock.
func monotonicNow() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sends requests with at most `window` unanswered, matching replies to requests by id.
extension Bench {
    /// `callctl bench ping`: the floor of a request's latency through the socket.
    struct Ping: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time ping round trips: the socket, framing and the engine's pass, without a commit.",
            discussion: """
                ping travels the way every request does (the connection's event loop, the engine \
                thread, the reply written by the event loop) but changes nothing, so nothing is \
                committed. Its latency is the floor under every other figure through the socket, \
                on this machine.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("How many pings.", valueName: "n")) var count = 20_000
        @Option(help: ArgumentHelp("Pings in flight at once (1: one at a time, pure latency).", valueName: "w")) var window = 1

        func validate() throws {
            guard count > 0, window > 0 else { throw ValidationError("--count and --window must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(defaultRole: "supervisor", timeout: 30)
                defer { connection.close() }
                var report = BenchReport(op: "ping", count: count, window: window)
                let started = monotonicNow()
                try Pipeline.run(connection, count: count, window: window, request: { _ in ("ping", [:]) },
                                 onReply: { _, reply, latency in report.record(reply, latencyNanoseconds: latency) }, onEvent: { _ in })
                report.elapsedNanoseconds = monotonicNow() - started
                print(global.json ? Format.compactJSON(report.json(queue: nil, prefix: "")) : report.text(queue: nil, prefix: ""))
                if report.ok == 0 { throw ExitStatus.remoteError }
            }
        }
    }
}

enum Pipeline {
    /// One reply: success, error code, and the whole object.
    struct Reply {
        var ok: Bool
        var body: [String: Any]
        var errorCode: String? {
            ok ? nil : (body["error"] as? [String: Any])?["code"] as? String ?? "unknown"
        }
    }

    /// Sends `count` requests built by `request(index)`; calls `onReply(index, reply, latency)`
    /// for each reply (latency in nanoseconds, send to receipt) and `onEvent(name)` for pushed events.
    static func run(
        _ connection: CallCenterConnection, count: Int, window: Int,
        request: (Int) -> (String, [String: Any]),
        onReply: (Int, Reply, UInt64) -> Void,
        onEvent: (String) -> Void
    ) throws {
        var inFlight: [String: (index: Int, sentAt: UInt64)] = [:]
        inFlight.reserveCapacity(window)
        var sent = 0
        var completed = 0
        while completed < count {
            while sent < count && inFlight.count < window {
                let (op, fields) = request(sent)
                let sentAt = monotonicNow()
                let id = try connection.send(op, fields)
                inFlight[id] = (sent, sentAt)
                sent += 1
            }
            guard let message = try connection.next(timeout: connection.timeout) else {
                throw ClientError(.timeout, "\(inFlight.count) requests unanswered for \(connection.timeout) s",
                                  socketPath: connection.socketPath)
            }
            switch message {
            case .event(let name, _):
                onEvent(name)
            case .reply(let id, let ok, let body):
                guard let request = inFlight.removeValue(forKey: id) else {
                    throw ClientError(.badLine, "reply with an id we did not send: \(Format.compactJSON(body))",
                                      socketPath: connection.socketPath)
                }
                onReply(request.index, Reply(ok: ok, body: body), monotonicNow() - request.sentAt)
                completed += 1
            }
        }
    }
}
