import CallCenterDaemon
import CallCenterWire
import Foundation
import XCTest

/// Shared fixtures of the configuration tests.
enum ConfigFixture {
    /// The embedded defaults with fixed paths (independent of the user running the tests).
    static let base = DaemonConfig(defaults: DefaultPaths(socket: "/base/callcenterd.sock", database: "/base/callcenterd.sqlite"))

    static let users: [String: UInt32] = ["alice": 1001, "bob": 1002, "asterisk": 120]
    static let groups: [String: UInt32] = ["voip": 2000, "supervisors": 2001]

    /// A parser for `test.toml` with a fixed user and group database.
    static func parser(file: String = "test.toml") -> ConfigParser {
        var parser = ConfigParser(file: file)
        parser.lookupUser = { users[$0] }
        parser.lookupGroup = { groups[$0] }
        return parser
    }

    static func parse(_ text: String, over base: DaemonConfig = base) throws -> DaemonConfig {
        try parser().parse(text, over: base)
    }

    /// The package's root directory, from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A directory of its own under the temporary directory, removed after the test.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callcenterd-config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
