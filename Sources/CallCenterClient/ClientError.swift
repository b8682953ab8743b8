#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure on the client's side of the socket: the daemon could not be reached,
/// went away, sent something that is not a JSON line, or did not answer in time.
///
/// An error *answered by the daemon* (`ok: false`) is a ``RemoteError`` instead.
public struct ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set of codes (compare with `==`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case cannotConnect, connectionClosed, badLine, timeout, invalidRequest, io
        }
        private var value: Value
        private init(_ value: Value) { self.value = value }

        /// The socket could not be opened or connected (no daemon, wrong path, no permission).
        public static let cannotConnect = Code(.cannotConnect)
        /// The daemon closed the connection (or ``CallCenterConnection/close()`` was called).
        public static let connectionClosed = Code(.connectionClosed)
        /// The daemon sent a line that is not a JSON object, or a line too long to buffer.
        public static let badLine = Code(.badLine)
        /// Nothing arrived, or nothing could be written, within the timeout.
        public static let timeout = Code(.timeout)
        /// The fields given to `call`/`send` cannot be encoded as JSON.
        public static let invalidRequest = Code(.invalidRequest)
        /// Any other failed system call on an open connection.
        public static let io = Code(.io)

        public var description: String {
            switch value {
            case .cannotConnect: return "cannot connect"
            case .connectionClosed: return "connection closed"
            case .badLine: return "bad line from server"
            case .timeout: return "timed out"
            case .invalidRequest: return "invalid request"
            case .io: return "I/O error"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// Human text with the details (already included in ``description``).
    public var message: String
    /// The socket path, when the error concerns one.
    public var socketPath: String?
    /// The `errno` of the failed system call, if any.
    public var errno: Int32?

    public init(_ code: Code, _ message: String, socketPath: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.socketPath = socketPath
        self.errno = errno
    }

    /// One line for a human, e.g.
    /// `cannot connect to /run/callcenterd/callcenterd.sock: No such file or directory (is callcenterd running?)`.
    public var description: String {
        message
    }

    // MARK: - Constructors used by the connection

    static func cannotConnect(path: String, errno err: Int32) -> ClientError {
        var text = "cannot connect to \(path): \(errnoText(err))"
        switch err {
        case ENOENT, ECONNREFUSED:
            text += " (is callcenterd running? set --socket or CALLCENTERD_SOCKET if it listens elsewhere)"
        case EACCES, EPERM:
            text += " (is callcenterd running as another user? check the socket's permissions)"
        default:
            text += " (is callcenterd running?)"
        }
        return ClientError(.cannotConnect, text, socketPath: path, errno: err)
    }

    static func cannotConnect(path: String, _ reason: String) -> ClientError {
        ClientError(.cannotConnect, "cannot connect to \(path): \(reason)", socketPath: path)
    }

    static func closed(path: String) -> ClientError {
        ClientError(.connectionClosed, "connection to \(path) closed by callcenterd", socketPath: path)
    }

    static func io(path: String, _ call: String, errno err: Int32) -> ClientError {
        ClientError(.io, "\(call) on \(path): \(errnoText(err))", socketPath: path, errno: err)
    }

    static func errnoText(_ err: Int32) -> String {
        guard let text = strerror(err) else { return "errno \(err)" }
        return String(cString: text)
    }
}
