import CallCenterClient
import Foundation
import XCTest

extension CallCenterConnection {
    /// As an admin: creates agent `id` at `seat`, logs them in and makes them ready.
    func readyAgent(_ id: String, seat: String) throws {
        _ = try call("agent.upsert", ["agent": id, "seat": seat])
        _ = try call("agent.login", ["agent": id])
        _ = try call("agent.state", ["agent": id, "state": "ready"])
    }

    /// The error of an `ok: false` reply to `op` (fails the test if it succeeded).
    func failure(_ op: String, _ fields: [String: Any] = [:], file: StaticString = #filePath, line: UInt = #line) -> RemoteError? {
        do {
            let result = try call(op, fields)
            XCTFail("\(op) succeeded but should have failed: \(result)", file: file, line: line)
            return nil
        } catch let error as RemoteError {
            return error
        } catch {
            XCTFail("\(op): unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    /// Waits for the next pushed event named `name`, skipping others.
    func event(named name: String, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let event = try nextEvent(timeout: deadline.timeIntervalSinceNow) else { break }
            if event["event"] as? String == name { return event }
        }
        XCTFail("no '\(name)' event within \(timeout) s", file: file, line: line)
        throw ClientError(.timeout, "no \(name) event")
    }

    /// Reads the next raw message (reply or event) and returns it as a dictionary.
    func nextObject(timeout: Double = 5) throws -> [String: Any]? {
        try next(timeout: timeout)?.body
    }
}

/// Runs a command and returns its exit status and output.
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
