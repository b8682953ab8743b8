import Foundation

/// A blocking client session with `callcenterd` over its Unix socket.
///
/// Requests are JSON lines `{"id": "1", "op": …, …fields}` with ids `"1"`, `"2"`, …;
/// ``call(_:_:)`` sends one and waits for the reply with that id, keeping whatever
/// else arrives meanwhile (pushed events, replies to earlier ``send(_:_:)``s) for
/// ``next(timeout:)``. ``send(_:_:)`` and ``next(timeout:)`` together pipeline:
/// many requests in flight, replies read in arrival order.
///
/// Timeouts are seconds: `nil` means the connection's ``timeout``, zero or less
/// means "only what is already there", `.infinity` waits forever. Writes never
/// deadlock against a daemon that is itself blocked writing to us: while a write
/// waits for room, incoming bytes are read into the buffer.
///
/// Not thread-safe: use one connection from one thread at a time.
public final class CallCenterConnection {
    /// The path given to ``init(socketPath:timeout:)``.
    public let socketPath: String
    /// The default timeout in seconds for replies, reads and writes.
    public var timeout: Double

    private let socket: UnixSocket
    private var input = LineBuffer()
    /// Lines received while ``call(_:_:)`` waited for its reply; `pendingHead` is the next to hand out.
    private var pending: [ReceivedLine] = []
    private var pendingHead = 0
    private var nextID = 1
    /// The daemon closed its side (or the connection was closed locally).
    private var peerClosed = false
    private var locallyClosed = false

    /// Connects to the daemon's socket.
    /// - Throws: ``ClientError`` with code `.cannotConnect`, naming the path and the system's reason.
    public init(socketPath: String, timeout: Double = 10) throws {
        self.socketPath = socketPath
        self.timeout = timeout
        self.socket = try UnixSocket.connect(path: socketPath)
    }

    deinit {
        if !locallyClosed { socket.close() }
    }

    /// True once the daemon has closed the connection or ``close()`` was called.
    /// Lines already received can still be read with ``next(timeout:)``.
    public var isClosed: Bool { peerClosed || locallyClosed }

    /// Closes the socket. Further writes throw `.connectionClosed`; calling it twice is harmless.
    public func close() {
        guard !locallyClosed else { return }
        locallyClosed = true
        socket.close()
    }

    // MARK: - Requests

    /// Opens the session: `hello {role, agent?, token?, client}`.
    /// - Returns: the result, `{server, version, protocol, role}`.
    @discardableResult
    public func hello(role: String, agent: String? = nil, token: String? = nil, client: String = "callctl") throws -> [String: Any] {
        var fields: [String: Any] = ["role": role, "client": client]
        if let agent { fields["agent"] = agent }
        if let token { fields["token"] = token }
        return try call("hello", fields)
    }

    /// Sends a request and waits (up to ``timeout``) for the reply with its id.
    /// - Returns: the reply's `result` (`[:]` if it has none).
    /// - Throws: ``RemoteError`` for an `ok: false` reply; ``ClientError`` if the
    ///   reply does not come in time or the connection fails.
    public func call(_ op: String, _ fields: [String: Any] = [:]) throws -> [String: Any] {
        let id = try send(op, fields)
        let deadline = PollDeadline.after(seconds: timeout)
        while true {
            guard let received = try receive(until: deadline) else {
                throw ClientError(.timeout, "no reply to \(op) (id \(id)) from \(socketPath) within \(timeout) s",
                                  socketPath: socketPath)
            }
            if case .reply(let replyID, let ok, let body) = received.message, replyID == id {
                if ok { return body["result"] as? [String: Any] ?? [:] }
                throw RemoteError(reply: body)
            }
            pending.append(received)
        }
    }

    /// Sends a request without waiting for its reply (pipelining).
    /// - Returns: the id it was sent with; its reply comes through ``next(timeout:)``.
    @discardableResult
    public func send(_ op: String, _ fields: [String: Any] = [:]) throws -> String {
        let id = String(nextID)
        var request = fields
        request["id"] = id
        request["op"] = op
        let line: [UInt8]
        do {
            line = try JSONLineEncoder.line(request)
        } catch {
            throw ClientError(.invalidRequest, "the fields of \(op) cannot be encoded as JSON: \(error.description)",
                              socketPath: socketPath)
        }
        try write(line)
        nextID += 1
        return id
    }

    /// Writes `line` as given (it need not be valid JSON), adding the `\n` if missing.
    public func sendRaw(_ line: String) throws {
        var bytes = Array(line.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        try sendRaw(bytes: bytes)
    }

    /// Writes exactly these bytes.
    public func sendRaw(bytes: [UInt8]) throws {
        try write(bytes)
    }

    // MARK: - Receiving

    /// The next reply or event, in arrival order (those kept by ``call(_:_:)`` first).
    /// - Returns: `nil` if nothing arrives within the timeout.
    /// - Throws: `.connectionClosed` once the daemon has closed and every received
    ///   line has been handed out; `.badLine` for a line that is not a JSON reply or event
    ///   (the line is consumed, the connection stays usable).
    public func next(timeout: Double? = nil) throws -> Message? {
        try nextLine(timeout: timeout)?.message
    }

    /// The next pushed event's whole object, skipping (discarding) replies.
    /// - Returns: `nil` if no event arrives within the timeout.
    public func nextEvent(timeout: Double? = nil) throws -> [String: Any]? {
        let deadline = PollDeadline.after(seconds: timeout ?? self.timeout)
        while let received = try nextLine(until: deadline) {
            if case .event(_, let body) = received.message { return body }
        }
        return nil
    }

    /// Like ``next(timeout:)``, with the line's bytes as received (for printing it verbatim).
    public func nextLine(timeout: Double? = nil) throws -> ReceivedLine? {
        try nextLine(until: PollDeadline.after(seconds: timeout ?? self.timeout))
    }

    private func nextLine(until deadline: PollDeadline) throws -> ReceivedLine? {
        if pendingHead < pending.count {
            let received = pending[pendingHead]
            pendingHead += 1
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            } else if pendingHead >= 4096 && pendingHead * 2 >= pending.count {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            return received
        }
        return try receive(until: deadline)
    }

    /// Reads the socket (not the kept lines) until one line is complete or `deadline` passes.
    private func receive(until deadline: PollDeadline) throws -> ReceivedLine? {
        while true {
            if let line = input.nextLine() {
                if line.isEmpty { continue }
                return try decode(line)
            }
            if input.isOverlong {
                throw ClientError(.badLine, "a line from \(socketPath) is longer than \(LineBuffer.maxLineLength) bytes",
                                  socketPath: socketPath)
            }
            if isClosed { throw ClientError.closed(path: socketPath) }
            switch try socket.read(into: &input) {
            case .bytes: continue
            case .endOfFile: peerClosed = true
            case .wouldBlock:
                if try socket.wait(until: deadline) == 0 { return nil }
            }
        }
    }

    private func decode(_ line: Data) throws -> ReceivedLine {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: line, options: [])
        } catch {
            throw badLine(line, "not JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw badLine(line, "not a JSON object") }
        guard let message = Message(object: dictionary) else { throw badLine(line, "neither a reply nor an event") }
        return ReceivedLine(message: message, bytes: line)
    }

    private func badLine(_ line: Data, _ reason: String) -> ClientError {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return ClientError(.badLine, "bad line from \(socketPath) (\(reason)): \(text)", socketPath: socketPath)
    }

    // MARK: - Writing

    /// Writes every byte, waiting (up to ``timeout``) for room; reads meanwhile so a
    /// daemon blocked on writing its replies to us can make progress.
    private func write(_ bytes: some ContiguousBytes) throws {
        if locallyClosed { throw ClientError.closed(path: socketPath) }
        let deadline = PollDeadline.after(seconds: timeout)
        try bytes.withUnsafeBytes { (all: UnsafeRawBufferPointer) throws -> Void in
            var offset = 0
            while offset < all.count {
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                switch try socket.write(rest) {
                case .bytes(let count):
                    offset += count
                case .endOfFile:
                    peerClosed = true
                    throw ClientError.closed(path: socketPath)
                case .wouldBlock:
                    let events = try socket.wait(readable: !peerClosed, writable: true, until: deadline)
                    if events == 0 {
                        throw ClientError(.timeout, "could not write to \(socketPath) within \(timeout) s",
                                          socketPath: socketPath)
                    }
                    if events & Int16(POLLIN) != 0, try socket.read(into: &input) == .endOfFile {
                        peerClosed = true
                    }
                }
            }
        }
    }
}

/// A received line: its decoded ``Message`` and its bytes as they came (without the `\n`).
public struct ReceivedLine {
    public let message: Message
    public let bytes: Data
    /// The line as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
