import Foundation
import Histogram

/// What `callctl bench` measured, and its text and JSON forms.
struct BenchReport {
    var op: String
    var count: Int
    var window: Int
    var ok = 0
    var errors: [String: Int] = [:]
    var routes = 0
    var elapsedNanoseconds: UInt64 = 0
    /// Send-to-reply latency in microseconds.
    var latency = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    var hungUp = 0
    var hangupErrors: [String: Int] = [:]

    static let percentiles: [(label: String, value: Double)] = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)]

    mutating func record(_ reply: Pipeline.Reply, latencyNanoseconds: UInt64) {
        latency.record(latencyNanoseconds / 1000)
        if let code = reply.errorCode { errors[code, default: 0] += 1 } else { ok += 1 }
    }

    mutating func recordHangup(_ reply: Pipeline.Reply) {
        if let code = reply.errorCode { hangupErrors[code, default: 0] += 1 } else { hungUp += 1 }
    }

    var elapsedSeconds: Double { Double(elapsedNanoseconds) / 1e9 }
    var perSecond: Double { elapsedSeconds > 0 ? Double(count) / elapsedSeconds : 0 }

    func text(queue: String?, prefix: String) -> String {
        let errorCount = errors.values.reduce(0, +)
        let latencies = BenchReport.percentiles.map { "\($0.label) \(BenchReport.micros(latency.valueAtPercentile($0.value)))" }
            + ["max \(BenchReport.micros(latency.max))"]
        // A bench that offers no calls (an empty prefix) has no queue, call ids or routes to show.
        let offersCalls = !prefix.isEmpty
        var lines = [
            "\(op) × \(count), window \(window)" + (offersCalls ? ", queue \(queue ?? "(default)"), call ids \(prefix)-N" : ""),
            "  elapsed       \(String(format: "%.3f", elapsedSeconds)) s",
            "  acknowledged  \(Int(perSecond.rounded()))/s (\(ok) ok, \(errorCount) errors)",
            "  latency       " + latencies.joined(separator: "  "),
            "  errors        " + BenchReport.list(errors),
        ]
        if offersCalls { lines.append("  routes pushed \(routes)") }
        if hungUp + hangupErrors.values.reduce(0, +) > 0 {
            lines.append("  hung up       \(hungUp) calls (untimed); errors: \(BenchReport.list(hangupErrors))")
        }
        return lines.joined(separator: "\n")
    }

    func json(queue: String?, prefix: String) -> [String: Any] {
        var percentiles: [String: Any] = [:]
        for (label, value) in BenchReport.percentiles { percentiles[label] = Int(latency.valueAtPercentile(value)) }
        percentiles["max"] = Int(latency.max)
        return [
            "op": op, "count": count, "window": window, "queue": queue ?? NSNull(), "prefix": prefix,
            "elapsed_s": elapsedSeconds, "per_second": perSecond, "ok": ok, "errors": errors,
            "latency_us": percentiles, "routes": routes, "hung_up": hungUp, "hangup_errors": hangupErrors,
        ]
    }

    /// `812 µs` below a millisecond, `12.35 ms` above.
    static func micros(_ value: UInt64) -> String {
        value < 1000 ? "\(value) µs" : String(format: "%.2f ms", Double(value) / 1000)
    }

    /// `overloaded 12, conflict 3` (largest first), or `none`.
    static func list(_ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "none" }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
