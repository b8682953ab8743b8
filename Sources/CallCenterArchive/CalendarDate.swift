/// A day on the calendar (`2023-10-15`): birthdays, cooperation dates.
/// Stored and sent as ISO 8601 `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `2023-10-15`, `2023/10/15`, `2023.10.15`, `2023-1-5` and `2023年10月15日`.
    public init?(_ text: String) {
        var parts: [Int] = []
        var current = ""
        for ch in text.trimmingCharacters(in: " \t") {
            if ch.isASCII && ch.isNumber {
                current.append(ch)
            } else if "-/.年月日".contains(ch) {
                // Too many digits for an Int is no date either.
                guard let part = Int(current) else { return nil }
                parts.append(part)
                current = ""
            } else {
                return nil
            }
        }
        if !current.isEmpty {
            guard let part = Int(current) else { return nil }
            parts.append(part)
        }
        guard parts.count == 3, let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
        self = date
    }

    /// The date of `milliseconds` since the epoch, shifted by `utcOffsetSeconds`.
    public init(milliseconds: Int64, utcOffsetSeconds: Int = 0) {
        let days = Int((milliseconds / 1000 + Int64(utcOffsetSeconds)).floorDiv(86_400))
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// Whole months from `self` to `later` (0 when `later` is earlier):
    /// 2023-10-15 → 2023-11-15 is 1, → 2023-11-14 is 0.
    public func months(until later: CalendarDate) -> Int {
        var months = (later.year - year) * 12 + (later.month - month)
        if later.day < day { months -= 1 }
        return max(0, months)
    }

    /// The same day `count` months earlier (clamped to the month's last day).
    public func monthsBefore(_ count: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) - count
        let y = index / 12, m = index % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, Self.days(in: m, of: y))) ?? self
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
