import CallCenterClient
import Foundation
import XCTest

/// How connections begin and end: half-closed clients, a stop while a client
/// reads slowly, the connection limit, the hello deadline, and routes whose PBX
/// connection went away.
final class ConnectionLifecycleTests: XCTestCase {
    /// `printf '…' | nc -N -U sock`: the client shuts down its sending side after its
    /// requests. Every request is answered, then the daemon closes the connection.
    func testAHalfClosedClientGetsEveryReplyThenTheClose() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let client = try RawClient(path: daemon.socketPath)
        var lines = [#"{"id":"h","op":"hello","role":"pbx"}"#]
        for i in 0..<200 { lines.append(#"{"id":"o\#(i)","op":"call.offer","call":"c\#(i)","from":"1380000\#(i)"}"#) }
        try client.send(lines.map { $0 + "\n" }.joined())
        client.shutdownWrite()
        let replies = try client.readToEnd(timeout: 20)
        XCTAssertTrue(replies.closed, "the daemon closes the connection after the last reply")
        let objects = replies.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(objects.count, 201, "a reply to the hello and to each offer")
        XCTAssertEqual(objects.filter { $0["ok"] as? Bool == true }.count, 201)
        XCTAssertEqual(objects.last?["id"] as? String, "o199")
        // The changes are there, and the daemon serves others.
        let supervisor = try daemon.session("supervisor")
        XCTAssertEqual(try supervisor.call("call.get", ["call": "c199"])["state"] as? String, "queued")
        daemon.stop()
    }

    /// SIGTERM while a client has thousands of replies unread: the daemon sends
    /// every reply (whole lines) before it closes the connection and exits.
    func testAStopSendsEveryReplyToAClientThatReadsSlowly() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nsynchronous = \"normal\"\n")
        try daemon.start()
        let client = try RawClient(path: daemon.socketPath)
        let count = 3000
        var lines = [#"{"id":"h","op":"hello","role":"pbx"}"#]
        for i in 0..<count { lines.append(#"{"id":"o\#(i)","op":"call.offer","call":"c\#(i)","from":"1380000\#(i)"}"#) }
        try client.send(lines.map { $0 + "\n" }.joined())
        // Wait until the last offer is committed (its replies are then queued for the client).
        let supervisor = try daemon.session("supervisor")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? supervisor.call("call.get", ["call": "c\(count - 1)"])) == nil { usleep(20_000) }
        XCTAssertEqual(try supervisor.call("stats")["queues"].flatMap { ($0 as? [[String: Any]])?.first?["waiting"] as? Int }, count)
        supervisor.close()

        let pid = try XCTUnwrap(daemon.process?.processIdentifier)
        kill(pid, SIGTERM)
        let replies = try client.readToEnd(timeout: 30, chunk: 4096, pause: 0.002)
        XCTAssertTrue(replies.closed)
        XCTAssertTrue(replies.rest.isEmpty, "no line cut in the middle: \(replies.rest.prefix(80))")
        let ids = replies.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String }
        XCTAssertEqual(ids.count, count + 1, "every committed request answered before the close")
        XCTAssertEqual(ids.last, "o\(count - 1)")
        XCTAssertEqual(daemon.stop(), 0)
    }

    /// Past `max_connections`, a new connection is told why and closed; once one
    /// closes, the next is admitted.
    func testConnectionsPastTheLimitAreRefusedWithAReason() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nmax_connections = 3\n")
        try daemon.start()
        let held = try (0..<3).map { _ in try daemon.session("supervisor") }
        let extra = try RawClient(path: daemon.socketPath)
        let refused = try extra.readToEnd(timeout: 10)
        XCTAssertTrue(refused.closed)
        let error = try XCTUnwrap(refused.lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "unavailable")
        XCTAssertTrue((error["message"] as? String ?? "").contains("max_connections"), "\(error)")
        XCTAssertEqual(try held[0].call("ping")["pong"] as? Bool, true, "those admitted are served")

        held[2].close()
        var admitted = false
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !admitted {
            admitted = (try? daemon.session("supervisor").call("ping")["pong"] as? Bool) == true
            if !admitted { usleep(20_000) }
        }
        XCTAssertTrue(admitted, "a closed connection frees its place")
        daemon.stop()
    }

    /// A connection that never says hello is closed after `hello_timeout`, with a
    /// reason; one that did stays open.
    func testAConnectionThatNeverSaysHelloIsClosed() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nhello_timeout = 0.3\n")
        try daemon.start()
        let greeted = try daemon.session("supervisor")
        let silent = try RawClient(path: daemon.socketPath)
        let reply = try silent.readToEnd(timeout: 10)
        XCTAssertTrue(reply.closed)
        let error = try XCTUnwrap(reply.lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "unauthenticated")
        XCTAssertEqual(error["message"] as? String, "no hello within 0.3 s; the connection is closed (send hello first, then your requests)")
        usleep(400_000)
        XCTAssertEqual(try greeted.call("ping")["pong"] as? Bool, true)
        daemon.stop()
    }

    /// A PBX that offers the call "first", then 4,000 more without reading the
    /// replies, until the daemon has taken nothing of it for `seconds` (its
    /// unsent replies are past the bound and it is no longer read).
    func pbxBehindOnReplies(_ daemon: DaemonProcess, sendingFor seconds: Double) throws -> RawClient {
        let pbx = try RawClient(path: daemon.socketPath)
        var lines = [#"{"id":"h","op":"hello","role":"pbx"}"#, #"{"id":"first","op":"call.offer","call":"first","from":"13800000000"}"#]
        for i in 0..<4000 { lines.append(#"{"id":"o\#(i)","op":"call.offer","call":"c\#(i)","from":"13800000001"}"#) }
        pbx.sendWhileTaken(lines.map { $0 + "\n" }.joined(), for: seconds)
        return pbx
    }

    /// A PBX that hangs (connected, reading nothing) while its replies pile up: a
    /// route for one of its calls is not left behind them. After 10 s without the
    /// client taking anything the connection is cut, and the route goes to the PBX
    /// that is connected.
    func testARouteForAPBXThatHungGoesToAnotherPBX() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nmax_output_bytes = 4096\n")
        try daemon.start()
        let stuck = try pbxBehindOnReplies(daemon, sendingFor: 2)
        let other = try daemon.session("pbx")
        let admin = try daemon.session("admin")
        try admin.readyAgent("a1", seat: "SIP/201")
        let route = try other.event(named: "route", timeout: 25)
        XCTAssertEqual(route["call"] as? String, "first")
        XCTAssertEqual(route["agent"] as? String, "a1")
        let cut = try stuck.readToEnd(timeout: 20)
        XCTAssertTrue(cut.closed)
        XCTAssertFalse(cut.lines.contains { $0.contains(#""event":"route""#) }, "the route went to the other PBX only")
        daemon.stop()
    }

    /// A PBX with a backlog of its own replies that keeps reading is not cut when a
    /// route comes: only events it did not ask for count against the bound.
    func testAPBXBehindOnItsOwnRepliesStillGetsItsRoute() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nmax_output_bytes = 4096\n")
        try daemon.start()
        let pbx = try pbxBehindOnReplies(daemon, sendingFor: 1)
        let admin = try daemon.session("admin")
        try admin.readyAgent("a1", seat: "SIP/201")  // its route is written behind the replies
        let read = try pbx.readToEnd(timeout: 3)
        XCTAssertFalse(read.closed, "still connected")
        XCTAssertFalse(read.lines.contains(#"{"event":"overflow"}"#))
        XCTAssertTrue(read.lines.contains { $0.contains(#""event":"route""#) && $0.contains(#""call":"first""#) })
        daemon.stop()
    }

    /// A stop ends even while clients send as fast as they can: what arrives after
    /// SIGTERM is not read.
    func testAStopEndsWhileAClientKeepsSending() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nsynchronous = \"normal\"\n")
        try daemon.start()
        let client = try RawClient(path: daemon.socketPath)
        try client.send(#"{"id":"h","op":"hello","role":"admin"}"# + "\n")
        let flood = Thread {
            let line = Array(#"{"id":1,"op":"ping"}"#.utf8 + [10])
            let batch = Array(repeating: line, count: 200).flatMap { $0 }
            while batch.withUnsafeBytes({ Glibc.send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0 {}
        }
        flood.start()
        let drain = Thread { _ = try? client.readToEnd(timeout: 60) }
        drain.start()
        usleep(500_000)
        let started = Date()
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "the daemon stopped reading and exited")
    }

    /// The PBXs that offered calls disconnect just as agents become ready: every
    /// route reaches the PBX that says hello next, including those the daemon
    /// handed to a connection that was already gone.
    func testRoutesOfPBXsThatJustDisconnectedReachTheNextPBX() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let admin = try daemon.session("admin")
        let rounds = 20
        for round in 0..<rounds {
            _ = try admin.call("agent.upsert", ["agent": "a\(round)", "seat": "SIP/\(round)"])
            _ = try admin.call("agent.login", ["agent": "a\(round)"])
        }
        let offering = try (0..<rounds).map { round in
            let pbx = try daemon.session("pbx")
            _ = try pbx.call("call.offer", ["call": "r\(round)", "from": "13800000000"])
            return pbx
        }
        // Agents become ready while the PBXs go away, interleaved.
        for round in 0..<rounds {
            offering[round].close()
            _ = try admin.send("agent.state", ["agent": "a\(round)", "state": "ready"])
        }
        var acknowledged = 0
        while acknowledged < rounds, let message = try admin.next(timeout: 10) {
            if case let .reply(_, ok, _) = message, ok { acknowledged += 1 }
        }
        XCTAssertEqual(acknowledged, rounds)
        let next = try daemon.session("pbx")
        var routed = Set<String>()
        while routed.count < rounds, let event = try next.nextEvent(timeout: 5) {
            if event["event"] as? String == "route", let call = event["call"] as? String { routed.insert(call) }
        }
        XCTAssertEqual(routed, Set((0..<rounds).map { "r\($0)" }))
        daemon.stop()
    }
}

/// A client on a plain socket, for what `CallCenterConnection` does not do:
/// half-close, reading slowly, sending without reading.
final class RawClient {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        _ = withUnsafeMutableBytes(of: &address.sun_path) { raw in path.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { close(fd); throw ClientError(.connectionClosed, "cannot connect to \(path)") }
    }

    deinit { close(fd) }

    /// Sends everything (blocking).
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError(.connectionClosed, "send failed") }
            offset += n
        }
    }

    /// Sends as much as the daemon takes, until it has taken nothing for `seconds`.
    func sendWhileTaken(_ text: String, for seconds: Double) {
        let bytes = Array(text.utf8)
        var offset = 0
        var lastTaken = Date()
        while offset < bytes.count, Date().timeIntervalSince(lastTaken) < seconds {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                offset += n
                lastTaken = Date()
            } else {
                usleep(5000)
            }
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until the daemon closes the connection (or `timeout`), `chunk` bytes at
    /// a time with `pause` seconds between reads. Returns the whole lines, what
    /// followed the last newline, and whether the connection was closed.
    func readToEnd(timeout: Double, chunk: Int = 65536, pause: Double = 0) throws -> (lines: [String], rest: String, closed: Bool) {
        var data: [UInt8] = []
        var closed = false
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: chunk)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            let n = recv(fd, &buffer, chunk, 0)
            if n <= 0 { closed = true; break }
            data += buffer[0..<n]
            if pause > 0 { usleep(UInt32(pause * 1e6)) }
        }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rest = lines.removeLast()
        return (lines, rest, closed)
    }
}
