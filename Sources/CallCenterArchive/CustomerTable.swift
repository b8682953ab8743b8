/// A customer CSV file's columns: seed 004's template 1 (Chinese headers) plus
/// `联系电话` and the score columns, or the same with English headers. Reads a
/// row into a `CustomerPatch`, naming the row and the column on errors, and writes
/// records back in the same shape (`customers export`).
public struct CustomerTable: Sendable {
    public enum Column: Sendable, Equatable {
        case field(CustomerField)
        /// A computed column that export writes and import skips (综合得分, 计算分层).
        case ignored
    }

    public var headers: [String]
    public var columns: [Column]

    /// Headers export writes for humans and import skips.
    static let ignoredHeaders = ["composite", "综合得分", "graded_tier", "计算分层"]

    /// Maps each header to its field. Unknown and repeated columns are errors (row 1).
    public init(header: [String]) throws(FieldError) {
        headers = header
        columns = []
        var seen: [CustomerField: String] = [:]
        for name in header {
            let key = Self.normalize(name)
            if Self.ignoredHeaders.contains(key) {
                columns.append(.ignored)
                continue
            }
            guard let field = Self.field(forNormalized: key) else {
                throw FieldError(row: 1, field: name, "is not a customer column; the columns are \(CustomerField.allCases.map { "\($0.englishHeader) (\($0.chineseHeader))" }.joined(separator: ", "))")
            }
            if let earlier = seen[field] {
                throw FieldError(row: 1, field: name, "is the same column as \(quoted(earlier)) (\(field.rawValue)); keep one of them")
            }
            seen[field] = name
            columns.append(.field(field))
        }
        guard seen[.id] != nil else {
            throw FieldError(row: 1, field: "id", "the header has no id column: name one 客户编号 or id")
        }
    }

    /// Reads one data row. Missing trailing cells are empty; extra cells are an error.
    public func patch(_ cells: [String], row: Int) throws(FieldError) -> CustomerPatch {
        guard cells.count <= columns.count else {
            throw FieldError(row: row, field: "(row)", "\(cells.count) cells but the header has \(columns.count) columns")
        }
        do throws(FieldError) {
            return try CustomerPatch.read(inputs(cells), row: row)
        } catch {
            var named = error
            if let field = CustomerField(rawValue: error.field), let index = columns.firstIndex(of: .field(field)) {
                named.field = headers[index]
            }
            throw named
        }
    }

    /// The row's cells as named inputs (empty cells clear their field).
    public func inputs(_ cells: [String]) -> [(CustomerField, FieldInput)] {
        var out: [(CustomerField, FieldInput)] = []
        for (index, column) in columns.enumerated() {
            guard case let .field(field) = column else { continue }
            out.append((field, index < cells.count ? .text(cells[index]) : .null))
        }
        return out
    }

    /// Header as compared: trimmed, lower case, without `*` (seed 004 marks
    /// redactions with it) and with full-width parentheses made ASCII.
    public static func normalize(_ header: String) -> String {
        var s = header.trimmingCharacters(in: " \t\r\n\u{3000}\u{FEFF}").lowercased()
        s = String(s.compactMap { ch -> Character? in
            switch ch {
            case "*", " ": return nil
            case "（": return "("
            case "）": return ")"
            default: return ch
            }
        })
        return s
    }

    static func field(forNormalized key: String) -> CustomerField? {
        func match(_ k: String) -> CustomerField? {
            CustomerField.allCases.first { field in
                ([field.rawValue, field.englishHeader, field.chineseHeader] + field.aliases).contains { normalize($0) == k }
            }
        }
        if let field = match(key) { return field }
        // "规模(员工数/营收)": try again without a trailing parenthesized note.
        if key.hasSuffix(")"), let open = key.lastIndex(of: "(") { return match(String(key[..<open])) }
        return nil
    }

    // MARK: - Writing

    /// The columns export writes: template 1's order, then phones, scores and the rest.
    public static let exportFields: [CustomerField] = [
        .id, .company, .industry, .size, .contact, .phones, .needs, .lastCooperation, .amount, .decisionChain, .lastFeedback,
        .rScore, .fScore, .mScore, .customScore, .name, .address, .birthday, .language, .tags, .notes, .accountManager, .tier,
    ]

    public static func exportHeader(chinese: Bool) -> [String] {
        exportFields.map { chinese ? $0.chineseHeader : $0.englishHeader } + (chinese ? ["综合得分", "计算分层"] : ["composite", "graded_tier"])
    }

    /// A record as export writes it. `tier` holds only a tier set by hand (so that
    /// importing the file again keeps graded tiers graded); the graded tier and the
    /// composite go in the last two columns, which import skips.
    public static func exportRow(_ r: CustomerRecord, composite: Double?, gradedTier: String?) -> [String] {
        func n(_ v: Double?) -> String { v.map(CustomerField.numberText) ?? "" }
        let cells: [CustomerField: String] = [
            .id: r.id, .company: r.company ?? "", .industry: r.industry ?? "", .size: r.size ?? "", .contact: r.contact ?? "",
            .phones: r.phones.joined(separator: ";"), .needs: r.needs ?? "", .lastCooperation: r.lastCooperation?.description ?? "",
            .amount: n(r.amount), .decisionChain: r.decisionChain ?? "", .lastFeedback: r.lastFeedback ?? "",
            .rScore: n(r.scores.r), .fScore: n(r.scores.f), .mScore: n(r.scores.m), .customScore: n(r.scores.custom),
            .name: r.name, .address: r.address ?? "", .birthday: r.birthday?.description ?? "", .language: r.language ?? "",
            .tags: r.tags.joined(separator: ";"), .notes: r.notes ?? "", .accountManager: r.accountManager ?? "",
            .tier: r.tierIsManual ? (r.tier?.rawValue ?? "") : "",
        ]
        return exportFields.map { cells[$0] ?? "" } + [composite.map { CustomerField.numberText(($0 * 100).rounded() / 100) } ?? "", gradedTier ?? ""]
    }
}
