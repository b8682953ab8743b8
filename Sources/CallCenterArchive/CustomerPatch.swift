import CallCenterCore

/// `customer.upsert` and each row of an import: the fields given replace the
/// stored ones (a null or empty value clears a field), the fields not given keep
/// their stored value. A new customer needs a name (or a company or contact to
/// name it by).
public struct CustomerPatch: Sendable, Equatable {
    public var id: String
    /// The fields given; `nil` clears the field.
    public var values: [CustomerField: FieldValue?]
    /// The import row this came from (header = row 1), for error messages.
    public var row: Int?

    public init(id: String, values: [CustomerField: FieldValue?] = [:], row: Int? = nil) {
        self.id = id
        self.values = values
        self.row = row
    }

    /// Reads named inputs (a JSON object's members, a CSV row's cells). The id is required.
    public static func read(_ inputs: [(CustomerField, FieldInput)], row: Int? = nil) throws(FieldError) -> CustomerPatch {
        var values: [CustomerField: FieldValue?] = [:]
        for (field, input) in inputs {
            do throws(FieldError) {
                values[field] = .some(try field.read(input))
            } catch {
                var located = error
                located.row = row
                throw located
            }
        }
        guard case let .text(id)?? = values[.id] else {
            throw FieldError(row: row, field: "id", "is missing: every customer needs its archive id, like \"C001\"")
        }
        values[.id] = nil
        return CustomerPatch(id: id, values: values, row: row)
    }

    /// The record after the patch: normalizes phone numbers in `country`'s way and
    /// grades the tier by `rules` unless a tier is set by hand.
    public func applied(to base: CustomerRecord?, country: PhoneCountry, rules: GradingRules) throws(FieldError) -> CustomerRecord {
        var record: CustomerRecord
        if let base {
            record = base
        } else {
            let name = [CustomerField.name, .company, .contact].lazy.compactMap { field -> String? in
                if case let .text(t)?? = self.values[field] { return t }
                return nil
            }.first
            guard let name else {
                throw FieldError(row: row, field: "name", "is missing: a new customer needs a name (or a company or contact to name it by)")
            }
            record = CustomerRecord(id: id, name: name)
        }
        for field in CustomerField.allCases {
            guard let value = values[field] else { continue }
            if field == .name, value == nil, base == nil { continue }  // an empty name cell: named by company or contact above
            try set(field, value, on: &record, country: country)
        }
        record.regrade(rules)
        return record
    }

    private func set(_ field: CustomerField, _ value: FieldValue?, on r: inout CustomerRecord, country: PhoneCountry) throws(FieldError) {
        func text() -> String? { if case let .text(t)? = value { return t } else { return nil } }
        func date() -> CalendarDate? { if case let .date(d)? = value { return d } else { return nil } }
        func number() -> Double? { if case let .number(n)? = value { return n } else { return nil } }
        func list() -> [String] { if case let .list(l)? = value { return l } else { return [] } }
        switch field {
        case .id: break
        case .name:
            guard let name = text() else { throw FieldError(row: row, field: "name", "cannot be empty") }
            r.name = name
        case .company: r.company = text()
        case .industry: r.industry = text()
        case .size: r.size = text()
        case .contact: r.contact = text()
        case .address: r.address = text()
        case .birthday: r.birthday = date()
        case .language: r.language = text()
        case .needs: r.needs = text()
        case .decisionChain: r.decisionChain = text()
        case .lastFeedback: r.lastFeedback = text()
        case .lastCooperation: r.lastCooperation = date()
        case .amount: r.amount = number()
        case .tags: r.tags = Self.unique(list())
        case .notes: r.notes = text()
        case .accountManager: r.accountManager = text()
        case .rScore: r.scores.r = number()
        case .fScore: r.scores.f = number()
        case .mScore: r.scores.m = number()
        case .customScore: r.scores.custom = number()
        case .tier:
            if case let .tier(t)? = value {
                r.tier = t
                r.tierIsManual = true
            } else {
                r.tierIsManual = false
            }
        case .phones:
            var numbers: [String] = []
            for raw in list() {
                guard let number = PhoneNumber(raw, country: country) else {
                    throw FieldError(row: row, field: "phones", "cannot read \(quoted(raw)) as a phone number (national numbers are read as \(country.code))")
                }
                numbers.append(number.e164)
            }
            r.phones = Self.unique(numbers)
        }
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
