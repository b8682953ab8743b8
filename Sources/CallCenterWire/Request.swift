import CallCenterCore

/// One request line: `{"id": <string|number>, "op": "<name>", ...fields}`.
public struct Request: Sendable, Equatable {
    public var id: JSONValue
    public var op: String
    public var fields: Fields
    /// The line as received, for the journal.
    public var raw: String?
    /// For `call.offer`: what the connection found in the customer archive for
    /// `from` (set by the daemon, never read from the request's fields).
    public var caller: CallerInfo?
    /// For `call.offer`: `from` in E.164, when it could be read (set by the
    /// daemon with `caller`, so the number is read once per offer).
    public var callerNumber: String?

    public init(id: JSONValue, op: String, fields: [String: JSONValue]) {
        self.id = id
        self.op = op
        self.fields = Fields(fields)
    }

    /// Parses a line (without its newline). On failure, the id to answer with
    /// (when the line had a usable one) and the error.
    public static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) -> Result<Request, Failure> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(Failure(id: .null, error: .badRequest("\(error); send one JSON object per line")))
        }
        guard case let .object(object) = value else {
            return .failure(Failure(id: .null, error: .badRequest("a request must be a JSON object like {\"id\": 1, \"op\": \"ping\"}, not \(value.typeDescription)")))
        }
        let id = object["id"] ?? .null
        switch id {
        case let .number(n) where abs(n) > 9_007_199_254_740_991:
            // Past 2^53 a JSON number is not kept exactly: the reply could not carry the id sent.
            return .failure(Failure(id: .null, error: .badRequest(
                "field 'id' is a number too large to come back exactly (more than 9007199254740991); use a string id or a smaller number")))
        case .string, .number: break
        case .null:
            return .failure(Failure(id: .null, error: .badRequest("field 'id' is missing: every request needs an 'id' (a string or a number) to match its reply")))
        default:
            return .failure(Failure(id: .null, error: .badRequest("field 'id' must be a string or a number, not \(id.typeDescription)")))
        }
        guard let opValue = object["op"] else {
            return .failure(Failure(id: id, error: .badRequest("field 'op' is missing: name the operation, e.g. \"op\": \"ping\"")))
        }
        guard case let .string(op) = opValue else {
            return .failure(Failure(id: id, error: .badRequest("field 'op' must be a string, not \(opValue.typeDescription)")))
        }
        var fields = object
        fields["id"] = nil
        fields["op"] = nil
        return .success(Request(id: id, op: op, fields: fields))
    }

    public struct Failure: Error, Sendable, Equatable {
        public var id: JSONValue
        public var error: WireError
    }
}

/// A request's fields, with typed accessors whose errors name the field and the expected type.
public struct Fields: Sendable, Equatable {
    public var values: [String: JSONValue]
    /// Where these fields sit in the request (`overflow[0]`), for messages; empty at the top.
    public var path: String

    public init(_ values: [String: JSONValue], path: String = "") {
        self.values = values
        self.path = path
    }

    /// A field's name as messages give it.
    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public subscript(key: String) -> JSONValue? { values[key] }

    /// A present, non-null field.
    func present(_ key: String) -> JSONValue? {
        if let v = values[key], v != .null { return v }
        return nil
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard let v = present(key) else { throw .badRequest("field '\(name(key))' is missing: expected a non-empty string") }
        guard case let .string(s) = v, !s.isEmpty else {
            throw .badRequest("field '\(name(key))' must be a non-empty string, not \(v.typeDescription == "a string" ? "an empty string" : v.typeDescription)")
        }
        return s
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        guard present(key) != nil else { return nil }
        return try string(key)
    }

    /// Free text a PBX may send as it has it: a string (empty: none), or a number
    /// (Asterisk's numeric hangup causes) kept as its text; null is none.
    public func optionalText(_ key: String) throws(WireError) -> String? {
        switch present(key) {
        case nil, .null?: return nil
        case let .string(s)?: return s.isEmpty ? nil : s
        case let .number(n)?: return JSONWriter.string(.number(n))
        case let v?: throw .badRequest("field '\(name(key))' must be a string or a number, not \(v.typeDescription)")
        }
    }

    public func number(_ key: String) throws(WireError) -> Double {
        guard let v = present(key) else { throw .badRequest("field '\(name(key))' is missing: expected a number") }
        guard case let .number(n) = v else { throw .badRequest("field '\(name(key))' must be a number, not \(v.typeDescription)") }
        return n
    }

    public func optionalNumber(_ key: String) throws(WireError) -> Double? {
        guard present(key) != nil else { return nil }
        return try number(key)
    }

    /// A queue duration in seconds, from 0 to `QueueConfig.maximumSeconds` (one day).
    public func optionalSeconds(_ key: String) throws(WireError) -> Double? {
        guard let n = try optionalNumber(key) else { return nil }
        guard n >= 0 else { throw .badRequest("field '\(name(key))' must be seconds ≥ 0, not \(JSONWriter.string(.number(n)))") }
        guard n <= QueueConfig.maximumSeconds else {
            throw .badRequest("field '\(name(key))' must be seconds from 0 to \(Int(QueueConfig.maximumSeconds)) (one day), not \(JSONWriter.string(.number(n)))")
        }
        return n
    }

    public func optionalInt(_ key: String) throws(WireError) -> Int? {
        guard let v = present(key) else { return nil }
        guard let i = v.intValue else {
            let shown = if case .number = v { JSONWriter.string(v) } else { v.typeDescription }
            throw .badRequest("field '\(name(key))' must be a whole number, not \(shown)")
        }
        return i
    }

    public func optionalBool(_ key: String) throws(WireError) -> Bool? {
        guard let v = present(key) else { return nil }
        guard case let .bool(b) = v else { throw .badRequest("field '\(name(key))' must be true or false, not \(v.typeDescription)") }
        return b
    }

    /// One of `choices` (by raw value).
    public func choice<T: RawRepresentable>(_ key: String, _ type: T.Type, among choices: [T]) throws(WireError) -> T where T.RawValue == String {
        let s = try string(key)
        guard let value = T(rawValue: s), choices.contains(where: { $0.rawValue == value.rawValue }) else {
            throw .badRequest("field '\(name(key))' must be one of \(choices.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), not \"\(s)\"")
        }
        return value
    }

    /// An object of string values (call attributes).
    public func optionalStringMap(_ key: String) throws(WireError) -> [String: String]? {
        guard let v = present(key) else { return nil }
        guard case let .object(o) = v else { throw .badRequest("field '\(name(key))' must be an object, not \(v.typeDescription)") }
        var out: [String: String] = [:]
        for (k, value) in o {
            switch value {
            case let .string(s): out[k] = s
            case let .number(n): out[k] = JSONWriter.string(.number(n))
            case let .bool(b): out[k] = b ? "true" : "false"
            case .null: continue
            default: throw .badRequest("field '\(name(key)).\(k)' must be a string, not \(value.typeDescription)")
            }
        }
        return out
    }

    /// Longest id (agent, seat, queue, skill) and name the daemon keeps.
    public static let maximumIDLength = 64
    public static let maximumNameLength = 200

    /// Whether `text` can be an id: 1 to 64 characters, no spaces or control characters
    /// (ids appear in tables, logs, CSV files and `tail` lines, split on spaces).
    public static func isIdentifier(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= maximumIDLength
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }

    /// A new agent's, seat's or queue's id (see `isIdentifier`).
    public func identifier(_ key: String) throws(WireError) -> String {
        let s = try string(key)
        guard Self.isIdentifier(s[...]) else { throw .badRequest(Self.identifierProblem(name(key), s)) }
        return s
    }

    public func optionalIdentifier(_ key: String) throws(WireError) -> String? {
        guard present(key) != nil else { return nil }
        return try identifier(key)
    }

    static func identifierProblem(_ field: String, _ text: String) -> String {
        let shown = text.count > 80 ? "\(text.prefix(80))…" : text
        return "field '\(field)' must be 1 to \(maximumIDLength) characters without spaces or control characters, not \(JSONWriter.string(.string(shown)))"
    }

    /// A display name: at most `maximumNameLength` characters, no control characters.
    public func optionalName(_ key: String) throws(WireError) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard s.count <= Self.maximumNameLength, !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("field '\(name(key))' must be a name of at most \(Self.maximumNameLength) characters without control characters")
        }
        return s
    }

    /// An object of skill → level (whole numbers in `range`).
    public func optionalLevels(_ key: String, range: ClosedRange<Int>) throws(WireError) -> [String: Int]? {
        guard let v = present(key) else { return nil }
        guard case let .object(o) = v else {
            throw .badRequest("field '\(name(key))' must be an object of skill → level, like {\"billing\": 5}, not \(v.typeDescription)")
        }
        var out: [String: Int] = [:]
        for (k, value) in o {
            guard !k.isEmpty else { throw .badRequest("field '\(name(key))' has an empty skill name") }
            guard Self.isIdentifier(k[...]) else {
                throw .badRequest("field '\(name(key))' has the skill name \(JSONWriter.string(.string(k))): skill names are 1 to \(Self.maximumIDLength) characters without spaces or control characters")
            }
            guard let level = value.intValue, range.contains(level) else {
                throw .badRequest("field '\(name(key)).\(k)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(JSONWriter.string(value))")
            }
            out[k] = level
        }
        return out
    }

    public func optionalStringArray(_ key: String) throws(WireError) -> [String]? {
        guard let v = present(key) else { return nil }
        guard case let .array(a) = v else { throw .badRequest("field '\(name(key))' must be an array of strings, not \(v.typeDescription)") }
        var out: [String] = []
        for (i, element) in a.enumerated() {
            guard case let .string(s) = element, !s.isEmpty else {
                throw .badRequest("field '\(name(key))[\(i)]' must be a non-empty string, not \(element == .string("") ? "an empty string" : element.typeDescription)")
            }
            out.append(s)
        }
        return out
    }
}
