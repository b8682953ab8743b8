import CallCenterWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The Unix socket server: accepts connections and gives each a line framer
/// and a `ConnectionHandler` that talks to the engine.
final class Gateway: @unchecked Sendable {
    enum Listen {
        /// Bind this path (creating its directory; a stale socket file is replaced).
        case path(String, mode: UInt32)
        /// Serve a socket systemd passed us (socket activation).
        case inherited(fd: Int32)
    }

    let engine: Engine
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    private let limits: ConnectionHandler.Limits
    private let maxLineBytes: Int
    /// Connections beyond this many are told so and closed at once: the daemon
    /// keeps descriptors for its database and for a reconnecting PBX.
    let maxConnections: () -> Int
    private var server: (any Channel)?
    private let refused = NIOLockedValueBox(0)
    private let children = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private(set) var boundPath: String?

    init(engine: Engine, maxLineBytes: Int, limits: ConnectionHandler.Limits, maxConnections: @escaping () -> Int, logger: Logger, threads: Int = 2) {
        self.engine = engine
        self.maxConnections = maxConnections
        self.maxLineBytes = maxLineBytes
        self.limits = limits
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    func start(_ listen: Listen) async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // A client that shuts down its sending side still gets its replies.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { [self] channel in
                let id = ObjectIdentifier(channel)
                let limit = maxConnections()
                let admitted = children.withLockedValue { children in
                    guard children.count < limit else { return false }
                    children[id] = channel
                    return true
                }
                guard admitted else { return refuse(channel, limit: limit) }
                channel.closeFuture.whenComplete { [children] _ in _ = children.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maximumLength: maxLineBytes)))
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(engine: engine, limits: limits, logger: logger))
                }
            }
        switch listen {
        case let .inherited(fd):
            server = try await bootstrap.withBoundSocket(fd).get()
            logger.info("serving the socket passed by systemd", metadata: ["fd": "\(fd)"])
        case let .path(path, mode):
            try Self.prepare(path: path)
            do {
                server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            } catch {
                throw GatewayError(message: "cannot listen on \(path): \(Self.why(error))")
            }
            chmod(path, mode_t(mode))
            boundPath = path
            logger.info("listening", metadata: ["socket": "\(path)"])
        }
    }

    /// The connections the daemon admits: `configured`, but never so many that it
    /// would run out of descriptors (its database, journal and listening socket
    /// need some, and a full table makes accept fail in a loop). Raises the soft
    /// descriptor limit to the hard one first.
    static func connectionLimit(configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configured }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        guard limit.rlim_cur != rlim_t.max else { return configured }  // RLIM_INFINITY
        return max(1, min(configured, Int(clamping: limit.rlim_cur) - reservedDescriptors))
    }
    static let reservedDescriptors = 64

    /// Makes the socket's directory and refuses to steal a socket another daemon serves.
    /// Refuses a directory another user could use to replace the socket (a
    /// fallback like `/tmp/callcenterd-UID` made by someone else first).
    static func prepare(path: String) throws {
        var address = sockaddr_un()
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw GatewayError(message: "cannot listen on \(path): the path is \(bytes.count) bytes, and a Unix socket's path holds at most \(MemoryLayout.size(ofValue: address.sun_path) - 1); choose a shorter --socket")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            if let (made, why) = makeDirectories(directory) {
                throw GatewayError(message: "cannot create the socket's directory \(made): \(why)")
            }
            if let why = unsafeDirectory(directory) {
                throw GatewayError(message: "the socket's directory \(directory) \(why), who could replace the socket; use a directory of your own (--socket)")
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 {
            throw GatewayError(message: "another process is already serving \(path); stop it or choose another --socket")
        }
    }

    /// Why a directory is no safe place for our socket: another user owns it, or
    /// others may write in it without the sticky bit (`/tmp` has it); nil if safe.
    static func unsafeDirectory(_ directory: String) -> String? {
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }  // bind will say what is wrong
        if info.st_uid != getuid() && info.st_uid != 0 { return "belongs to another user (uid \(info.st_uid))" }
        if info.st_mode & 0o022 != 0 && info.st_mode & mode_t(S_ISVTX) == 0 {
            return "can be written by other users (mode \(String(info.st_mode & 0o7777, radix: 8)))"
        }
        return nil
    }

    /// What a failed bind means, in words.
    static func why(_ error: any Error) -> String {
        switch error {
        case let error as IOError: return String(cString: strerror(error.errnoCode))
        case is UnixDomainSocketPathWrongType: return "it exists and is not a socket; remove it or choose another --socket"
        default: return "\(error)"
        }
    }

    /// Stops accepting new connections, and stops handing what clients send to the engine.
    func stopAccepting() async {
        try? await server?.close()
        let channels = children.withLockedValue { Array($0.values) }
        for channel in channels {
            _ = try? await channel.pipeline.handler(type: ConnectionHandler.self).map { $0.stopReading() }.get()
        }
    }

    /// One connection too many: an error line, then closed.
    private func refuse(_ channel: any Channel, limit: Int) -> EventLoopFuture<Void> {
        let count = refused.withLockedValue { $0 += 1; return $0 }
        if count == 1 || count % 1000 == 0 {
            logger.warning("refused a connection: at max_connections", metadata: ["max_connections": "\(limit)", "refused": "\(count)"])
        }
        let line = Encode.error(id: .null, WireError(.unavailable, "the daemon has \(limit) connections open, its limit ([daemon] max_connections); retry later, or close idle connections"))
        return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RefusalHandler(line: line)) }
    }

    /// Closes every client connection once what was written to it is sent (a
    /// client that takes nothing for 10 s is cut, and any after `limit`: systemd's
    /// TimeoutStopSec is 30 s), then the event loops.
    func closeAll(limit: TimeAmount = .seconds(25)) async {
        let channels = children.withLockedValue { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    let closed = channel.pipeline.handler(type: ConnectionHandler.self).flatMap { handler in
                        handler.closeAfterWrites(channel, limit: limit)
                    }
                    _ = try? await closed.get()
                    try? await channel.close()
                }
            }
        }
        if let boundPath { unlink(boundPath) }
        try? await group.shutdownGracefully()
    }
}

/// Says why the connection is refused, then closes it.
private final class RefusalHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let line: [UInt8]
    init(line: [UInt8]) { self.line = line }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: line))).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // nothing it sends is read
}

struct GatewayError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
