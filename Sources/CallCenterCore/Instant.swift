/// A point in time: milliseconds since the Unix epoch, UTC.
///
/// The core never reads a clock. Every input arrives with the instant it
/// happened, so replaying the journal reproduces every decision.
public struct Instant: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// `self + seconds`, rounded to the millisecond. Clamped to ±2^62 ms (146 million
    /// years): a duration too large to add must not stop the daemon (inputs bound
    /// durations; this guards a state saved before they did).
    public func adding(seconds: Double) -> Instant {
        let limit = Double(Self.limit)
        let delta = (seconds * 1000).rounded()
        guard delta.isFinite, abs(delta) < limit else { return Instant(milliseconds: delta < 0 ? -Self.limit : Self.limit) }
        return Instant(milliseconds: min(max(milliseconds + Int64(delta), -Self.limit), Self.limit))
    }

    static let limit: Int64 = 1 << 62

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    public func seconds(since earlier: Instant) -> Double {
        Double(milliseconds - earlier.milliseconds) / 1000
    }

    /// When a timer due at `due` takes effect, applied at `now`: when it was due
    /// (it may have come due while the daemon was down), never later than `now`
    /// nor earlier than `floor` (when what it ends began); `now` with no due time.
    static func effective(due: Instant?, now: Instant, notBefore floor: Instant) -> Instant {
        due.map { max(min($0, now), floor) } ?? now
    }

    public var description: String { "\(milliseconds)ms" }
}
