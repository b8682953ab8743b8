import CallCenterCore

/// A `calls.report`: the local days it covers, one queue or all, by day or hour.
public struct CallsReportRequest: Sendable, Equatable {
    /// The slots a report is cut into.
    public enum Slot: String, Sendable, CaseIterable {
        case day, hour

        public var seconds: Int { self == .day ? 86_400 : 3_600 }
    }

    public var range: ComplaintReportRange
    public var queue: QueueID?
    public var by: Slot

    public init(range: ComplaintReportRange = ComplaintReportRange(), queue: QueueID? = nil, by: Slot = .day) {
        self.range = range
        self.queue = queue
        self.by = by
    }

    /// Parses `from`, `to` (local days, both included), `queue` and `by`.
    init(_ f: Fields) throws(WireError) {
        range = try ComplaintReportRange(f)
        queue = try f.optionalString("queue")
        by = f["by"] == nil || f["by"] == .null ? .day : try f.choice("by", Slot.self, among: Slot.allCases)
    }
}
