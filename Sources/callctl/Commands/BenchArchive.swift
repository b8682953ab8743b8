import ArgumentParser
import CallCenterClient
import Foundation

/// Load generators for the customer archive (docs/benchmarks.md).
extension Bench {
    /// The phone number of generated customer `index` (1-based): 139 and 8 digits.
    static func generatedNumber(_ index: Int) -> String { String(format: "139%08d", index) }

    /// `callctl bench customers`: fills the archive with generated customers.
    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate customers B0000001… with numbers 13900000001… (customer.import, one transaction per batch).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("How many customers.", valueName: "n")) var count = 1_000_000
        @Option(help: ArgumentHelp("Customers per customer.import request (stay under max_line_bytes).", valueName: "n")) var batch = 250
        @Option(help: ArgumentHelp("Requests in flight at once.", valueName: "w")) var window = 4
        @Option(help: ArgumentHelp("Give every customer these scores (one tier for all) instead of varied ones.", valueName: "r,f,m,custom"))
        var scores: String?

        func validate() throws {
            if let scores, scores.split(separator: ",").compactMap({ Int($0) }).count != 4 {
                throw ValidationError("--scores takes four whole numbers: r,f,m,custom")
            }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(timeout: 300)
                defer { connection.close() }
                let batches = (count + batch - 1) / batch
                let fixed = scores?.split(separator: ",").compactMap { Int($0) }
                var report = BenchReport(op: "customer.import (\(batch) rows)", count: batches, window: window)
                let started = monotonicNow()
                try Pipeline.run(connection, count: batches, window: window, request: { b in
                    let rows: [[String: Any]] = (b * batch + 1...min(count, (b + 1) * batch)).map { i in
                        ["id": String(format: "B%07d", i), "name": "Bench customer \(i)", "company": "Company \(i % 5000)",
                         "phones": [Bench.generatedNumber(i)], "account_manager": "a\(i % 50)",
                         "r_score": fixed?[0] ?? 40 + i % 61, "f_score": fixed?[1] ?? 30 + (i / 7) % 71,
                         "m_score": fixed?[2] ?? 20 + (i / 13) % 81, "custom_score": fixed?[3] ?? 50 + (i / 3) % 51]
                    }
                    return ("customer.import", ["rows": rows])
                }, onReply: { _, reply, latency in
                    report.record(reply, latencyNanoseconds: latency)
                    if let code = reply.errorCode, report.errors[code] == 1 { printError("customer.import: \(Format.compactJSON(reply.body))") }
                }, onEvent: { _ in })
                report.elapsedNanoseconds = monotonicNow() - started
                print(global.json ? Format.compactJSON(report.json(queue: nil, prefix: "B")) : report.text(queue: nil, prefix: "B")
                    + "\n  customers     \(count) in \(String(format: "%.1f", report.elapsedSeconds)) s (\(Int(Double(count) / max(report.elapsedSeconds, 1e-9)))/s)")
                if report.ok < batches { throw ExitStatus.remoteError }
            }
        }
    }

    /// `callctl bench profiles`: `caller.profile` latency through the socket.
    struct Profiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read generated customers' records (caller.profile, audited) and report latency.",
            discussion: "Run `callctl bench customers --count N` first. Each read picks a random customer among the first N.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("How many reads.", valueName: "n")) var count = 10_000
        @Option(help: ArgumentHelp("Generated customers to pick from.", valueName: "n")) var customers = 1_000_000
        @Option(help: ArgumentHelp("Look up by number (any spelling: 139 0000 0001) or by customer id.", valueName: "number|customer"))
        var by = "number"
        @Option(help: ArgumentHelp("Reads in flight at once (1: one at a time, pure latency).", valueName: "w")) var window = 1

        func validate() throws {
            guard ["number", "customer"].contains(by) else { throw ValidationError("--by is number or customer") }
            guard count > 0, customers > 0, window > 0 else { throw ValidationError("--count, --customers and --window must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(defaultRole: "supervisor", timeout: 30)
                defer { connection.close() }
                var generator = SystemRandomNumberGenerator()
                var report = BenchReport(op: "caller.profile by \(by)", count: count, window: window)
                let started = monotonicNow()
                try Pipeline.run(connection, count: count, window: window, request: { _ in
                    let i = Int.random(in: 1...customers, using: &generator)
                    if by == "customer" { return ("caller.profile", ["customer": String(format: "B%07d", i)]) }
                    let n = Bench.generatedNumber(i)
                    return ("caller.profile", ["number": "+86 \(n.prefix(3)) \(n.dropFirst(3).prefix(4)) \(n.suffix(4))"])
                }, onReply: { _, reply, latency in
                    report.record(reply, latencyNanoseconds: latency)
                }, onEvent: { _ in })
                report.elapsedNanoseconds = monotonicNow() - started
                print(global.json ? Format.compactJSON(report.json(queue: nil, prefix: "B")) : report.text(queue: nil, prefix: "B"))
                if report.ok == 0 { throw ExitStatus.remoteError }
            }
        }
    }
}
