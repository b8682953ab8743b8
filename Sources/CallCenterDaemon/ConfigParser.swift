import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// Turns a TOML file into a `DaemonConfig`, refusing unknown keys and wrong
/// types with the file, the key and what was expected.
public struct ConfigParser {
    public var file: String
    /// Resolves user and group names (injectable for tests).
    public var lookupUser: (String) -> UInt32? = { name in getpwnam(name).map { $0.pointee.pw_uid } }
    public var lookupGroup: (String) -> UInt32? = { name in getgrnam(name).map { $0.pointee.gr_gid } }

    public init(file: String) { self.file = file }

    /// Reads and parses the file at `path` over `base`.
    public static func load(path: String, over base: DaemonConfig) throws -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", message: "cannot read the file (does it exist and is it readable?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", message: "the file is not UTF-8 text")
        }
        return try ConfigParser(file: path).parse(text, over: base)
    }

    public func parse(_ text: String, over base: DaemonConfig) throws -> DaemonConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, key: "", message: "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        }
        let root = Self.convert(table)
        var config = base
        let reader = Reader(file: file, path: "", value: root)
        try reader.onlyKeys(["daemon", "routing", "access", "queues", "complaints", "archive", "retention"])
        if let daemon = try reader.table("daemon") {
            try daemon.onlyKeys(["socket", "database", "socket_mode", "synchronous", "max_line_bytes", "max_output_bytes", "max_in_flight", "max_connections", "hello_timeout", "log_level"])
            if let v = try daemon.string("socket") { config.socket = v }
            if let v = try daemon.string("database") { config.database = v }
            if let v = try daemon.string("socket_mode") {
                guard !v.isEmpty, v.allSatisfy({ ("0"..."7").contains($0) }), let mode = UInt32(v, radix: 8), mode <= 0o777 else {
                    throw daemon.error("socket_mode", "expected an octal permission string like \"0660\", got \"\(v)\"")
                }
                config.socketMode = mode
            }
            if let v = try daemon.string("synchronous") {
                guard let s = CallCenterStore.Synchronous(rawValue: v) else {
                    throw daemon.error("synchronous", "expected \"full\" or \"normal\", got \"\(v)\"")
                }
                config.synchronous = s
            }
            if let v = try daemon.int("max_line_bytes", range: 1024...(16 * 1024 * 1024)) { config.maxLineBytes = v }
            if let v = try daemon.int("max_output_bytes", range: 4096...(1024 * 1024 * 1024)) { config.maxOutputBytes = v }
            if let v = try daemon.int("max_in_flight", range: 1...1_000_000) { config.maxInFlight = v }
            if let v = try daemon.int("max_connections", range: 1...1_000_000) { config.maxConnections = v }
            if let v = try daemon.seconds("hello_timeout") {
                guard v <= 86_400 else { throw daemon.error("hello_timeout", "expected seconds from 0 to 86400 (0: no deadline), got \(v)") }
                config.helloTimeout = v
            }
            if let v = try daemon.string("log_level") {
                guard let level = Logger.Level(rawValue: v) else {
                    throw daemon.error("log_level", "expected one of \(Logger.Level.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(v)\"")
                }
                config.logLevel = level
            }
        }
        if let routing = try reader.table("routing") {
            try routing.onlyKeys(["default_queue", "short_abandon", "default_handle_time", "aging_per_second", "prefer_last_agent", "announce_every",
                                  "priority", "numbers", "intents", "flags", "language_fallback"])
            if let v = try routing.identifier("default_queue") { config.core.defaultQueue = v }
            if let v = try routing.seconds("short_abandon") { config.core.shortAbandon = v }
            if let v = try routing.seconds("default_handle_time") { config.core.defaultHandleTime = v }
            if let v = try routing.seconds("aging_per_second") { config.core.routing.agingPerSecond = v }
            if let v = try routing.bool("prefer_last_agent") { config.core.routing.preferLastAgent = v }
            if let v = try routing.seconds("announce_every") {
                guard v == 0 || (1...3600).contains(v) else {
                    throw routing.error("announce_every", "expected seconds from 1 to 3600 between announcements, or 0 for none, got \(v)")
                }
                config.core.routing.announceEvery = v == 0 ? nil : v
            }
            if let priority = try routing.table("priority") {
                try priority.onlyKeys(CustomerTier.allCases.map(\.rawValue) + ["unknown"])
                for tier in CustomerTier.allCases {
                    if let w = try priority.int(tier.rawValue, range: -100_000...100_000) { config.core.routing.tierWeights[tier] = w }
                }
                if let w = try priority.int("unknown", range: -100_000...100_000) { config.core.routing.unknownWeight = w }
            }
            if let numbers = try routing.table("numbers") {
                for (number, _) in numbers.entries {
                    guard !number.isEmpty else { throw numbers.error(number, "a dialled number cannot be empty") }
                    config.core.routing.numbers[number] = try numbers.string(number)
                }
            }
            if let intents = try routing.table("intents") {
                for (intent, _) in intents.entries {
                    guard !intent.isEmpty else { throw intents.error(intent, "an intent cannot be empty") }
                    config.core.routing.intents[intent] = try intents.string(intent)
                }
            }
            if let fallbacks = try routing.table("language_fallback") {
                for (code, value) in fallbacks.entries.sorted(by: { $0.key < $1.key }) {
                    guard Self.isLanguageCode(code) else {
                        throw fallbacks.error(code, "expected a language code (letters, digits, - or _, at most 35), e.g. yue = \"zh\"")
                    }
                    guard case let .string(to) = value, to.isEmpty || Self.isLanguageCode(to) else {
                        throw fallbacks.error(code, "expected the language code its callers fall back to (e.g. \"zh\"), or \"\" for none, got \(JSONWriter.string(value))")
                    }
                    config.core.routing.languageFallbacks[code] = to
                }
            }
            if let flags = try routing.table("flags") {
                try flags.onlyKeys(["threat", "harassment"])
                for (flag, _) in flags.entries {
                    let text = try flags.string(flag)!
                    guard let policy = FlagPolicy(text: text) else {
                        throw flags.error(flag, "expected \"reject\", \"alert\" or \"queue:NAME\", got \"\(text)\"")
                    }
                    config.core.routing.flags[flag] = policy
                }
            }
        }
        if let access = try reader.table("access") {
            try access.onlyKeys(Role.allCases.map(\.rawValue) + ["agent_uids"])
            for role in Role.allCases {
                guard let list = try access.stringArray(role.rawValue) else { continue }
                config.access.grants[role] = try list.map { try principal($0, key: access.key(role.rawValue)) }
            }
            if let map = try access.table("agent_uids") {
                for (name, _) in map.entries {
                    let agent = try map.string(name)!
                    guard let uid = UInt32(name) ?? lookupUser(name) else {
                        throw map.error(name, "no such user; use a user name or a numeric uid")
                    }
                    config.access.agentsByUID[uid] = agent
                }
            }
        }
        if let queues = try reader.table("queues") {
            var declared: [QueueConfig] = []
            for (name, _) in queues.entries.sorted(by: { $0.key < $1.key }) {
                guard let q = try queues.table(name) else { continue }
                try queues.checkIdentifier(name, at: name, "a queue id")
                try q.onlyKeys(["skills", "strategy", "wrap_up", "ring_timeout", "max_wait", "service_level",
                                "on_timeout", "max_attempts", "manager_wait", "overflow", "max_wait_no_agent"])
                var config = QueueConfig(id: name)
                if let skills = try q.table("skills") {
                    for (skill, _) in skills.entries {
                        try skills.checkIdentifier(skill, at: skill, "a skill name")
                        config.skills[skill] = try skills.int(skill, range: 1...10)
                    }
                }
                if let v = try q.string("strategy") {
                    guard let s = RoutingStrategy(rawValue: v) else {
                        throw q.error("strategy", "expected one of \(RoutingStrategy.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(v)\"")
                    }
                    config.strategy = s
                }
                if let v = try q.seconds("wrap_up") { config.wrapUp = v }
                if let v = try q.seconds("ring_timeout") {
                    guard v >= 0.001 else { throw q.error("ring_timeout", "expected at least 0.001 seconds, got \(JSONWriter.string(.number(v)))") }
                    config.ringTimeout = v
                }
                if let v = try q.seconds("max_wait") { config.maxWait = v == 0 ? nil : v }
                if let v = try q.seconds("service_level") { config.serviceLevel = v }
                if let v = try q.string("on_timeout") {
                    guard let action = TimeoutAction(text: v) else {
                        throw q.error("on_timeout", "expected \"voicemail\", \"callback\" or \"queue:NAME\", got \"\(v)\"")
                    }
                    config.onTimeout = action
                }
                if let v = try q.int("max_attempts", range: 0...100) { config.maxAttempts = v }
                if let v = try q.seconds("manager_wait") { config.managerWait = v }
                if let v = try q.seconds("max_wait_no_agent") { config.maxWaitNoAgent = v }
                if let steps = q.entries["overflow"] {
                    guard case let .array(items) = steps else { throw q.error("overflow", "expected an array of tables like { after = 60, add_queue = \"general\" }") }
                    for (i, item) in items.enumerated() {
                        let step = Reader(file: file, path: q.key("overflow[\(i)]"), value: item)
                        guard case .object = item else { throw q.error("overflow[\(i)]", "expected a table") }
                        try step.onlyKeys(["after", "relax_skills", "add_queue"])
                        guard let after = try step.seconds("after") else { throw step.error("after", "missing: seconds of waiting before this step") }
                        var relax: [String: Int]?
                        if let table = try step.table("relax_skills") {
                            relax = [:]
                            for (skill, _) in table.entries {
                                try table.checkIdentifier(skill, at: skill, "a skill name")
                                relax![skill] = try table.int(skill, range: 1...10)
                            }
                        }
                        let add = try step.string("add_queue")
                        guard relax != nil || add != nil else { throw q.error("overflow[\(i)]", "needs relax_skills or add_queue") }
                        config.overflow.append(OverflowStep(after: after, relaxSkills: relax, addQueue: add))
                    }
                    config.overflow.sort { $0.after < $1.after }
                }
                if let (field, message) = config.durationProblem() {
                    throw ConfigError(file: file, key: q.key(field), message: message)
                }
                declared.append(config)
            }
            config.queues = declared
        }
        let declaredDefault = (try reader.table("queues"))?.entries[config.core.defaultQueue] != nil
        try parseComplaints(reader, into: &config)
        try parseArchive(reader, into: &config)
        try parseRetention(reader, into: &config)
        config.createdIfMissing = declaredDefault ? nil : config.core.defaultQueue
        if !config.queues.contains(where: { $0.id == config.core.defaultQueue }) {
            config.queues.append(QueueConfig(id: config.core.defaultQueue))
        }
        try checkQueueNames(config)
        return config
    }

    /// Every queue the file sends calls to is one it defines: a dialled number, an
    /// IVR intent or a flag policy naming an unknown queue would make `call.offer`
    /// refuse real callers, and a timeout into one would end the call.
    func checkQueueNames(_ config: DaemonConfig) throws {
        let defined = Set(config.queues.map(\.id))
        func missing(_ key: String, _ queue: QueueID, _ what: String) -> ConfigError {
            ConfigError(file: file, key: key, message: "names queue '\(queue)', which is not defined in [queues]; define it, or \(what)")
        }
        for queue in config.queues {
            if let (field, message) = queue.queueReferenceProblem(exists: defined.contains, notDefinedIn: "in [queues]") {
                throw ConfigError(file: file, key: "queues.\(queue.id).\(field)", message: message)
            }
        }
        let byID = Dictionary(config.queues.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        for queue in config.queues {
            if let loop = queue.timeoutLoop(lookup: { byID[$0] }) {
                throw ConfigError(file: file, key: "queues.\(queue.id).on_timeout", message: QueueConfig.timeoutLoopProblem(loop))
            }
        }
        let routing = config.core.routing
        for (number, queue) in routing.numbers.sorted(by: { $0.key < $1.key }) where !defined.contains(queue) {
            throw missing("routing.numbers.\(number)", queue, "map the number to another queue")
        }
        for (intent, queue) in routing.intents.sorted(by: { $0.key < $1.key }) where !defined.contains(queue) {
            throw missing("routing.intents.\(intent)", queue, "map the intent to another queue")
        }
        for (flag, policy) in routing.flags.sorted(by: { $0.key < $1.key }) {
            if case let .queue(queue) = policy, !defined.contains(queue) {
                throw missing("routing.flags.\(flag)", queue, "use \"reject\" or \"alert\"")
            }
        }
    }

    /// A language or dialect code as agents and calls spell it (`zh`, `yue`, `zh-HK`).
    static func isLanguageCode(_ text: String) -> Bool {
        (1...35).contains(text.utf8.count) && text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }

    func principal(_ text: String, key: String) throws -> AccessPolicy.Principal {
        if text == "*" { return .init(.anyone) }
        if text.hasPrefix("@") {
            let name = String(text.dropFirst())
            guard let gid = UInt32(name) ?? lookupGroup(name) else {
                throw ConfigError(file: file, key: key, message: "no such group '\(name)'; use \"@group\", \"@gid\", a user name, a uid or \"*\"")
            }
            return .init(.gid(gid))
        }
        guard let uid = UInt32(text) ?? lookupUser(text) else {
            throw ConfigError(file: file, key: key, message: "no such user '\(text)'; use a user name, a uid, \"@group\" or \"*\"")
        }
        return .init(.uid(uid))
    }

    static func convert(_ value: any TOMLValueConvertible) -> JSONValue {
        switch value.type {
        case .table:
            guard let table = value.table else { return .null }
            var out: [String: JSONValue] = [:]
            for (key, element) in table { out[JSONParser.nfc(key)] = convert(element) }  // one spelling, as from the wire
            return .object(out)
        case .array:
            guard let array = value.array else { return .null }
            return .array(array.map { convert($0) })
        case .string: return .string(JSONParser.nfc(value.string ?? ""))
        case .int: return .number(Double(value.int ?? 0))
        case .double: return .number(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .date, .time, .dateTime:
            // Not a string: keep it apart so a string key given a date is refused.
            return .object([Self.dateMarker: .string(value.debugDescription)])
        }
    }

    static let dateMarker = "\u{0}toml-date"

    /// A table being read, with its key path for messages.
    struct Reader {
        var file: String
        var path: String
        var value: JSONValue

        var entries: [String: JSONValue] { value.objectValue ?? [:] }

        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

        /// The value's type for messages ("a number", "a date").
        static func kind(_ v: JSONValue) -> String {
            if case let .object(o) = v, o[ConfigParser.dateMarker] != nil { return "a date or time" }
            return v.typeDescription
        }

        func error(_ name: String, _ message: String) -> ConfigError {
            ConfigError(file: file, key: key(name), message: message)
        }

        func onlyKeys(_ allowed: [String]) throws {
            for name in entries.keys.sorted() where !allowed.contains(name) {
                throw error(name, "unknown key; expected one of: \(allowed.joined(separator: ", "))")
            }
        }

        func table(_ name: String) throws -> Reader? {
            guard let v = entries[name] else { return nil }
            guard case let .object(o) = v, o[ConfigParser.dateMarker] == nil else { throw error(name, "expected a table, got \(Reader.kind(v))") }
            return Reader(file: file, path: key(name), value: v)
        }

        func string(_ name: String) throws -> String? {
            guard let v = entries[name] else { return nil }
            guard case let .string(s) = v, !s.isEmpty else {
                throw error(name, "expected a non-empty string, got \(v == .string("") ? "an empty string" : Reader.kind(v))")
            }
            return s
        }

        /// A queue's id, as the protocol takes it (`Fields.isIdentifier`).
        func identifier(_ name: String) throws -> String? {
            guard let s = try string(name) else { return nil }
            try checkIdentifier(s, at: name, "a queue id")
            return s
        }

        /// Refuses `text` (a queue or skill id, at `name`) unless the protocol would take it.
        func checkIdentifier(_ text: String, at name: String, _ what: String) throws {
            guard Fields.isIdentifier(text[...]) else {
                let shown = text.count > 80 ? "\(text.prefix(80))…" : text
                throw error(name, "\(what) is 1 to \(Fields.maximumIDLength) characters without spaces or control characters, as in queue.upsert; got \(JSONWriter.string(.string(shown)))")
            }
        }

        func int(_ name: String, range: ClosedRange<Int>) throws -> Int? {
            guard let v = entries[name] else { return nil }
            guard let i = v.intValue, range.contains(i) else {
                throw error(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(JSONWriter.string(v))")
            }
            return i
        }

        func bool(_ name: String) throws -> Bool? {
            guard let v = entries[name] else { return nil }
            guard case let .bool(b) = v else { throw error(name, "expected true or false, got \(JSONWriter.string(v))") }
            return b
        }

        /// A duration in seconds, in `allowed` (default: any finite number ≥ 0),
        /// refused with `expected` and the value found.
        func seconds(_ name: String, allowed: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude,
                     expected: String = "seconds (a number ≥ 0)") throws -> Double? {
            guard let v = entries[name] else { return nil }
            guard let d = v.doubleValue, allowed.contains(d) else {
                let shown = v.doubleValue.map { $0.isFinite ? JSONWriter.string(v) : "\($0)" } ?? JSONWriter.string(v)  // nan, inf: not "null"
                throw error(name, "expected \(expected), got \(shown)")
            }
            return d
        }

        func stringArray(_ name: String) throws -> [String]? {
            guard let v = entries[name] else { return nil }
            guard case let .array(items) = v else { throw error(name, "expected an array of strings, got \(v.typeDescription)") }
            return try items.map {
                guard case let .string(s) = $0, !s.isEmpty else { throw error(name, "expected an array of strings, found \(Reader.kind($0))") }
                return s
            }
        }
    }
}
