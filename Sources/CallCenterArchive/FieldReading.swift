import CallCenterCore

extension CustomerField {
    /// Reads a value for this field; nil clears it (an empty cell, `null`).
    /// Phone numbers stay as written here: `CustomerPatch.applied` normalizes them.
    public func read(_ input: FieldInput) throws(FieldError) -> FieldValue? {
        if case let .text(t) = input, t.trimmingCharacters(in: " \t\r\n\u{3000}").isEmpty { return nil }
        if case let .list(items) = input, items.isEmpty { return kind == .list || kind == .phones ? .list([]) : nil }
        switch (kind, input) {
        case (_, .null):
            return nil
        case (.id, .text(let raw)):
            let id = raw.trimmingCharacters(in: " \t\r\n\u{3000}")
            guard id.count <= 64, !id.contains(where: { $0.isWhitespace || ($0.asciiValue ?? 32) < 32 }) else {
                throw error("an id is at most 64 characters without spaces, like \"C001\"; got \(quoted(raw))")
            }
            return .text(id)
        case (.text, .text(let raw)):
            let text = raw.trimmingCharacters(in: " \t\r\n\u{3000}")
            guard text.count <= Self.maxTextLength else { throw error("at most \(Self.maxTextLength) characters, got \(text.count)") }
            return .text(text)
        case (.text, .number(let n)):
            return .text(Self.numberText(n))
        case (.date, .text(let raw)):
            guard let date = CalendarDate(raw) else { throw error("expected a date like 2023-10-15, got \(quoted(raw))") }
            return .date(date)
        case (.amount, _), (.score, _):
            let n = try number(input)
            if kind == .score, !(0...100).contains(n) { throw error("expected a score from 0 to 100, got \(Self.numberText(n))") }
            if kind == .amount, !(n >= 0 && n < 1e12) {
                throw error("expected an amount in 万元 from 0 to below 1000000000000 (10¹² 万元), got \(Self.numberText(n))")
            }
            return .number(n)
        case (.list, _), (.phones, _):
            let items: [String]
            switch input {
            case let .list(list):
                // A CSV cell holds the items joined: an item holding a separator would come back as two.
                if kind == .list, let item = list.first(where: { $0.contains(where: { Self.separators.contains($0) }) }) {
                    throw error("an item cannot hold ; , ， 、 ； | / or a line break (they separate items in a CSV cell): got \(quoted(item))")
                }
                items = list
            case let .text(t): items = Self.split(t)
            default: throw error("expected \(kind == .phones ? "phone numbers" : "a list of strings"), got a number")
            }
            let trimmed = items.map { $0.trimmingCharacters(in: " \t\r\n\u{3000}") }.filter { !$0.isEmpty }
            if let long = trimmed.first(where: { $0.count > 200 }) { throw error("an item is at most 200 characters: \(quoted(String(long.prefix(40))))…") }
            return .list(trimmed)
        case (.tier, .text(let raw)):
            guard let tier = Self.tier(raw) else {
                throw error("expected one of high_value, potential, stable, risk (or 高价值客户, 潜力客户, 稳定客户, 风险客户), got \(quoted(raw))")
            }
            return .tier(tier)
        default:
            throw error("expected \(kind == .id || kind == .text ? "a string" : kind == .date ? "a date string" : "a tier name"), got \(input.typeDescription)")
        }
    }

    func error(_ message: String) -> FieldError { FieldError(field: rawValue, message) }

    /// A number, or text that starts with one: `88`, `120万元`, `90(近1个月合作)` (seed 004's template 2).
    func number(_ input: FieldInput) throws(FieldError) -> Double {
        switch input {
        case let .number(n): return n
        case let .text(raw):
            let text = raw.trimmingCharacters(in: " \t\u{3000}")
            let numeric = text.prefix { $0.isASCII && ($0.isNumber || ".-+eE".contains($0)) }
            let rest = String(text.dropFirst(numeric.count)).trimmingCharacters(in: " ")
            let unitOK = rest.isEmpty || rest.hasPrefix("(") || rest.hasPrefix("（") || (kind == .amount && ["万元", "万"].contains(rest))
            guard let n = Double(numeric), n.isFinite, unitOK else {
                throw error("expected a number, got \(quoted(raw))")
            }
            return n
        default:
            throw error("expected a number, got \(input.typeDescription)")
        }
    }

    static func tier(_ raw: String) -> CustomerTier? {
        let t = String(raw.trimmingCharacters(in: " \t\u{3000}").lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        if let tier = CustomerTier(rawValue: t) { return tier }
        switch t {
        case "高价值客户", "高价值", "vip": return .highValue
        case "潜力客户", "潜力": return .potential
        case "稳定客户", "稳定": return .stable
        case "风险客户", "风险", "低价值/风险客户", "低价值客户": return .risk
        default: return nil
        }
    }

    /// Splits a cell holding several items: `;`, `,`, `，`, `、`, `；`, `|`, `/` or new lines.
    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { separators.contains($0) }).map(String.init)
    }

    static let separators: Set<Character> = [";", ",", "，", "、", "；", "|", "/", "\n", "\r", "\r\n"]

    static func numberText(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }
}

extension FieldInput {
    var typeDescription: String {
        switch self {
        case .null: return "null"
        case .text: return "a string"
        case .number: return "a number"
        case .list: return "a list"
        }
    }
}

func quoted(_ s: String) -> String { "\"\(s)\"" }
