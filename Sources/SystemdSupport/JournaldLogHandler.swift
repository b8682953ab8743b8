import CSystemd
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `LogHandler` that writes structured records to the systemd journal
/// (`sd_journal_sendv(3)`).
///
/// Each record carries `MESSAGE`, `PRIORITY` (the syslog level), `SYSLOG_IDENTIFIER`,
/// `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, `LOGGER` (the logger's label, when it
/// differs from the identifier) and one field per metadata key, so that
/// `journalctl -u callcenterd CALL=c123` finds every line about call `c123`.
/// See ``fieldName(forMetadataKey:)`` for how keys become field names.
///
/// If `sd_journal_sendv` reports an error the record goes to stderr as a
/// ``StderrLogHandler`` line instead of being lost. (When no journal socket
/// exists at all, libsystemd drops records silently: choose this handler only
/// under systemd, as ``SystemdLogging`` does.)
public struct JournaldLogHandler: LogHandler {
    /// One `NAME=value` journal field.
    public struct Field: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        public var description: String { "\(name)=\(value)" }
    }

    /// The logger's label (`Logger(label:)`).
    public let label: String
    /// The `SYSLOG_IDENTIFIER` of every record (`journalctl -t`).
    public let identifier: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// - Parameters:
    ///   - label: The logger's label.
    ///   - identifier: The program name for `SYSLOG_IDENTIFIER`; defaults to `label`.
    ///   - metadataProvider: Contextual metadata added to every record.
    public init(label: String, identifier: String? = nil, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.identifier = identifier ?? label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    // MARK: - Logging

    public func log(event: LogEvent) {
        let merged = EffectiveMetadata.merge(
            base: metadata,
            provider: metadataProvider,
            explicit: event.metadata,
            error: event.error
        )
        let fields = Self.fields(
            level: event.level,
            message: event.message.description,
            metadata: merged,
            identifier: identifier,
            label: label,
            file: event.file,
            function: event.function,
            line: event.line
        )
        if Self.send(fields) < 0 {
            StderrLogHandler.write(
                StderrLogHandler.formatLine(
                    time: StderrLogHandler.now(),
                    level: event.level,
                    label: label,
                    message: event.message.description,
                    metadata: merged
                )
            )
        }
    }

    // MARK: - Record layout

    /// The fields we set ourselves; a metadata key mapping to one of these gets the `F_` prefix.
    static let reservedFieldNames: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
    ]

    /// The journal fields of one record, in the order they are sent.
    ///
    /// Metadata fields follow the fixed ones, sorted by field name.
    public static func fields(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        identifier: String,
        label: String,
        file: String,
        function: String,
        line: UInt
    ) -> [Field] {
        var fields: [Field] = [
            Field("MESSAGE", message),
            Field("PRIORITY", String(syslogPriority(level))),
            Field("SYSLOG_IDENTIFIER", identifier),
            Field("CODE_FILE", file),
            Field("CODE_LINE", String(line)),
            Field("CODE_FUNC", function),
        ]
        if label != identifier {
            fields.append(Field("LOGGER", label))
        }
        let extra = metadata.map { Field(fieldName(forMetadataKey: $0.key), $0.value.description) }
        fields += extra.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        return fields
    }

    /// The journal field name for a metadata key.
    ///
    /// Journal field names may hold only `A-Z`, `0-9` and `_`, must not start with
    /// `_` (reserved for trusted fields) or a digit, and are at most 64 characters.
    /// So the key is uppercased, every other character becomes `_`, and a name
    /// that would start with `_` or a digit, or clash with a field this handler
    /// sets itself (`MESSAGE`, `PRIORITY`, …), is prefixed with `F_`:
    /// `call` → `CALL`, `queue.depth` → `QUEUE_DEPTH`, `_pid` → `F__PID`,
    /// `2fa` → `F_2FA`, `message` → `F_MESSAGE`.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = ""
        for scalar in key.uppercased().unicodeScalars {
            switch scalar {
            case "A"..."Z", "0"..."9", "_":
                name.unicodeScalars.append(scalar)
            default:
                name.append("_")
            }
        }
        if name.isEmpty || name.first == "_" || name.first!.isNumber || reservedFieldNames.contains(name) {
            name = "F_" + name
        }
        return String(name.prefix(64))
    }

    /// The syslog priority (`PRIORITY=`) for a swift-log level: trace and debug 7,
    /// info 6, notice 5, warning 4, error 3, critical 2.
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    // MARK: - Sending

    /// Sends the fields as one journal entry; returns `sd_journal_sendv`'s result
    /// (negative errno on failure).
    static func send(_ fields: [Field]) -> Int32 {
        // One contiguous buffer holding every `NAME=value`, and iovecs into it.
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(fields.count)
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value.utf8)
            ranges.append(start..<buffer.count)
        }
        return buffer.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -EINVAL }
            let vectors = ranges.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
