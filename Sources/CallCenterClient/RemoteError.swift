/// An error answered by the daemon: the `error` of an `ok: false` reply.
///
/// `code` is one of the wire contract's codes (`bad_request`, `unknown_op`,
/// `unauthenticated`, `forbidden`, `not_found`, `conflict`, `invalid_transition`,
/// `too_large`, `overloaded`, `unavailable`, `internal`, or one the daemon adds).
public struct RemoteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The machine-readable error code.
    public var code: String
    /// The daemon's human text.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Builds the error from a whole reply object (`{"id":…, "ok": false, "error": {…}}`).
    public init(reply: [String: Any]) {
        let error = reply["error"] as? [String: Any] ?? [:]
        self.code = error["code"] as? String ?? "internal"
        self.message = error["message"] as? String ?? "error reply without a message"
    }

    /// `code: message`, the form `callctl` prints.
    public var description: String { "\(code): \(message)" }
}
