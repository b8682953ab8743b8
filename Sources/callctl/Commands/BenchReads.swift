import ArgumentParser
import CallCenterClient
import Foundation

extension Bench {
    /// `callctl bench reads`: a supervisor's burst of reads while calls wait.
    struct Reads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a pipelined burst of call.get or stats while many calls wait.",
            discussion: """
                Offers --waiting calls (as an admin, untimed; with no agent ready they wait), then \
                sends --count reads with at most --window unanswered and measures each from send to \
                reply, then hangs the calls up again. call.get reads the waiting calls in turn (each \
                reply carries the call's place in line); stats reads every queue's figures. The \
                latency of the last reply of a burst is how long any other client's request waits \
                behind it.
                """)

        enum Op: String, ExpressibleByArgument, CaseIterable {
            case callGet = "call.get"
            case stats
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The read: call.get or stats.", valueName: "op")) var op: Op = .callGet
        @Option(help: ArgumentHelp("Calls waiting during the reads.", valueName: "n")) var waiting = 2000
        @Option(help: ArgumentHelp("How many reads.", valueName: "n")) var count = 2000
        @Option(help: ArgumentHelp("Most reads unanswered at once.", valueName: "w")) var window = 2000

        func validate() throws {
            guard waiting > 0, count > 0, window > 0 else { throw ValidationError("--waiting, --count and --window must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(defaultRole: "admin", timeout: 60)
                defer { connection.close() }
                let prefix = "bench-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
                var offered: [String] = []
                try Pipeline.run(connection, count: waiting, window: 1000, request: { index in
                    ("call.offer", ["call": "\(prefix)-\(index)", "from": String(format: "+1555%07d", index)])
                }, onReply: { index, reply, _ in
                    if reply.ok { offered.append("\(prefix)-\(index)") }
                }, onEvent: { _ in })
                guard !offered.isEmpty else {
                    printError("no call could be offered")
                    throw ExitStatus.remoteError
                }

                var report = BenchReport(op: op.rawValue, count: count, window: window)
                let started = monotonicNow()
                try Pipeline.run(connection, count: count, window: window, request: { index in
                    op == .callGet ? ("call.get", ["call": offered[offered.count - 1 - index % offered.count]]) : ("stats", [:])
                }, onReply: { _, reply, latency in
                    report.record(reply, latencyNanoseconds: latency)
                }, onEvent: { _ in })
                report.elapsedNanoseconds = monotonicNow() - started

                try Pipeline.run(connection, count: offered.count, window: 1000, request: { index in
                    ("call.hangup", ["call": offered[index], "by": "caller"])
                }, onReply: { _, reply, _ in report.recordHangup(reply) }, onEvent: { _ in })

                print(global.json ? Format.compactJSON(report.json(queue: nil, prefix: "")) : report.text(queue: nil, prefix: "")
                    + "\n  waiting       \(offered.count) calls")
                if report.ok == 0 { throw ExitStatus.remoteError }
            }
        }
    }
}
