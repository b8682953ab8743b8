import CallCenterWire
import Logging
import NIOCore

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

    struct Limits {
        var maxOutputBytes: () -> Int
        var maxInFlight: () -> Int
    }

    init(engine: Engine, limits: Limits, logger: Logger) {
        self.engine = engine
        self.limits = limits
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let cred = PeerCredentials.of(context.channel) ?? PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max, groups: [])
        let session = Session(id: engine.nextSessionID(), channel: context.channel, uid: cred.uid, gids: cred.groups, pid: cred.pid)
        session.deliver = { [weak self] bytes, replies, bounded in self?.deliver(bytes, replies: replies, bounded: bounded) }
        self.session = session
        engine.submit(.opened(session))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session { engine.submit(.closed(session)) }
        session = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        switch unwrapInboundIn(data) {
        case let .line(buffer):
            let bytes = buffer.readableBytesView
            if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are ignored
            inFlight += 1
            switch Request.parse(bytes) {
            case var .success(request):
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

    func read(context: ChannelHandlerContext) {
        if readPaused { readPending = true } else { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Called by the engine (hops to the event loop): writes replies and events.
    private func deliver(_ bytes: [UInt8], replies: Int, bounded: Bool) {
        guard let session else { return }
        let channel = session.channel
        channel.eventLoop.execute { [self] in
            guard !session.overflowed, channel.isActive else { return }
            if bytes.isEmpty {
                // A request to close after what was sent (too_large).
                channel.close(promise: nil)
                return
            }
            // Over the bound only if what we wrote before is still unsent: one large
            // pass of replies to a reader that keeps up never trips it.
            if bounded && session.unsentBytes > limits.maxOutputBytes() {
                session.overflowed = true
                logger.warning("session output passed its bound: sent overflow and closed", metadata: ["session": "\(session.id)"])
                var notice = channel.allocator.buffer(capacity: 24)
                notice.writeString("{\"event\":\"overflow\"}\n")
                channel.writeAndFlush(notice).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            session.unsentBytes += bytes.count
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            let count = bytes.count
            channel.writeAndFlush(buffer).whenComplete { [self] _ in
                session.unsentBytes -= count
                resumeIfDrained(channel, session)
            }
            inFlight -= replies
            resumeIfDrained(channel, session)
        }
    }

    /// Reading resumes once half the requests in flight are answered and half the
    /// unsent output is taken: a client that sends without reading its replies is
    /// held by its own socket instead of growing the daemon's memory.
    private func resumeIfDrained(_ channel: any Channel, _ session: Session) {
        guard readPaused, inFlight < max(1, limits.maxInFlight() / 2), session.unsentBytes <= limits.maxOutputBytes() / 2 else { return }
        readPaused = false
        if readPending {
            readPending = false
            channel.read()
        }
    }
}
