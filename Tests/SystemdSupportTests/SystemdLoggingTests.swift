import XCTest
import SystemdSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class SystemdLoggingTests: XCTestCase {
    /// The journal is chosen only when JOURNAL_STREAM names exactly stderr's device and inode.
    func testPrefersJournalTable() {
        let cases: [(name: String, environment: [String: String], expected: Bool)] = [
            ("matching stream", ["JOURNAL_STREAM": "64768:123456"], true),
            ("no variable", [:], false),
            ("other inode", ["JOURNAL_STREAM": "64768:123457"], false),
            ("other device", ["JOURNAL_STREAM": "64769:123456"], false),
            ("swapped", ["JOURNAL_STREAM": "123456:64768"], false),
            ("empty", ["JOURNAL_STREAM": ""], false),
            ("no colon", ["JOURNAL_STREAM": "64768123456"], false),
            ("three parts", ["JOURNAL_STREAM": "64768:123456:1"], false),
            ("missing inode", ["JOURNAL_STREAM": "64768:"], false),
            ("missing device", ["JOURNAL_STREAM": ":123456"], false),
            ("not numbers", ["JOURNAL_STREAM": "dev:ino"], false),
            ("negative", ["JOURNAL_STREAM": "-1:123456"], false),
            ("spaces", ["JOURNAL_STREAM": " 64768:123456"], false),
            ("other variable", ["INVOCATION_ID": "64768:123456"], false),
        ]
        for testCase in cases {
            XCTAssertEqual(
                SystemdLogging.prefersJournal(environment: testCase.environment, stderrDevice: 64768, stderrInode: 123_456),
                testCase.expected,
                testCase.name
            )
        }
    }

    /// stderrIsJournal() compares JOURNAL_STREAM against fstat(2) of this process's real stderr.
    func testStderrIsJournalUsesFstat() throws {
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { throw POSIXFailure(call: "fstat") }
        withEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]) {
            XCTAssertTrue(SystemdLogging.stderrIsJournal())
        }
        withEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino &+ 1)"]) {
            XCTAssertFalse(SystemdLogging.stderrIsJournal())
        }
        withEnvironment(["JOURNAL_STREAM": nil]) {
            XCTAssertFalse(SystemdLogging.stderrIsJournal())
        }
    }
}
