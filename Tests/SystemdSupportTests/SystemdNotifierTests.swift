import XCTest
@testable import SystemdSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class SystemdNotifierTests: XCTestCase {
    /// Each convenience sends exactly its documented datagram to NOTIFY_SOCKET.
    func testSendsExactDatagramsToNotifySocket() throws {
        let socket = try DatagramSocket()
        withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            XCTAssertTrue(SystemdNotifier.isEnabled)

            XCTAssertTrue(SystemdNotifier.ready())
            XCTAssertEqual(socket.receive(), "READY=1")

            XCTAssertTrue(SystemdNotifier.status("3 calls waiting, 7 agents ready"))
            XCTAssertEqual(socket.receive(), "STATUS=3 calls waiting, 7 agents ready")

            XCTAssertTrue(SystemdNotifier.watchdog())
            XCTAssertEqual(socket.receive(), "WATCHDOG=1")

            XCTAssertTrue(SystemdNotifier.stopping())
            XCTAssertEqual(socket.receive(), "STOPPING=1")

            XCTAssertTrue(SystemdNotifier.notify("EXTEND_TIMEOUT_USEC=5000000"))
            XCTAssertEqual(socket.receive(), "EXTEND_TIMEOUT_USEC=5000000")
            XCTAssertNil(socket.receiveNow())
        }
    }

    /// reloading() sends RELOADING=1 with the current CLOCK_MONOTONIC time in microseconds.
    func testReloadingCarriesMonotonicTimestamp() throws {
        let socket = try DatagramSocket()
        try withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            let before = SystemdNotifier.monotonicMicroseconds()
            XCTAssertTrue(SystemdNotifier.reloading())
            let after = SystemdNotifier.monotonicMicroseconds()

            let datagram = try XCTUnwrap(socket.receive())
            let lines = datagram.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(lines.count, 2, datagram)
            XCTAssertEqual(lines.first, "RELOADING=1")
            let stamp = try XCTUnwrap(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }, datagram)
            XCTAssertTrue(lines.last?.hasPrefix("MONOTONIC_USEC=") ?? false, datagram)
            XCTAssertTrue((before...after).contains(stamp), "\(stamp) not in \(before)...\(after)")
        }
    }

    /// A multi-line status is flattened to one STATUS= assignment.
    func testStatusFlattensNewlines() throws {
        let socket = try DatagramSocket()
        withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            SystemdNotifier.status("ready\nREADY=1")
            XCTAssertEqual(socket.receive(), "STATUS=ready READY=1")
        }
    }

    /// Without NOTIFY_SOCKET every call is a no-op that reports nothing was sent.
    func testWithoutNotifySocketNothingIsSent() {
        withEnvironment(["NOTIFY_SOCKET": nil]) {
            XCTAssertFalse(SystemdNotifier.isEnabled)
            XCTAssertFalse(SystemdNotifier.ready())
            XCTAssertFalse(SystemdNotifier.status("x"))
            XCTAssertFalse(SystemdNotifier.reloading())
            XCTAssertFalse(SystemdNotifier.stopping())
            XCTAssertFalse(SystemdNotifier.watchdog())
        }
    }

    /// watchdogInterval() is WATCHDOG_USEC when WATCHDOG_PID is us, and nil otherwise.
    func testWatchdogInterval() {
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid())]) {
            XCTAssertEqual(SystemdNotifier.watchdogInterval(), .seconds(30))
        }
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1)]) {
            XCTAssertNil(SystemdNotifier.watchdogInterval())
        }
        withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            XCTAssertNil(SystemdNotifier.watchdogInterval())
        }
    }
}
