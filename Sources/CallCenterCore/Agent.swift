public typealias AgentID = String

/// What an agent is doing, as supervisors and the router see it.
public enum AgentState: String, Sendable, Codable, CaseIterable {
    case loggedOut = "logged_out"
    case notReady = "not_ready"
    case ready
    case ringing
    case busy
    case wrapUp = "wrap_up"

    /// Logged in: every state but `logged_out`.
    public var isLoggedIn: Bool { self != .loggedOut }

    /// The state's place in `allCases` (for counts kept in an array).
    var index: Int {
        switch self {
        case .loggedOut: 0
        case .notReady: 1
        case .ready: 2
        case .ringing: 3
        case .busy: 4
        case .wrapUp: 5
        }
    }
}

/// Who an agent is: what `agent.upsert` sets. Survives restarts.
public struct AgentProfile: Sendable, Equatable, Codable {
    public var id: AgentID
    public var name: String
    /// The seat (extension or endpoint) the PBX rings; `agent.login` may name another.
    public var seat: String
    /// Skill → level 1...10.
    public var skills: [String: Int]
    /// Language and dialect codes the agent speaks (`zh`, `yue`, `en`, ...).
    public var languages: [String]
    /// Customer tiers this agent may serve; empty for every tier (and unknown callers).
    public var tiers: [CustomerTier]

    public init(id: AgentID, name: String, seat: String, skills: [String: Int] = [:], languages: [String] = [], tiers: [CustomerTier] = []) {
        self.id = id
        self.name = name
        self.seat = seat
        self.skills = skills
        self.languages = languages
        self.tiers = tiers
    }

    enum CodingKeys: String, CodingKey { case id, name, seat, skills, languages, tiers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(AgentID.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        seat = try c.decode(String.self, forKey: .seat)
        skills = try c.decodeIfPresent([String: Int].self, forKey: .skills) ?? [:]
        languages = try c.decodeIfPresent([String].self, forKey: .languages) ?? []
        tiers = try c.decodeIfPresent([CustomerTier].self, forKey: .tiers) ?? []
    }
}

/// An agent: profile plus live state. The state belongs to the agent, not to a
/// connection: a softphone that reconnects, or a daemon restart, does not change it.
public struct Agent: Sendable, Equatable, Codable {
    /// Who the agent is: skills, languages, tiers. Kept in a box because routing
    /// copies agents while it scans them: the box is one retain, where the
    /// profile's strings and collections were six (copies were the largest cost
    /// of a scan). A change to the profile puts a new box in place.
    public var profile: AgentProfile {
        get { box.profile }
        set { box = ProfileBox(newValue) }
    }
    private var box: ProfileBox
    /// The box itself, for a ready line's entry (routing reads tiers and
    /// languages there without looking the agent up).
    var profileBox: ProfileBox { box }
    /// SHA-256 of the agent's token, hex; nil until one is issued.
    public var tokenHash: String?

    public var state: AgentState = .loggedOut
    /// Why the agent is `not_ready` (`break`, `no_answer`, ...).
    public var reason: String?
    /// When `state` last changed.
    public var since: Instant
    /// The seat in use while logged in (from `agent.login`, else the profile's).
    public var activeSeat: String?
    /// The call ringing or connected on this agent (wrap-up keeps its call in `wrapUp`).
    public var call: CallID?
    /// When the agent last became free to take a call (longest-idle routing).
    public var idleSince: Instant?
    /// The call this agent is wrapping up, while `wrap_up`.
    public var wrapUp: WrapUp?
    /// The state the agent asked for while busy; applied when the call and wrap-up end.
    public var pendingState: AgentState?
    /// The agent asked to stop taking calls once the one in hand is over.
    var leavesAfterCall: Bool { pendingState.map { $0 != .ready } ?? false }
    public var pendingReason: String?
    /// Calls answered today and their connected seconds, talk and hold (reset at local midnight).
    public var answeredToday: Int = 0
    public var talkSecondsToday: Double = 0
    /// Seconds today in `busy` and `wrap_up` (handling calls) and in `ready` and
    /// `ringing` (available), up to `since`: the current state's time is added
    /// when it ends (`CallCenter.workToday` adds it as it goes).
    public var handleSecondsToday: Double = 0
    public var availableSecondsToday: Double = 0
    /// The local day of the counters above.
    public var countersDay: Int = 0

    public init(profile: AgentProfile, tokenHash: String? = nil, since: Instant) {
        box = ProfileBox(profile)
        self.tokenHash = tokenHash
        self.since = since
    }

    public var id: AgentID { profile.id }
    public var seat: String { activeSeat ?? profile.seat }

    /// Whether the agent has every skill at the given minimum levels.
    public func hasSkills(_ required: [String: Int]) -> Bool {
        for (skill, level) in required where (profile.skills[skill] ?? 0) < level { return false }
        return true
    }
}

extension Agent {
    enum CodingKeys: String, CodingKey {
        case box = "profile", tokenHash, state, reason, since, activeSeat, call, idleSince, wrapUp, pendingState, pendingReason,
             answeredToday, talkSecondsToday, handleSecondsToday, availableSecondsToday, countersDay
    }
}

/// An agent's profile behind one reference; equal when the profiles are, and
/// coded as the profile itself.
final class ProfileBox: Sendable, Equatable, Codable {
    let profile: AgentProfile

    init(_ profile: AgentProfile) {
        self.profile = profile
    }

    static func == (a: ProfileBox, b: ProfileBox) -> Bool { a === b || a.profile == b.profile }

    init(from decoder: any Decoder) throws {
        profile = try AgentProfile(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try profile.encode(to: encoder)
    }
}

/// The after-call work an agent is doing: which call leg, and until when.
public struct WrapUp: Sendable, Equatable, Codable {
    public var call: CallID
    public var serial: UInt64
    public var leg: Int
    public var queue: QueueID
    /// When the call (leg) ended and wrap-up began.
    public var start: Instant
    /// When wrap-up ends by itself.
    public var until: Instant
    /// Seconds connected (talk and hold), for the queue's handle time when wrap-up
    /// ends. (Stored under the JSON key `talkSeconds`, from before holds were counted.)
    public var talkSeconds: Double

    public init(call: CallID, serial: UInt64, leg: Int, queue: QueueID, start: Instant, until: Instant, talkSeconds: Double) {
        self.call = call
        self.serial = serial
        self.leg = leg
        self.queue = queue
        self.start = start
        self.until = until
        self.talkSeconds = talkSeconds
    }
}
