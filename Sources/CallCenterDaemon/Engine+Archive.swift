import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation

/// The customer-archive ops. Writes (and the audit entries of reads) are
/// journaled and go into the pass's commit; the reply leaves only after it.
extension Engine {
    var archiveSettings: ArchiveSettings { archive.settings }

    func handleArchive(_ op: ArchiveRequest, _ request: Request, from session: Session, now: Instant, log: inout PassLog) throws {
        switch op {
        case let .profile(key):
            try readProfile(key, request, from: session, now: now, log: &log)
        case let .register(call, category, summary):
            try register(call: call, category: category, summary: summary, request, from: session, now: now, log: &log)
        case let .auditList(customer, agent, limit):
            let pending = log.archive.auditEntries.filter { (customer == nil || $0.customer == customer) && (agent == nil || $0.agent == agent) }
            let stored = try store.auditEntries(customer: customer, agent: agent, limit: limit)
            let entries = (pending + stored).prefix(limit)
            outbox.reply(session, Encode.ok(id: request.id, result: .object(["entries": .array(entries.map(ArchiveEncoding.audit))])))
        case let .upsertCustomer(patch):
            do {
                let result = try buildCustomers([patch], log: log)
                let record = result.records[0]
                journal(request, session, now: now, log: &log, payload: request.raw)
                log.archive.save(result.records, at: now)
                reply(request, session, [
                    "customer": .object(ArchiveEncoding.customer(record, rules: archiveSettings.grading)),
                    "created": .bool(result.created.contains(record.id)),
                ])
            } catch let error as FieldError {
                throw WireError(error, prefix: "customer.")
            }
        case let .importCustomers(patches, more):
            try importCustomers(patches, more: more, request, from: session, now: now, log: &log)
        case let .export(after, limit):
            let page = try store.exportCustomers(after: after, limit: limit)
            let rules = archiveSettings.grading
            let detail = page.isEmpty ? "no customers after \(after ?? "the start")" : "\(page.count) customers \(page.first!.id)…\(page.last!.id)"
            journal(request, session, now: now, log: &log, payload: request.raw)
            log.archive.changes.append(.audit(audit(session, customer: "*", call: nil, at: now, action: .export, detail: detail)))
            reply(request, session, [
                "customers": .array(page.map { .object(ArchiveEncoding.customer($0, rules: rules)) }),
                "next": page.count == limit ? .string(page.last!.id) : .null,
            ])
        case let .regrade(after, limit, asOf):
            try regrade(after: after, limit: limit, asOf: asOf, request, from: session, now: now, log: &log)
        case let .numberFlags(text):
            let number = try readNumber(text)
            let flags = try flagsAsOfPass(number.e164, log: log)
            outbox.reply(session, Encode.ok(id: request.id, result: .object([
                "number": .string(number.e164), "flags": .array(flags.map(ArchiveEncoding.flag)),
            ])))
        case let .unflag(text, kinds, reason):
            let number = try readNumber(text)
            let active = try flagsAsOfPass(number.e164, log: log).filter { $0.cleared == nil && kinds.contains($0.flag) }
            guard !active.isEmpty else {
                let what = kinds.count == 1 ? "no \(kinds[0].rawValue) flag" : "no flag"
                throw WireError(.notFound, "the number \(number.e164) has \(what) to clear")
            }
            journal(request, session, now: now, log: &log, payload: request.raw)
            let cleared = NumberFlag.Clearing(by: session.actor, at: now, reason: reason)
            log.archive.changes.append(.clearFlags(number: number.e164, flags: kinds, by: session.actor, at: now, reason: reason))
            logger.notice("number flag cleared", metadata: ["number": "\(archiveSettings.logged(number.e164))",
                                                           "flags": "\(Set(active.map(\.flag.rawValue)).sorted().joined(separator: ","))",
                                                           "by": "\(session.actor)"])
            reply(request, session, [
                "number": .string(number.e164),
                "cleared": .array(active.map { var f = $0; f.cleared = cleared; return ArchiveEncoding.flag(f) }),
            ])
        case let .addCooperation(customer, date, amount, item):
            guard try ArchiveView(store: store, pass: log.archive).customer(customer) != nil else {
                throw WireError(.notFound, "customer '\(customer)' is not in the archive")
            }
            journal(request, session, now: now, log: &log, payload: request.raw)
            log.archive.changes.append(.addCooperation(Cooperation(customer: customer, date: date, amount: amount, item: item,
                                                                   recordedAt: now, recordedBy: session.actor)))
            reply(request, session, ["customer": .string(customer), "date": .string(date.description), "amount": .number(amount), "item": .from(item)])
        }
    }

    // MARK: - caller.profile

    private func readProfile(_ key: ProfileKey, _ request: Request, from session: Session, now: Instant, log: inout PassLog) throws {
        let view = ArchiveView(store: store, pass: log.archive)
        var customerID: String?
        var call: CallID?
        var handledByAgent = false
        let asked: String  // how the request named the record, for a refusal
        let missing: String  // why there is no record to return
        func refusal(_ agent: AgentID, _ asked: String) -> WireError {
            WireError(.forbidden, "agent '\(agent)' may read only the record of a call assigned to it or of a customer it manages; \(asked) is neither")
        }
        switch key {
        case let .call(id):
            guard let found = try callRecord(id, pending: log) else {
                // An agent learns nothing of a call that is not theirs, not even whether there is one.
                if session.role == .agent, let agent = session.agent { throw refusal(agent, "call '\(id)'") }
                throw WireError(.notFound, "call '\(id)' is not known")
            }
            asked = "call '\(id)'"
            missing = "call '\(id)' is from a number that matches no customer in the archive"
            customerID = try customer(of: found, view)
            call = id
            handledByAgent = session.agent.map(found.agents.contains) ?? false
        case let .number(text):
            let number = try readNumber(text)
            asked = "the number \(number.e164)"
            missing = "no customer has the number \(number.e164)"
            customerID = try view.owner(number.e164)
        case let .customer(id):
            asked = "customer '\(id)'"
            missing = "customer '\(id)' is not in the archive"
            customerID = id
        }
        var profile = try customerID.flatMap { id in
            try store.profile(customer: id) ?? view.customer(id).map { CustomerProfile(record: $0) }
        }
        if let id = customerID, let saved = log.archive.customers[id] { profile?.record = saved }
        // The marks on its numbers as number.flags shows them: with those set or
        // cleared earlier in this pass, and on the numbers of the record as saved
        // in this pass (the store read the numbers it had before).
        if var read = profile {
            let phones = read.record.phones
            let stored = log.archive.customers[read.record.id] == nil ? read.flags : try store.flags(numbers: phones)
            read.flags = Self.asOfPass(stored, numbers: Set(phones), log: log)
            profile = read
        }
        // An agent learns nothing of a record it may not read, not even whether there is one.
        if session.role == .agent, let agent = session.agent, !handledByAgent {
            guard let profile, try profile.record.accountManager == agent || agentHasCall(agent, from: profile.record.id, pending: log) else {
                logger.notice("customer record refused to an agent", metadata: ["agent": "\(agent)", "asked": "\(key.name)"])
                throw refusal(agent, asked)
            }
        }
        guard let profile else { throw WireError(.notFound, missing) }
        let customerRead = profile.record.id
        journal(request, session, now: now, log: &log, payload: JSONWriter.string(.object([
            "customer": .string(customerRead), "call": .from(call), "by": .string(key.name),
        ])))
        log.archive.changes.append(.audit(audit(session, customer: customerRead, call: call, at: now)))
        outbox.reply(session, Encode.ok(id: request.id, result: ArchiveEncoding.profile(profile, rules: archiveSettings.grading)), change: request.id)
    }

    /// The customer a call came from: the one the screen pop found at the offer,
    /// else whoever holds the number now (a record created during the call).
    private func customer(of call: LoggedCall, _ view: ArchiveView) throws -> String? {
        if let known = call.caller?.customer { return known }
        guard let number = PhoneNumber(call.from, country: archiveSettings.country) else { return nil }
        return try view.owner(number.e164)
    }

    /// Whether the agent is on (or wrapping up) a call from this customer.
    private func agentHasCall(_ agent: AgentID, from customer: String, pending: PassLog) throws -> Bool {
        guard let a = core.agents[agent] else { return false }
        let view = ArchiveView(store: store, pass: pending.archive)
        for id in [a.call, a.wrapUp?.call].compactMap({ $0 }) {
            if let record = try callRecord(id, pending: pending), try self.customer(of: record, view) == customer { return true }
        }
        return false
    }

    /// A call's life as the archive needs it: live, ended in this pass, or from the call log.
    func callRecord(_ id: CallID, pending: PassLog) throws -> LoggedCall? {
        if let live = core.calls[id] ?? pending.changes.legs.last(where: { $0.id == id }) {
            var agents = Set(pending.changes.legs.filter { $0.serial == live.serial }.compactMap(\.agent))
            if let agent = live.agent { agents.insert(agent) }
            if let logged = try store.loggedCall(id), logged.serial == live.serial { agents.formUnion(logged.agents) }
            return LoggedCall(serial: live.serial, from: live.from, caller: live.caller, offeredAt: live.offeredAt, agents: agents.sorted())
        }
        return try store.loggedCall(id)
    }

    // MARK: - call.register

    private func register(call id: CallID, category: CallCategory, summary: String, _ request: Request, from session: Session,
                          now: Instant, log: inout PassLog) throws {
        guard let call = try callRecord(id, pending: log) else { throw WireError(.notFound, "call '\(id)' is not known") }
        if session.role == .agent, let agent = session.agent, !call.agents.contains(agent) {
            throw WireError(.forbidden, "call '\(id)' was not assigned to agent '\(agent)': an agent registers only its own calls")
        }
        let readable = PhoneNumber(call.from, country: archiveSettings.country)
        let handler = session.role == .agent ? session.agent : (core.calls[id]?.agent ?? call.agents.last)
        // The customer the call leads to now: a record created during the call counts.
        let customer = try self.customer(of: call, ArchiveView(store: store, pass: log.archive))
        journal(request, session, now: now, log: &log, payload: request.raw)
        log.archive.changes.append(.register(Registration(
            call: id, serial: call.serial, customer: customer, number: readable?.e164 ?? call.from, category: category,
            summary: summary, agent: handler, registeredBy: session.actor, at: now, offeredAt: call.offeredAt
        )))
        var result: [String: JSONValue] = [
            "call": .string(id), "category": .string(category.rawValue), "summary": .string(summary),
            "customer": .from(customer), "registered_at": Encode.time(now), "flagged": .null,
        ]
        if let readable {
            // Registering again replaces the registration, and with it the flag it set.
            let source = FlagSource(call: id, since: call.offeredAt)
            let set = Set(try flagsAsOfPass(readable.e164, log: log).filter { $0.cleared == nil && source.set($0) }.map(\.flag))
            let withdrawn = NumberFlagKind.allCases.filter { set.contains($0) && $0 != category.numberFlag }
            if !withdrawn.isEmpty {
                log.archive.changes.append(.clearFlags(number: readable.e164, flags: withdrawn, by: session.actor, at: now,
                                                       reason: "call \(id) registered again as \(category.rawValue)", setBy: source))
            }
            if let flag = category.numberFlag {
                if !set.contains(flag) {
                    log.archive.changes.append(.flagNumber(NumberFlag(number: readable.e164, flag: flag, by: session.actor, at: now,
                                                                      reason: summary, call: id)))
                    logger.warning("number flagged", metadata: ["number": "\(archiveSettings.logged(readable.e164))", "flag": "\(flag.rawValue)",
                                                                "by": "\(session.actor)", "call": "\(id)"])
                }
                result["flagged"] = .object(["number": .string(readable.e164), "flag": .string(flag.rawValue)])
            }
        } else if category.numberFlag != nil {
            result["note"] = .string("the number \"\(call.from)\" cannot be read, so it was not flagged")
        }
        reply(request, session, result)
    }

    // MARK: - Helpers

    /// A number as a request wrote it, read in the configured country's way.
    func readNumber(_ text: String, field: String = "number") throws -> PhoneNumber {
        guard let number = PhoneNumber(text, country: archiveSettings.country) else {
            throw WireError(.badRequest, "field '\(field)': cannot read \"\(text)\" as a phone number (national numbers are read as \(archiveSettings.country.code))")
        }
        return number
    }

    /// The flags of a number (E.164) as this pass leaves them. Newest first.
    func flagsAsOfPass(_ number: String, log: PassLog) throws -> [NumberFlag] {
        Self.asOfPass(try store.flags(number: number), numbers: [number], log: log)
    }

    /// `stored` (the flags of `numbers` in the database, newest first) as this
    /// pass leaves them: the pass's own flags and clearings of those numbers,
    /// in order. Newest first.
    static func asOfPass(_ stored: [NumberFlag], numbers: Set<String>, log: PassLog) -> [NumberFlag] {
        var flags = Array(stored.reversed())
        for change in log.archive.changes {
            switch change {
            case let .flagNumber(f) where numbers.contains(f.number):
                flags.append(f)
            case let .clearFlags(n, kinds, by, at, reason, setBy) where numbers.contains(n):
                for i in flags.indices where flags[i].number == n && flags[i].cleared == nil && kinds.contains(flags[i].flag)
                    && setBy?.set(flags[i]) != false {
                    flags[i].cleared = NumberFlag.Clearing(by: by, at: at, reason: reason)
                }
            default:
                continue
            }
        }
        return flags.reversed()
    }

    /// Journals a request whose changes go into `log.archive`.
    func journal(_ request: Request, _ session: Session, now: Instant, log: inout PassLog, payload: String?) {
        log.entries.append(JournalEntry(seq: nextSeq, at: now, op: request.op, actor: session.actor,
                                        payload: payload ?? JSONWriter.string(.object(request.fields.values))))
        nextSeq += 1
    }

    /// The `ok` reply to a journaled request: sent after the commit, `unavailable` if it fails.
    func reply(_ request: Request, _ session: Session, _ result: [String: JSONValue]) {
        outbox.reply(session, Encode.ok(id: request.id, result: .object(result)), change: request.id)
    }

    func audit(_ session: Session, customer: String, call: CallID?, at: Instant, action: AuditEntry.Action = .profile,
               detail: String? = nil) -> AuditEntry {
        AuditEntry(at: at, role: session.role?.rawValue ?? "admin", agent: session.role == .agent ? session.agent : nil,
                   customer: customer, call: call, action: action, detail: detail)
    }

    /// Patches applied over the archive as this pass sees it; numbers checked against everyone else.
    func buildCustomers(_ patches: [CustomerPatch], log: PassLog) throws -> CustomerImport {
        let ids = Array(Set(patches.map(\.id)))
        var bases = try store.customers(ids: ids)
        for id in ids { if let saved = log.archive.customers[id] { bases[id] = saved } }
        // Every number the rows name, read once: who holds it now (one read for all).
        var numbers: [String] = []
        for case let .list(items)?? in patches.map({ $0.values[.phones] }) {
            numbers += items.compactMap { PhoneNumber($0, country: archiveSettings.country)?.e164 }
        }
        let stored = try store.phoneOwners(numbers)
        let pass = log.archive
        return try CustomerImport.build(patches, country: archiveSettings.country, rules: archiveSettings.grading, base: { bases[$0] }) { number in
            if let owner = pass.phoneOwners[number] { return owner }
            // A customer saved earlier in this pass holds exactly the numbers in `phoneOwners`.
            guard let owner = stored[number], pass.customers[owner] == nil else { return nil }
            return owner
        }
    }
}

extension ProfileKey {
    var name: String {
        switch self {
        case .call: return "call"
        case .number: return "number"
        case .customer: return "customer"
        }
    }
}
