import CallCenterCore

/// A `calls.report`: the local days it covers, one queue or all, by day or hour.
public struct CallsReportRequest: Sendable, Equatable {
    /// The slots a report is cut into.
    public enum Slot: String, Sendable, CaseIterable {
        case day, hour

        public var seconds: Int { self == .day ? 86_400 : 3_600 }
    }

    /// What a row is about: a queue (all its legs), or an agent (the legs they answered).
    public enum Group: String, Sendable, CaseIterable {
        case queue, agent
    }

    public var range: ComplaintReportRange
    public var queue: QueueID?
    public var by: Slot
    public var group: Group

    public init(range: ComplaintReportRange = ComplaintReportRange(), queue: QueueID? = nil, by: Slot = .day, group: Group = .queue) {
        self.range = range
        self.queue = queue
        self.by = by
        self.group = group
    }

    /// Parses `from`, `to` (local days, both included), `queue`, `by` and `group`.
    init(_ f: Fields) throws(WireError) {
        range = try ComplaintReportRange(f)
        queue = try f.optionalString("queue")
        by = f["by"] == nil || f["by"] == .null ? .day : try f.choice("by", Slot.self, among: Slot.allCases)
        group = f["group"] == nil || f["group"] == .null ? .queue : try f.choice("group", Group.self, among: Group.allCases)
    }
}
