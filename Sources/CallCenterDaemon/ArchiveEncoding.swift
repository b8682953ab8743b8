import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire

/// How customer records, profiles and audit entries look on the wire.
enum ArchiveEncoding {
    /// The whole record with its scores, composite and tier.
    static func customer(_ r: CustomerRecord, rules: GradingRules) -> [String: JSONValue] {
        let grade = rules.grade(r.scores)
        return [
            "id": .string(r.id), "name": .string(r.name), "company": .from(r.company), "industry": .from(r.industry),
            "size": .from(r.size), "contact": .from(r.contact), "phones": .array(r.phones.map { .string($0) }),
            "address": .from(r.address), "birthday": .from(r.birthday?.description), "language": .from(r.language),
            "needs": .from(r.needs), "decision_chain": .from(r.decisionChain), "last_feedback": .from(r.lastFeedback),
            "last_cooperation": .from(r.lastCooperation?.description), "amount": .from(r.amount),
            "tags": .array(r.tags.map { .string($0) }), "notes": .from(r.notes), "account_manager": .from(r.accountManager),
            "tier": .from(r.tier?.rawValue), "tier_source": r.tier == nil ? .null : .string(r.tierIsManual ? "manual" : "graded"),
            "scores": .object([
                "r": .from(r.scores.r), "f": .from(r.scores.f), "m": .from(r.scores.m), "custom": .from(r.scores.custom),
                "composite": .from(grade?.composite.map { ($0 * 100).rounded() / 100 }),
            ]),
            "grade": grade.map { .object(["tier": .string($0.tier.rawValue), "reason": .string($0.reason)]) } ?? .null,
        ]
    }

    /// A record as saved, for the journal: the stored fields that have a value.
    static func saved(_ r: CustomerRecord) -> [String: JSONValue] {
        var o = customer(r, rules: GradingRules()).filter { key, value in
            !["grade", "scores", "tier_source"].contains(key) && value != .null && value != .array([])
        }
        let scores: [(String, Double?)] = [("r_score", r.scores.r), ("f_score", r.scores.f), ("m_score", r.scores.m), ("custom_score", r.scores.custom)]
        for case let (key, score?) in scores { o[key] = .number(score) }
        if r.tierIsManual { o["tier_manual"] = true }
        return o
    }

    static func profile(_ p: CustomerProfile, rules: GradingRules) -> JSONValue {
        var o = customer(p.record, rules: rules)
        o["interactions"] = .array(p.interactions.map(interaction))
        o["cooperations"] = .array(p.cooperations.map { c in
            .object(["date": .string(c.date.description), "amount": .number(c.amount), "item": .from(c.item),
                     "recorded_by": .string(c.recordedBy), "recorded_at": Encode.time(c.recordedAt)])
        })
        o["flags"] = .array(Array(Set(p.flags.filter { $0.cleared == nil }.map(\.flag.rawValue))).sorted().map { .string($0) })
        o["flag_log"] = .array(p.flags.map(flag))
        o["open_complaints"] = .from(p.openComplaints)
        return .object(o)
    }

    static func interaction(_ i: Interaction) -> JSONValue {
        .object([
            "kind": .string(i.kind), "call": .from(i.call), "number": .string(i.number), "at": Encode.time(i.at),
            "category": .from(i.category?.rawValue), "summary": .from(i.summary), "agent": .from(i.agent),
            "registered_by": .from(i.registeredBy), "registered_at": Encode.time(i.registeredAt),
            "outcome": .from(i.outcome), "talk": Encode.seconds(i.talk), "hold": Encode.seconds(i.hold),
        ])
    }

    static func flag(_ f: NumberFlag) -> JSONValue {
        .object(["number": .string(f.number), "flag": .string(f.flag.rawValue), "by": .string(f.by), "at": Encode.time(f.at),
                 "reason": .string(f.reason), "call": .from(f.call),
                 "cleared": f.cleared.map { .object(["by": .string($0.by), "at": Encode.time($0.at), "reason": .string($0.reason)]) } ?? .null])
    }

    static func audit(_ a: AuditEntry) -> JSONValue {
        .object(["at": Encode.time(a.at), "role": .string(a.role), "agent": .from(a.agent), "customer": .string(a.customer),
                 "call": .from(a.call), "action": .string(a.action.rawValue), "detail": .from(a.detail)])
    }

    /// `callerInfo(c)` as JSON, written straight into `out`: the same bytes
    /// `JSONWriter` writes for it (keys sorted), without building the object
    /// first. It goes into the journal payload of every `call.offer`.
    static func writeCallerInfo(_ c: CallerInfo?, into out: inout [UInt8]) {
        guard let c else { out.append(contentsOf: "null".utf8); return }
        func field(_ key: String, _ value: String?, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: "\":".utf8)
            if let value { JSONWriter.writeString(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(UInt8(ascii: "{"))
        field("account_manager", c.accountManager, first: true)
        field("company", c.company)
        field("customer", c.customer)
        out.append(contentsOf: #","flags":["#.utf8)
        for (i, flag) in c.flags.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(flag, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        field("language", c.language)
        field("name", c.name)
        out.append(contentsOf: #","open_complaints":"#.utf8)
        JSONWriter.writeNumber(Double(c.openComplaints), into: &out)
        field("tier", c.tier?.rawValue)
        out.append(UInt8(ascii: "}"))
    }

    /// The screen-pop summary as the journal keeps it with `call.offer` (null: unknown number, no flags).
    static func callerInfo(_ c: CallerInfo?) -> JSONValue {
        guard let c else { return .null }
        return .object([
            "customer": .from(c.customer), "name": .from(c.name), "company": .from(c.company), "tier": .from(c.tier?.rawValue),
            "account_manager": .from(c.accountManager), "language": .from(c.language),
            "flags": .array(c.flags.map { .string($0) }), "open_complaints": .from(c.openComplaints),
        ])
    }
}
