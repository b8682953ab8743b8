/// A point in time: milliseconds since the Unix epoch, UTC.
///
/// The core never reads a clock. Every input arrives with the instant it
/// happened, so replaying the journal reproduces every decision.
public struct Instant: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// `self + seconds`, rounded to the millisecond.
    public func adding(seconds: Double) -> Instant {
        Instant(milliseconds: milliseconds + Int64((seconds * 1000).rounded()))
    }

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    public func seconds(since earlier: Instant) -> Double {
        Double(milliseconds - earlier.milliseconds) / 1000
    }

    public var description: String { "\(milliseconds)ms" }
}
