import CallCenterCore

/// JSON for the projections' hot columns, written by hand: Foundation's
/// `JSONEncoder` cost tens of microseconds per value, and an agent or queue row
/// is rewritten on most commits. The text is what `JSONDecoder` reads back.
enum ProjectionJSON {
    /// A queue's counters (every commit that counts a call rewrites them).
    static func counters(_ c: QueueCounters) -> String {
        "{\"abandoned\":\(c.abandoned),\"abandonedAfterThreshold\":\(c.abandonedAfterThreshold),\"answered\":\(c.answered),"
            + "\"answeredWaitSeconds\":\(number(c.answeredWaitSeconds)),\"answeredWithinThreshold\":\(c.answeredWithinThreshold),"
            + "\"day\":\(c.day),\"handleSeconds\":\(number(c.handleSeconds)),\"handled\":\(c.handled),\"offered\":\(c.offered),"
            + "\"rejected\":\(c.rejected),\"shortAbandoned\":\(c.shortAbandoned),\"timedOut\":\(c.timedOut)}"
    }

    /// A string → string object with sorted keys (call attributes).
    static func object(_ values: [String: String]) -> String {
        var out = "{"
        for (i, key) in values.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            CallerInfoJSON.string(key, into: &out)
            out += ":"
            CallerInfoJSON.string(values[key]!, into: &out)
        }
        return out + "}"
    }

    /// A finite double as JSON (never `nan` or `inf`; those become 0).
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "0"
    }
}

/// The JSON of values that seldom change (agent profiles, queue settings),
/// remembered per id so that a state change does not encode them again. Used
/// by the writer only; a stale entry is simply re-encoded.
final class EncodingMemo: @unchecked Sendable {
    private var profiles: [AgentID: (profile: AgentProfile, skills: String, languages: String, tiers: String)] = [:]
    private var queues: [QueueID: (config: QueueConfig, skills: String, overflow: String)] = [:]

    func profile(_ p: AgentProfile) throws -> (skills: String, languages: String, tiers: String) {
        if let memo = profiles[p.id], memo.profile == p { return (memo.skills, memo.languages, memo.tiers) }
        let encoded = (skills: try Projections.json(p.skills), languages: try Projections.json(p.languages), tiers: try Projections.json(p.tiers))
        profiles[p.id] = (p, encoded.skills, encoded.languages, encoded.tiers)
        return encoded
    }

    func queue(_ c: QueueConfig) throws -> (skills: String, overflow: String) {
        if let memo = queues[c.id], memo.config == c { return (memo.skills, memo.overflow) }
        let encoded = (skills: try Projections.json(c.skills), overflow: try Projections.json(c.overflow))
        queues[c.id] = (c, encoded.skills, encoded.overflow)
        return encoded
    }
}
