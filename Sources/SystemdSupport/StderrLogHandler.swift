import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `LogHandler` that writes one readable line per record to stderr:
///
///     2026-11-23T18:05:00.123Z info callcenterd: call queued call=c1 queue=sales
///
/// The time is UTC (RFC 3339, milliseconds), metadata follows the message sorted
/// by key, and values holding spaces, quotes, `=` or control characters are
/// quoted. Each line is written with a single `write(2)`, so lines from
/// concurrent loggers never interleave.
public struct StderrLogHandler: LogHandler {
    /// The logger's label, printed before the message.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = EffectiveMetadata.merge(
            base: metadata,
            provider: metadataProvider,
            explicit: event.metadata,
            error: event.error
        )
        Self.write(
            Self.formatLine(
                time: Self.now(),
                level: event.level,
                label: label,
                message: event.message.description,
                metadata: merged
            )
        )
    }

    // MARK: - Formatting (pure)

    /// One log line, without the trailing newline.
    ///
    /// Newlines in the message are written as `\n` so that a record stays on one line.
    public static func formatLine(
        time: timespec,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata
    ) -> String {
        var line = timestamp(time)
        line += " "
        line += level.rawValue
        line += " "
        line += label
        line += ": "
        line += escapeControlCharacters(message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += key
            line += "="
            line += quoteIfNeeded(value.description)
        }
        return line
    }

    /// UTC RFC 3339 with milliseconds: `2026-11-23T18:05:00.123Z`.
    public static func timestamp(_ time: timespec) -> String {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec) / 1_000_000
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(millis, 3) + "Z"
    }

    /// The value as is, or in double quotes (with `\"`, `\\` and control
    /// characters escaped) when it is empty or holds a space, quote, `=` or control character.
    public static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "=" || scalar.properties.generalCategory == .control
        }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted += escapeControlCharacters(String(scalar))
            }
        }
        return quoted + "\""
    }

    static func escapeControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    // MARK: - Output

    #if canImport(Glibc)
    private static let systemWrite = Glibc.write
    #elseif canImport(Musl)
    private static let systemWrite = Musl.write
    #endif

    /// The wall-clock time (`CLOCK_REALTIME`).
    static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    /// Writes `line` and a newline to stderr in one `write(2)` (retrying only
    /// what a short write left over).
    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stderr is gone: nowhere left to complain.
                }
            }
        }
    }
}
