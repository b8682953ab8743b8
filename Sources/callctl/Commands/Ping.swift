import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl ping`: is the daemon there, which one, and how fast does it answer.
struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that callcenterd answers.",
        discussion: "Prints: pong from <server> <version> (protocol N) in X.Y ms")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let (connection, hello) = try global.connect()
            defer { connection.close() }
            let started = Date()
            let result = try connection.call("ping")
            let milliseconds = Date().timeIntervalSince(started) * 1000
            if global.json {
                var merged = hello
                merged["ping"] = result
                merged["ms"] = milliseconds
                printJSON(merged)
                return
            }
            let server = Format.value(hello["server"] ?? "callcenterd")
            let version = hello["version"].map { " " + Format.value($0) } ?? ""
            let proto = hello["protocol"].map { " (protocol \(Format.value($0)))" } ?? ""
            print("pong from \(server)\(version)\(proto) in \(String(format: "%.1f", milliseconds)) ms")
        }
    }
}
