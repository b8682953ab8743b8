import CallCenterCore

/// The local days a `complaint.report` covers, both included (`YYYY-MM-DD`).
public struct ComplaintReportRange: Sendable, Equatable {
    /// Days since 1970-01-01; nil: open-ended.
    public var fromDay: Int?
    public var toDay: Int?

    public init(fromDay: Int? = nil, toDay: Int? = nil) {
        self.fromDay = fromDay
        self.toDay = toDay
    }

    /// Parses the `from` and `to` fields.
    init(_ f: Fields) throws(WireError) {
        fromDay = try f.optionalString("from").map { text throws(WireError) in try Self.day(text, field: "from") }
        toDay = try f.optionalString("to").map { text throws(WireError) in try Self.day(text, field: "to") }
        if let fromDay, let toDay, fromDay > toDay {
            throw .badRequest("field 'from' is after field 'to': give the first day, then the last")
        }
    }

    /// `2026-11-23` → days since 1970-01-01 (proleptic Gregorian calendar).
    public static func day(_ text: String, field: String) throws(WireError) -> Int {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else {
            throw .badRequest("field '\(field)' must be a date like \"2026-11-23\", not \"\(text)\"")
        }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Command {
    /// Decodes the `complaint.*` ops.
    static func decodeComplaint(_ op: Operation, _ f: Fields, session: SessionContext) throws(WireError) -> Command {
        switch op {
        case .complaintOpen:
            let agent = try complaintAgent(f, session)
            return .input(.openComplaint(call: try f.string("call"), agent: agent, summary: try f.string("summary"), caller: nil))
        case .complaintStep:
            let agent = try complaintAgent(f, session)
            let step = try f.choice("step", ComplaintStep.self, among: ComplaintStep.allCases)
            return .input(.complaintStep(complaint: try f.string("complaint"), step: step, agent: agent,
                                         note: try note(f), call: try f.optionalString("call")))
        case .complaintAssign:
            return .input(.assignComplaint(complaint: try f.string("complaint"), agent: try f.string("agent")))
        case .complaintList:
            let state = f["state"] == nil || f["state"] == .null
                ? nil : try f.choice("state", ComplaintState.self, among: ComplaintState.allCases)
            let limit = try f.optionalInt("limit") ?? 100
            guard (1...10_000).contains(limit) else { throw .badRequest("field 'limit' must be from 1 to 10000, not \(limit)") }
            return .query(.complaintList(state: state, limit: limit))
        case .complaintGet:
            return .query(.complaintGet(try f.string("complaint")))
        case .complaintReport:
            return .query(.complaintReport(try ComplaintReportRange(f)))
        default:
            preconditionFailure("not a complaint op: \(op.rawValue)")
        }
    }

    /// A step's note: any string (the core says when one is required), or absent.
    private static func note(_ f: Fields) throws(WireError) -> String? {
        guard let value = f["note"], value != .null else { return nil }
        guard case let .string(text) = value else { throw .badRequest("field 'note' must be a string, not \(value.typeDescription)") }
        return text
    }

    /// The agent a complaint op acts for: the session's own, or for an admin the `agent` field.
    private static func complaintAgent(_ f: Fields, _ session: SessionContext) throws(WireError) -> AgentID {
        guard session.role == .agent else { return try f.string("agent") }
        guard let bound = session.agent else { throw WireError(.unauthenticated, "this agent session is not bound to an agent") }
        if let named = try f.optionalString("agent"), named != bound {
            throw WireError(.forbidden, "this session is agent '\(bound)'; it cannot act for agent '\(named)'")
        }
        return bound
    }
}
