import Foundation

/// Turning wire values into short human text.
enum Format {
    // MARK: - Values

    /// A value as text: strings as they are, numbers without noise, `null` for null,
    /// objects and arrays as compact JSON (sorted keys).
    static func value(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "null"
        case let text as String: return text
        case let number as NSNumber: return self.number(number)
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Double: return self.number(NSNumber(value: number))
        case let object?: return compactJSON(object)
        }
    }

    /// A value for `key=value` lists: like ``value(_:)`` but strings that are empty or
    /// hold spaces, quotes or `=` are quoted as JSON.
    static func token(_ value: Any?) -> String {
        if let text = value as? String {
            let needsQuotes = text.isEmpty || text.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" }
            return needsQuotes ? compactJSON(text) : text
        }
        return self.value(value)
    }

    static func number(_ number: NSNumber) -> String {
        if isBoolean(number) { return number.boolValue ? "true" : "false" }
        let double = number.doubleValue
        if double.rounded() == double, abs(double) < 1e15 { return String(Int64(double)) }
        let text = String(double)
        return text.contains("e") ? plainDecimal.string(from: number) ?? text : text  // 0.00001, not 1e-05: files read back
    }

    private static let plainDecimal: NumberFormatter = {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.numberStyle = .decimal
        formatter.usesGroupingSeparator = false
        formatter.maximumFractionDigits = 20
        return formatter
    }()

    /// True for an `NSNumber` that JSONSerialization made from `true`/`false`.
    static func isBoolean(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"
    }

    /// Compact JSON with sorted keys; fragments (strings, numbers) allowed.
    static func compactJSON(_ object: Any) -> String {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else {
            return String(describing: object)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Seconds as a number, if the value is one.
    static func seconds(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber where !isBoolean(number): return number.doubleValue
        case let number as Double: return number
        case let number as Int: return Double(number)
        default: return nil
        }
    }

    static func int(_ value: Any?) -> Int? {
        seconds(value).map { Int($0) }
    }

    // MARK: - Durations and ratios

    /// `41.5 s`, `2m 59s`, `1h 02m`; `-` when missing.
    static func duration(_ value: Any?) -> String {
        guard let seconds = seconds(value) else { return "-" }
        if seconds < 60 {
            return seconds.rounded() == seconds ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
        }
        let total = Int(seconds.rounded())
        if total < 3600 { return String(format: "%dm %02ds", total / 60, total % 60) }
        return String(format: "%dh %02dm", total / 3600, (total % 3600) / 60)
    }

    /// A fraction 0…1 as a percentage: `82%`, small ones with a decimal (`0.4%`); `-` when missing.
    static func percent(_ value: Any?) -> String {
        guard let fraction = seconds(value) else { return "-" }
        let percent = fraction * 100
        if percent > 0 && percent < 10 { return String(format: "%.1f%%", percent) }
        return "\(Int(percent.rounded()))%"
    }

    // MARK: - Timestamps

    private static let rfc3339Fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    private static let rfc3339: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    /// Parses an RFC 3339 timestamp, with or without fractional seconds.
    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return rfc3339Fractional.date(from: text) ?? rfc3339.date(from: text)
    }

    private static func localFormatter(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = pattern
        return formatter
    }
    private static let clockMillis = localFormatter("HH:mm:ss.SSS")
    private static let clock = localFormatter("HH:mm:ss")
    private static let dayAndClock = localFormatter("yyyy-MM-dd HH:mm")

    /// Local wall-clock time with milliseconds, `18:05:00.123`.
    static func clockWithMillis(_ date: Date) -> String { clockMillis.string(from: date) }

    /// Local time of day for today's instants, date and time for older ones.
    static func localTime(_ date: Date, now: Date = Date()) -> String {
        Calendar.current.isDate(date, inSameDayAs: now) ? clock.string(from: date) : dayAndClock.string(from: date)
    }

    // MARK: - Records

    /// Prints `key: value` lines, keys aligned, `first` keys in that order then the rest sorted.
    /// Timestamps (`…_at` fields) come last, in time order.
    static func record(_ object: [String: Any], first: [String] = []) -> String {
        // Moments of the same millisecond in the order a call lives them, then by name.
        let lifecycle = ["offered_at", "queued_at", "ringing_at", "answered_at", "ended_at"]
        func rank(_ key: String) -> Int { lifecycle.firstIndex(of: key) ?? lifecycle.count }
        let timestamps = object.keys.filter { $0.hasSuffix("_at") && !first.contains($0) && date(object[$0]) != nil }
            .sorted { (date(object[$0])!, rank($0), $0) < (date(object[$1])!, rank($1), $1) }
        let keys = orderedKeys(object, first: first, skipping: Set(timestamps)) + timestamps
        let width = keys.map(\.count).max() ?? 0
        return keys.map { key in
            let label = (key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0)
            return "\(label) \(value(object[key]))"
        }.joined(separator: "\n")
    }

    /// The keys of `object`: those in `first` that it has, in that order, then the rest sorted.
    static func orderedKeys(_ object: [String: Any], first: [String], skipping: Set<String> = []) -> [String] {
        var seen = skipping
        var keys: [String] = []
        for key in first where object[key] != nil && !seen.contains(key) {
            keys.append(key)
            seen.insert(key)
        }
        return keys + object.keys.filter { !seen.contains($0) }.sorted()
    }
}

/// Prints a JSON value on one line (for `--json`).
func printJSON(_ object: Any) {
    print(Format.compactJSON(object))
}
