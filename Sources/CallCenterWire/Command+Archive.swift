import CallCenterArchive
import CallCenterCore

/// The customer-archive ops, decoded. Phone numbers stay as written: the engine
/// reads them in the configured country's way.
public enum ArchiveRequest: Sendable, Equatable {
    /// `caller.profile`: the whole record (audited).
    case profile(ProfileKey)
    /// `call.register {call, category, summary}`.
    case register(call: CallID, category: CallCategory, summary: String)
    /// `audit.list {customer?, agent?, limit?}`.
    case auditList(customer: String?, agent: AgentID?, limit: Int)
    /// `customer.upsert {customer: {...}}`.
    case upsertCustomer(CustomerPatch)
    /// `customer.import {rows: [...], more?}`: rows with `more: true` are staged
    /// on the session; the request without `more` commits them all in one transaction.
    case importCustomers([CustomerPatch], more: Bool)
    /// `customer.export {after?, limit?}`: a page of records by id (audited).
    case export(after: String?, limit: Int)
    /// `customer.regrade {after?, limit?, as_of?}`: recompute scores and tiers for a page.
    case regrade(after: String?, limit: Int, asOf: CalendarDate?)
    /// `customer.cooperation {customer, date, amount, item?}`: a purchase record.
    case addCooperation(customer: String, date: CalendarDate, amount: Double, item: String?)
    /// `number.flags {number}`: the number's flags, cleared ones too. The number as written.
    case numberFlags(number: String)
    /// `number.unflag {number, flag?, reason}`: clears the number's flags of that
    /// kind (every kind without `flag`).
    case unflag(number: String, flags: [NumberFlagKind], reason: String)
}

/// Which record `caller.profile` reads.
public enum ProfileKey: Sendable, Equatable {
    case call(CallID)
    /// As written: the engine reads it.
    case number(String)
    case customer(String)
}

extension ArchiveRequest {
    /// Longest `call.register` summary, in characters.
    public static let maxSummary = 4000

    static func decode(_ op: Operation, _ f: Fields) throws(WireError) -> ArchiveRequest {
        switch op {
        case .callerProfile:
            let keys = [("call", try f.optionalString("call")), ("number", try f.optionalString("number")), ("customer", try f.optionalString("customer"))]
            let given = keys.filter { $0.1 != nil }
            guard given.count == 1, let (name, value) = given.first, let value else {
                throw .badRequest("caller.profile needs exactly one of 'call', 'number' or 'customer'")
            }
            switch name {
            case "call": return .profile(.call(value))
            case "number": return .profile(.number(value))
            default: return .profile(.customer(value))
            }
        case .callRegister:
            let category = try f.choice("category", CallCategory.self, among: CallCategory.allCases)
            let summary = try f.string("summary")
            guard summary.count <= maxSummary else { throw .badRequest("field 'summary' is at most \(maxSummary) characters, not \(summary.count)") }
            return .register(call: try f.string("call"), category: category, summary: summary)
        case .numberFlags:
            return .numberFlags(number: try f.string("number"))
        case .numberUnflag:
            let kinds = try f.optionalString("flag") == nil ? NumberFlagKind.allCases : [try f.choice("flag", NumberFlagKind.self, among: NumberFlagKind.allCases)]
            let reason = try f.string("reason")
            guard reason.count <= maxSummary else { throw .badRequest("field 'reason' is at most \(maxSummary) characters, not \(reason.count)") }
            return .unflag(number: try f.string("number"), flags: kinds, reason: reason)
        case .auditList:
            return .auditList(customer: try f.optionalString("customer"), agent: try f.optionalString("agent"),
                              limit: try limit(f, default: 100, max: 10_000))
        case .customerUpsert:
            guard let value = f["customer"], case let .object(object) = value else {
                throw .badRequest("field 'customer' must be an object like {\"id\": \"C001\", \"name\": \"...\", \"phones\": [\"13800001111\"]}")
            }
            return .upsertCustomer(try patch(object, prefix: "customer.", row: nil))
        case .customerImport:
            guard let value = f["rows"], case let .array(items) = value else {
                throw .badRequest("field 'rows' must be an array of customer objects")
            }
            var patches: [CustomerPatch] = []
            for (index, item) in items.enumerated() {
                guard case var .object(object) = item else { throw .badRequest("rows[\(index)] must be an object, not \(item.typeDescription)") }
                let row = object.removeValue(forKey: "row")?.intValue ?? index + 2
                patches.append(try patch(object, prefix: "", row: row))
            }
            return .importCustomers(patches, more: try f.optionalBool("more") ?? false)
        case .customerExport:
            return .export(after: try f.optionalString("after"), limit: try limit(f, default: 1000, max: 10_000))
        case .customerRegrade:
            return .regrade(after: try f.optionalString("after"), limit: try limit(f, default: 1000, max: 10_000),
                            asOf: try f.optionalString("as_of").map { text throws(WireError) in try date(text, field: "as_of") })
        case .customerCooperation:
            let amount = try f.number("amount")
            guard amount >= 0, amount < 1e12 else { throw .badRequest("field 'amount' must be an amount in 万元 ≥ 0, not \(amount)") }
            return .addCooperation(customer: try f.string("customer"), date: try date(try f.string("date"), field: "date"),
                                   amount: amount, item: try f.optionalString("item"))
        default:
            throw .badRequest("op '\(op.rawValue)' is not a customer-archive op")
        }
    }

    /// A customer object's members read as a patch; errors name `prefix` + the field.
    static func patch(_ object: [String: JSONValue], prefix: String, row: Int?) throws(WireError) -> CustomerPatch {
        var inputs: [(CustomerField, FieldInput)] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let field = CustomerField(rawValue: key) else {
                throw .badRequest((row.map { "row \($0), " } ?? "") + "field '\(prefix)\(key)' is not a customer field; the fields are "
                    + CustomerField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let input: FieldInput
            switch value {
            case .null: input = .null
            case let .string(s): input = .text(s)
            case let .number(n): input = .number(n)
            case let .array(items):
                var list: [String] = []
                for item in items {
                    guard case let .string(s) = item else {
                        throw .badRequest((row.map { "row \($0), " } ?? "") + "field '\(prefix)\(key)' must be an array of strings, found \(item.typeDescription)")
                    }
                    list.append(s)
                }
                input = .list(list)
            default:
                throw .badRequest((row.map { "row \($0), " } ?? "") + "field '\(prefix)\(key)' cannot be \(value.typeDescription)")
            }
            inputs.append((field, input))
        }
        do throws(FieldError) {
            return try CustomerPatch.read(inputs, row: row)
        } catch {
            throw WireError(error, prefix: prefix)
        }
    }

    static func limit(_ f: Fields, default value: Int, max: Int) throws(WireError) -> Int {
        guard let n = try f.optionalInt("limit") else { return value }
        guard (1...max).contains(n) else { throw .badRequest("field 'limit' must be from 1 to \(max), not \(n)") }
        return n
    }

    static func date(_ text: String, field: String) throws(WireError) -> CalendarDate {
        guard let date = CalendarDate(text) else { throw .badRequest("field '\(field)' must be a date like \"2023-10-15\", not \"\(text)\"") }
        return date
    }
}

extension WireError {
    /// A field error as `bad_request`, the field named with `prefix` (`customer.`).
    public init(_ error: FieldError, prefix: String = "") {
        var named = error
        named.field = prefix + error.field
        self.init(.badRequest, named.description)
    }
}

extension Command {
    /// `call.offer` carries what the connection looked up in the archive.
    func attaching(_ caller: CallerInfo?) -> Command {
        guard let caller, case let .input(.offerCall(call, from, to, queue, attributes, _)) = self else { return self }
        return .input(.offerCall(call: call, from: from, to: to, queue: queue, attributes: attributes, caller: caller))
    }
}
