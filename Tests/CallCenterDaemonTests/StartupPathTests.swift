@testable import CallCenterDaemon
import Foundation
import XCTest

/// Where the daemon puts its socket and database: directories made with a reason
/// when they cannot be, and no socket in a directory another user could change.
final class StartupPathTests: XCTestCase {
    func testSocketDirectoryMustBeOurs() throws {
        let root = try ConfigFixture.temporaryDirectory(for: self)
        let open = root.appendingPathComponent("open").path
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
        chmod(open, 0o777)
        XCTAssertEqual(Gateway.unsafeDirectory(open), "can be written by other users (mode 777)")
        XCTAssertThrowsError(try Gateway.prepare(path: open + "/s.sock")) { error in
            XCTAssertEqual("\(error)", "the socket's directory \(open) can be written by other users (mode 777), who could replace the socket; use a directory of your own (--socket)")
        }
        chmod(open, 0o1777)  // sticky, as /tmp: others cannot rename what is ours
        XCTAssertNil(Gateway.unsafeDirectory(open))
        chmod(open, 0o755)
        XCTAssertNil(Gateway.unsafeDirectory(open))
        if getuid() == 0 {
            chown(open, 12345, 12345)
            XCTAssertEqual(Gateway.unsafeDirectory(open), "belongs to another user (uid 12345)")
        }
    }

    func testDirectoriesThatCannotBeMadeSayWhy() throws {
        let root = try ConfigFixture.temporaryDirectory(for: self)
        let file = root.appendingPathComponent("file").path
        FileManager.default.createFile(atPath: file, contents: Data())
        XCTAssertNil(makeDirectories(root.appendingPathComponent("a/b/c").path))
        XCTAssertEqual(makeDirectories(file + "/sub")?.0, file)
        XCTAssertEqual(makeDirectories(file + "/sub")?.1, "it exists and is not a directory")
        XCTAssertThrowsError(try lockDatabase(file + "/db.sqlite")) { error in
            XCTAssertEqual("\(error)", "cannot create the database's directory \(file): it exists and is not a directory")
        }
        let long = root.path + "/" + String(repeating: "x", count: 120) + ".sock"
        XCTAssertThrowsError(try Gateway.prepare(path: long)) { error in
            XCTAssertTrue("\(error)".hasSuffix("and a Unix socket's path holds at most 107; choose a shorter --socket"), "\(error)")
        }
    }
}
