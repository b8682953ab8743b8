import CallCenterClient
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real `callcenterd` binary, started on a temporary socket and database,
/// with a test `NOTIFY_SOCKET` so tests see READY=1 / STOPPING=1 as systemd would.
final class DaemonProcess {
    let directory: URL
    var socketPath: String { directory.appendingPathComponent("cc.sock").path }
    var databasePath: String { directory.appendingPathComponent("cc.sqlite").path }
    var configPath: String { directory.appendingPathComponent("callcenterd.toml").path }
    var logPath: String { directory.appendingPathComponent("daemon.log").path }
    let notify: NotifyListener
    private(set) var process: Process?

    /// Where the build put our executables (next to the test bundle).
    static var binDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent()
    }

    static var daemonBinary: String { binDirectory.appendingPathComponent("callcenterd").path }
    static var callctlBinary: String { binDirectory.appendingPathComponent("callctl").path }

    init(config: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ccd-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        notify = try NotifyListener(path: directory.appendingPathComponent("notify.sock").path)
        if let config { try config.write(toFile: configPath, atomically: true, encoding: .utf8) }
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the daemon and waits for READY=1.
    func start(extraArguments: [String] = [], environment extra: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.daemonBinary)
        var args = ["--socket", socketPath, "--database", databasePath]
        if FileManager.default.fileExists(atPath: configPath) { args += ["--config", configPath] }
        p.arguments = args + extraArguments
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify.path
        env.removeValue(forKey: "LISTEN_FDS")
        env.removeValue(forKey: "JOURNAL_STREAM")
        env.merge(extra) { _, new in new }
        p.environment = env
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardError = log
        p.standardOutput = log
        notify.reset()
        try p.run()
        process = p
        guard notify.waitFor("READY=1", timeout: 20) else {
            XCTFail("daemon did not report READY=1; log:\n\(self.log)", file: file, line: line)
            throw DaemonError.notReady
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `kill -9`: nothing gets a chance to flush.
    func crash() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process else { return -1 }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    func connect(timeout: Double = 10) throws -> CallCenterConnection {
        try CallCenterConnection(socketPath: socketPath, timeout: timeout)
    }

    /// A connection that has said hello in `role`.
    func session(_ role: String, agent: String? = nil, token: String? = nil) throws -> CallCenterConnection {
        let c = try connect()
        try c.hello(role: role, agent: agent, token: token, client: "e2e")
        return c
    }

    enum DaemonError: Error { case notReady }
}

/// A datagram socket standing in for systemd's notify socket.
final class NotifyListener {
    let path: String
    private let fd: Int32
    private(set) var received: [String] = []

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(fd) }

    /// Forgets what an earlier daemon process sent.
    func reset() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
        received = []
    }

    /// Reads datagrams until one contains `text` (true) or the time runs out.
    func waitFor(_ text: String, timeout: Double) -> Bool {
        if received.contains(where: { $0.contains(text) }) { return true }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }
            let message = String(decoding: buffer[0..<n], as: UTF8.self)
            received.append(message)
            if message.contains(text) { return true }
        }
        return false
    }
}
