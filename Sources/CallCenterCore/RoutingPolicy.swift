/// What happens to a call from a number flagged `threat` or `harassment`.
public enum FlagPolicy: Sendable, Equatable {
    /// Route the call to this queue (e.g. a security desk).
    case queue(QueueID)
    /// Route as usual and push `supervisor.alert` to supervisors.
    case alert
    /// Refuse the call: the PBX gets `call.rejected`.
    case reject

    /// How strict the policy is, to choose among several flags: reject, then a queue, then alert.
    var severity: Int {
        switch self {
        case .reject: return 2
        case .queue: return 1
        case .alert: return 0
        }
    }

    /// `queue:NAME`, `alert` or `reject`.
    public var text: String {
        switch self {
        case let .queue(q): return "queue:\(q)"
        case .alert: return "alert"
        case .reject: return "reject"
        }
    }

    public init?(text: String) {
        switch text {
        case "alert": self = .alert
        case "reject": self = .reject
        default:
            guard text.hasPrefix("queue:"), text.count > 6 else { return nil }
            self = .queue(String(text.dropFirst(6)))
        }
    }
}

/// Center-wide routing rules (the `[routing]` section of the config).
public struct RoutingPolicy: Sendable, Equatable {
    /// Priority points per customer tier; unknown callers get `unknownWeight`.
    public var tierWeights: [CustomerTier: Int] = [.highValue: 300, .potential: 200, .stable: 100, .risk: 0]
    public var unknownWeight = 0
    /// Points a waiting call gains per second waited, so nobody starves: a call
    /// outranks another of `w` more points once it has waited `w / aging` seconds longer.
    public var agingPerSecond: Double = 1
    /// Dialled number → queue.
    public var numbers: [String: QueueID] = [:]
    /// IVR intent (call attribute `intent`) → queue.
    public var intents: [String: QueueID] = [:]
    /// Flag (`threat`, `harassment`) → what to do with the call.
    public var flags: [String: FlagPolicy] = [:]
    /// Prefer the agent who last served the same caller, when ready.
    public var preferLastAgent = false
    /// Every this many seconds, the PBX is told each waiting call's place in line
    /// and estimated wait, for the announcement it plays (nil: never).
    public var announceEvery: Double?
    /// Language or dialect code → the language its speakers are served in when
    /// nobody ready speaks it (Cantonese `yue` → `zh`); `""`: no fallback.
    /// Codes not listed fall back to their primary subtag (`zh-HK` → `zh`).
    public var languageFallbacks: [String: String] = RoutingPolicy.chineseVarieties

    /// The Chinese varieties (ISO 639-3) whose speakers are served in `zh` when
    /// nobody ready speaks their own: Mandarin, Cantonese, Wu (Shanghainese),
    /// Min Nan (Hokkien, Teochew), Min Dong, Hakka, Xiang, Gan, Jin.
    public static let chineseVarieties: [String: String] = Dictionary(
        uniqueKeysWithValues: ["cmn", "yue", "wuu", "nan", "cdo", "hak", "hsn", "gan", "cjy"].map { ($0, "zh") })

    public init() {}

    /// The languages a caller of `language` is served in when nobody ready speaks
    /// it, best first: its fallback, then that one's (`yue-HK` → `yue` → `zh`),
    /// at most three, never back to one already named.
    public func fallbacks(of language: String) -> [String] {
        var chain: [String] = []
        var current = language
        while chain.count < 3, let next = fallback(of: current), next != language, !chain.contains(next) {
            chain.append(next)
            current = next
        }
        return chain
    }

    /// One step of `fallbacks`: the configured fallback of `language`, else the
    /// primary subtag of a tag such as `zh-HK` or `en_GB`; nil for none.
    public func fallback(of language: String) -> String? {
        if let listed = languageFallbacks[language] { return listed.isEmpty || listed == language ? nil : listed }
        guard let dash = language.utf8.firstIndex(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }),
              dash != language.utf8.startIndex else { return nil }
        return String(language[..<dash])
    }

    public func weight(of tier: CustomerTier?) -> Int {
        tier.flatMap { tierWeights[$0] } ?? unknownWeight
    }
}

extension Call {
    /// Who is calling, for `preferLastAgent`: the archive's customer (whichever of
    /// their numbers they call from, however the PBX spells it), else the number
    /// as sent, each behind its own prefix.
    public var callerKey: String {
        caller?.customer.map { Call.customerKeyPrefix + $0 } ?? Call.numberKeyPrefix + from
    }

    /// What `callerKey` puts before a customer id, and before a number (so that
    /// no `from`, whatever a PBX sends, can name a customer's entry).
    public static let customerKeyPrefix = "customer:"
    public static let numberKeyPrefix = "number:"
}

/// The agent who last completed a call with a caller, and when (`prefer_last_agent`).
public struct LastService: Sendable, Equatable {
    public var agent: AgentID
    public var at: Instant

    public init(agent: AgentID, at: Instant) {
        self.agent = agent
        self.at = at
    }

    /// How long the daemon remembers who served a caller: 30 days, in memory
    /// and when it rebuilds the memory from the call log at start.
    public static let memorySeconds: Double = 30 * 86_400
}

extension Call {
    /// The caller's tier: from the archive, else the `tier` call attribute.
    public var tier: CustomerTier? {
        caller?.tier ?? attributes["tier"].flatMap(CustomerTier.init(rawValue:))
    }
}
