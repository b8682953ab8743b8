import XCTest
import SystemdSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class SocketActivationTests: XCTestCase {
    /// Without LISTEN_FDS the process was not socket-activated: no descriptors.
    func testNoDescriptorsWithoutListenFDs() {
        withEnvironment(["LISTEN_FDS": nil, "LISTEN_PID": nil]) {
            XCTAssertEqual(SocketActivation.listenFileDescriptors(), [])
        }
    }

    /// LISTEN_FDS=1 for our pid yields fd 3, and the variables are then removed.
    func testOneDescriptorStartsAtThree() throws {
        // sd_listen_fds sets FD_CLOEXEC on each passed descriptor, so fd 3 must be open.
        var opened: Int32 = -1
        if fcntl(3, F_GETFD) < 0 {
            opened = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else { throw POSIXFailure(call: "open /dev/null") }
            if opened != 3 {
                guard dup2(opened, 3) == 3 else { throw POSIXFailure(call: "dup2") }
                close(opened)
            }
            opened = 3
        }
        defer { if opened == 3 { close(3) } }

        withEnvironment(["LISTEN_FDS": "1", "LISTEN_PID": String(getpid())]) {
            XCTAssertEqual(SocketActivation.listenFileDescriptors(), [3])
            XCTAssertNil(getenv("LISTEN_FDS"), "sd_listen_fds(1) unsets LISTEN_FDS")
            XCTAssertNil(getenv("LISTEN_PID"), "sd_listen_fds(1) unsets LISTEN_PID")
        }
    }

    /// Descriptors meant for another process (LISTEN_PID not ours) are ignored.
    func testDescriptorsForAnotherProcessAreIgnored() {
        withEnvironment(["LISTEN_FDS": "1", "LISTEN_PID": String(getpid() + 1)]) {
            XCTAssertEqual(SocketActivation.listenFileDescriptors(), [])
        }
    }
}
