/// The error codes of the wire contract (`PROTOCOL.md`).
public enum ErrorCode: String, Sendable, CaseIterable {
    /// Malformed JSON, wrong type, missing field: the message names the field.
    case badRequest = "bad_request"
    /// No such op; the message lists the ops of the session's role.
    case unknownOp = "unknown_op"
    /// No successful `hello` yet.
    case unauthenticated
    /// The peer or role may not do this.
    case forbidden
    case notFound = "not_found"
    case conflict
    /// The state machine does not allow this now; the message says what is expected next.
    case invalidTransition = "invalid_transition"
    /// The line is longer than the configured maximum; the connection is closed.
    case tooLarge = "too_large"
    /// The daemon is shedding load; retry later.
    case overloaded
    /// The change could not be persisted: nothing was accepted.
    case unavailable
    case `internal`
}

/// An error reply: a code and a message saying what was wrong and what would be right.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func badRequest(_ message: String) -> WireError { WireError(.badRequest, message) }
}
