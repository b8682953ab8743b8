import CallCenterWire
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// One client connection on its event loop: frames lines, parses JSON (off the
/// engine thread), hands requests to the engine in order, writes what comes back,
/// and applies back-pressure and the output bound.
final class ConnectionHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = LineFramer.Frame
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private let engine: Engine
    private let limits: Limits
    private let logger: Logger
    private var session: Session?
    /// Requests handed to the engine and not yet answered.
    private var inFlight = 0
    private var readPaused = false
    private var readPending = false
    /// A close was asked for: it happens once what was written before it is sent.
    private var closing = false
    /// The daemon is stopping: nothing more is read (`stopReading`).
    private var stopped = false
    /// The last write handed to the channel (writes complete in order).
    private var lastWrite: EventLoopFuture<Void>?
    private var helloDeadline: Scheduled<Void>?
    /// When the client last sent a `hello` (the hello deadline counts from there:
    /// a hello still waiting for a busy engine, or a refused one being retried).
    private var lastHelloAttempt: NIODeadline?
    /// A client that takes nothing for this long while output waits for it is
    /// cut: a hung PBX must not sit on routes. A client that reads, however slowly, is not.
    static let stallTimeout = TimeAmount.seconds(10)
    /// Bytes handed to the channel so far (what it has sent is this less what it still buffers).
    private var queuedTotal = 0
    private var stallWatch: Scheduled<Void>?

    struct Limits {
        var maxOutputBytes: () -> Int
        var maxInFlight: () -> Int
        /// A connection that has not said hello by then is closed (nil: never).
        var helloTimeout: () -> TimeAmount? = { nil }
    }

    init(engine: Engine, limits: Limits, logger: Logger) {
        self.engine = engine
        self.limits = limits
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let cred = PeerCredentials.of(context.channel) ?? PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max, groups: [])
        let session = Session(id: engine.nextSessionID(), channel: context.channel, uid: cred.uid, gids: cred.groups, pid: cred.pid)
        let engine = engine
        session.deliver = { [weak self, weak session] delivery in
            guard let session else { return }
            if let self {
                self.deliver(delivery, to: session)
            } else if !delivery.kept.isEmpty {
                engine.submit(.undelivered(session, delivery.kept))
            }
        }
        self.session = session
        if let timeout = limits.helloTimeout() {
            helloDeadline = context.eventLoop.scheduleTask(in: timeout) { [self] in closeUnlessGreeted(session, after: timeout) }
        }
        engine.submit(.opened(session))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        helloDeadline?.cancel()
        stallWatch?.cancel()
        if let session { engine.submit(.closed(session)) }
        session = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session, !closing, !stopped else { return }
        switch unwrapInboundIn(data) {
        case let .line(buffer):
            let bytes = buffer.readableBytesView
            if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are ignored
            inFlight += 1
            switch Request.parse(bytes) {
            case var .success(request):
                if request.op == "hello" { lastHelloAttempt = .now() }
                request.raw = String(decoding: bytes, as: UTF8.self)
                engine.archive.attachCaller(to: &request)  // call.offer: the screen pop, read here, off the engine thread
                engine.submit(.request(session, request))
            case let .failure(failure):
                engine.submit(.rejected(session, failure))
            }
            if inFlight >= limits.maxInFlight() || session.unsentBytes > limits.maxOutputBytes() { readPaused = true }
        case .tooLarge:
            inFlight += 1
            engine.submit(.tooLarge(session))
        }
    }

    /// The daemon is stopping: what is read from now on is not handed to the engine
    /// (the client gets no reply to it; nothing of it is committed), so that the
    /// engine's last pass comes however fast clients send.
    func stopReading() {
        stopped = true
    }

    /// The client shut down its side (`shutdown(SHUT_WR)`, `nc -N`): it sends no
    /// more, but its requests are answered; the engine closes the connection after
    /// the last reply unless the session subscribes to events.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, let session {
            engine.submit(.inputClosed(session))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func read(context: ChannelHandlerContext) {
        if readPaused { readPending = true } else { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Called by the engine (hops to the event loop): writes replies and events.
    private func deliver(_ delivery: Delivery, to session: Session) {
        let channel = session.channel
        channel.eventLoop.execute { [self] in
            guard !session.overflowed, !closing, channel.isActive else {
                handBack(delivery.kept, of: session)
                return
            }
            // Over the bound only if what we wrote before is still unsent: one large
            // pass of replies to a reader that keeps up never trips it. A session's own
            // replies are held by back-pressure instead, unless it subscribes to events:
            // another session overflows when the events alone pile up past the bound.
            let piled = delivery.subscriber ? session.unsentBytes : (delivery.replies == 0 ? session.unsentEventBytes : 0)
            if piled > limits.maxOutputBytes() {
                session.overflowed = true
                logger.warning("session output passed its bound: sent overflow and closed", metadata: [
                    "session": "\(session.id)", "unsent": "\(session.unsentBytes)",
                ])
                handBack(delivery.kept, of: session)
                say(Array("{\"event\":\"overflow\"}\n".utf8), thenCloseOn: channel)
                return
            }
            if !delivery.bytes.isEmpty {
                session.unsentBytes += delivery.bytes.count
                var buffer = channel.allocator.buffer(capacity: delivery.bytes.count)
                buffer.writeBytes(delivery.bytes)
                let count = delivery.bytes.count
                let events = delivery.replies == 0 ? count : 0
                session.unsentEventBytes += events
                write(buffer, on: channel).whenComplete { [self] result in
                    session.unsentBytes -= count
                    session.unsentEventBytes -= events
                    if case .failure = result { handBack(delivery.kept, of: session) }
                    resumeIfDrained(channel, session)
                }
                if buffered(channel) > 0 { watchForStall(channel, session) }
            }
            inFlight -= delivery.replies
            if delivery.close { closeAfterWrites(channel) }
            resumeIfDrained(channel, session)
        }
    }

    /// While output waits in the channel (the socket's buffer is full), checks
    /// every second that the client takes some of it; after `stallTimeout`
    /// without progress the connection is closed at once (its unsent writes fail,
    /// and the routes among them are handed back to the engine).
    private func watchForStall(_ channel: any Channel, _ session: Session) {
        guard stallWatch == nil, channel.isActive else { return }
        var last = progress(channel)
        var idle = TimeAmount.zero
        let tick = TimeAmount.seconds(1)
        func check() {
            stallWatch = channel.eventLoop.scheduleTask(in: tick) { [self] in
                stallWatch = nil
                guard channel.isActive, buffered(channel) > 0 else { return }  // all handed to the kernel
                let now = progress(channel)
                idle = now.sent > last.sent || now.inKernel < last.inKernel ? .zero : idle + tick
                last = now
                guard idle >= Self.stallTimeout else { return check() }
                session.overflowed = true
                logger.warning("client took nothing of its output for 10 s: closed", metadata: [
                    "session": "\(session.id)", "unsent": "\(session.unsentBytes)",
                ])
                channel.close(promise: nil)
            }
        }
        check()
    }

    /// Bytes the channel has handed to the kernel so far, and what of them the
    /// client has not read yet (SO_MEMINFO's write allocation: it falls as the
    /// client reads, even while the channel writes nothing more).
    private func progress(_ channel: any Channel) -> (sent: Int, inKernel: UInt32) {
        var inKernel = UInt32.max
        if let provider = channel as? any SocketOptionProvider {
            let info: EventLoopFuture<(UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)> =
                provider.unsafeGetSocketOption(level: .init(SOL_SOCKET), name: .init(Self.soMeminfo))
            info.whenSuccess { inKernel = $0.2 }  // SK_MEMINFO_WMEM_ALLOC; complete at once on the event loop
        }
        return (queuedTotal - buffered(channel), inKernel)
    }
    static let soMeminfo: Int32 = 55  // SO_MEMINFO (Linux 3.17)

    private func buffered(_ channel: any Channel) -> Int {
        (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
    }

    @discardableResult
    private func write(_ buffer: ByteBuffer, on channel: any Channel) -> EventLoopFuture<Void> {
        queuedTotal += buffer.readableBytes
        let future = channel.writeAndFlush(buffer)
        lastWrite = future
        return future
    }

    /// Closes the connection once everything written so far has been sent (a close
    /// of a channel drops its unsent writes); a client that stops taking it is
    /// cut by the stall watch, and `limit`, if given, cuts any. Returns when it is closed.
    @discardableResult
    func closeAfterWrites(_ channel: any Channel, limit: TimeAmount? = nil) -> EventLoopFuture<Void> {
        channel.eventLoop.assertInEventLoop()
        closing = true
        if let session, buffered(channel) > 0 { watchForStall(channel, session) }
        if let limit {
            let cut = channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in cut.cancel() }
        }
        let sent = lastWrite ?? channel.eventLoop.makeSucceededVoidFuture()
        return sent.flatMapError { _ in channel.eventLoop.makeSucceededVoidFuture() }.flatMap {
            channel.close().flatMapError { _ in channel.eventLoop.makeSucceededVoidFuture() }
        }
    }

    /// Lines that had to reach a PBX but were not written go back to the engine.
    private func handBack(_ kept: [KeptLine], of session: Session) {
        if !kept.isEmpty { engine.submit(.undelivered(session, kept)) }
    }

    private func closeUnlessGreeted(_ session: Session, after timeout: TimeAmount) {
        guard !session.hasSaidHello.withLockedValue({ $0 }), !closing, session.channel.isActive else { return }
        if let attempt = lastHelloAttempt, attempt + timeout > .now() {
            // A hello came since: it may still be waiting for the engine, or be a retry.
            helloDeadline = session.channel.eventLoop.scheduleTask(deadline: attempt + timeout) { [self] in closeUnlessGreeted(session, after: timeout) }
            return
        }
        let seconds = Double(timeout.nanoseconds) / 1e9
        logger.info("closing a connection that did not say hello", metadata: ["session": "\(session.id)", "uid": "\(session.uid)"])
        let shown = seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
        let message = "no hello within \(shown) s; the connection is closed (send hello first, then your requests)"
        say(Encode.error(id: .null, WireError(.unauthenticated, message)), thenCloseOn: session.channel)
    }

    /// A last line (why the connection ends), then the close once it is sent.
    private func say(_ line: [UInt8], thenCloseOn channel: any Channel) {
        write(channel.allocator.buffer(bytes: line), on: channel)
        closeAfterWrites(channel)
    }

    /// Reading resumes once half the requests in flight are answered and half the
    /// unsent output is taken: a client that sends without reading its replies is
    /// held by its own socket instead of growing the daemon's memory.
    private func resumeIfDrained(_ channel: any Channel, _ session: Session) {
        guard readPaused, !closing, inFlight < max(1, limits.maxInFlight() / 2), session.unsentBytes <= limits.maxOutputBytes() / 2 else { return }
        readPaused = false
        if readPending {
            readPending = false
            channel.read()
        }
    }
}
