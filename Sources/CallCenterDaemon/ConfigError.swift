/// A configuration the daemon refuses to start (or reload) with: which file,
/// which key, and what was expected.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// Dotted key path (`queues.general.ring_timeout`); empty for file-level errors.
    public var key: String
    public var message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}
