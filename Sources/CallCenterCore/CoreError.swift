/// Why the core refused an input. Refused inputs change nothing and are not journaled.
public struct CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The input names something that does not exist (call, agent, queue).
        case notFound = "not_found"
        /// The input contradicts the current state (a duplicate call id, a seat in use).
        case conflict
        /// The state machine does not allow this step now; the message says what would.
        case invalidTransition = "invalid_transition"
        /// A value is out of range; the message names the field.
        case badRequest = "bad_request"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func noSuchCall(_ id: CallID) -> CoreError { CoreError(.notFound, "call '\(id)' is not known") }
    static func noSuchQueue(_ id: QueueID) -> CoreError {
        CoreError(.notFound, "queue '\(id)' is not configured; create it with queue.upsert or in the config file")
    }
}
