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
    private var server: (any Channel)?
    private let children = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private(set) var boundPath: String?

    init(engine: Engine, maxLineBytes: Int, limits: ConnectionHandler.Limits, logger: Logger, threads: Int = 2) {
        self.engine = engine
        self.maxLineBytes = maxLineBytes
        self.limits = limits
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    func start(_ listen: Listen) async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                let id = ObjectIdentifier(channel)
                children.withLockedValue { $0[id] = channel }
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
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            chmod(path, mode_t(mode))
            boundPath = path
            logger.info("listening", metadata: ["socket": "\(path)"])
        }
    }

    /// Makes the socket's directory and refuses to steal a socket another daemon serves.
    static func prepare(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw GatewayError(message: "socket path too long (\(bytes.count) bytes): \(path)")
        }
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

    /// Stops accepting new connections.
    func stopAccepting() async {
        try? await server?.close()
    }

    /// Closes every client connection (after what was written is flushed) and the event loops.
    func closeAll() async {
        let channels = children.withLockedValue { Array($0.values) }
        for channel in channels { try? await channel.close() }
        if let boundPath { unlink(boundPath) }
        try? await group.shutdownGracefully()
    }
}

struct GatewayError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
