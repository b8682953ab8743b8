import CallCenterArchive
import CallCenterCore

/// A write to the customer archive, committed in the same transaction as the
/// journal entry of the request that made it (see `CommitBatch.archive`).
public enum ArchiveChange: Sendable, Equatable {
    /// Creates or replaces customers (their phone numbers too). The numbers must
    /// not belong to customers outside the list: callers check that first.
    case saveCustomers([CustomerRecord], at: Instant)
    /// A cooperation (purchase) record; also moves the customer's last cooperation
    /// date forward and adds to the cumulative amount.
    case addCooperation(Cooperation)
    /// A call from a known customer was offered: it starts an interaction.
    case callOffered(CallInteraction)
    /// The agent registered the call: its category and summary.
    case register(Registration)
    case flagNumber(NumberFlag)
    /// Clears the number's flags of these kinds that are not cleared yet: all of
    /// them, or only those one life of a call set (`setBy`).
    case clearFlags(number: String, flags: [NumberFlagKind], by: String, at: Instant, reason: String, setBy: FlagSource? = nil)
    case audit(AuditEntry)
    /// New scores and tier from `customers regrade`.
    case grade(customer: String, scores: Scores, tier: CustomerTier?, at: Instant)
}

/// A cooperation (purchase) record.
public struct Cooperation: Sendable, Equatable {
    public var customer: String
    public var date: CalendarDate
    /// 万元 (10,000 CNY)
    public var amount: Double
    public var item: String?
    public var recordedAt: Instant
    public var recordedBy: String

    public init(customer: String, date: CalendarDate, amount: Double, item: String?, recordedAt: Instant, recordedBy: String) {
        self.customer = customer
        self.date = date
        self.amount = amount
        self.item = item
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }
}

/// A call from a customer, at offer time.
public struct CallInteraction: Sendable, Equatable {
    public var customer: String
    public var call: CallID
    public var serial: UInt64
    /// E.164, or as the PBX sent it.
    public var number: String
    public var at: Instant

    public init(customer: String, call: CallID, serial: UInt64, number: String, at: Instant) {
        self.customer = customer
        self.call = call
        self.serial = serial
        self.number = number
        self.at = at
    }
}

/// `call.register`: what the call was about, in the interaction history and the call log.
public struct Registration: Sendable, Equatable {
    public var call: CallID
    public var serial: UInt64
    /// The caller's customer, if the number is known.
    public var customer: String?
    public var number: String
    public var category: CallCategory
    public var summary: String
    /// The agent who handled the call.
    public var agent: AgentID?
    /// Who registered it: `agent:a7`, `admin`.
    public var registeredBy: String
    public var at: Instant
    /// When the call was offered (for a registration with no interaction yet).
    public var offeredAt: Instant

    public init(call: CallID, serial: UInt64, customer: String?, number: String, category: CallCategory, summary: String,
                agent: AgentID?, registeredBy: String, at: Instant, offeredAt: Instant) {
        self.call = call
        self.serial = serial
        self.customer = customer
        self.number = number
        self.category = category
        self.summary = summary
        self.agent = agent
        self.registeredBy = registeredBy
        self.at = at
        self.offeredAt = offeredAt
    }
}

/// A mark on a number: who put it, when and why.
/// One life of a call that flagged a number: the call id and when that life was offered.
public struct FlagSource: Sendable, Equatable {
    public var call: CallID
    public var since: Instant

    public init(call: CallID, since: Instant) {
        self.call = call
        self.since = since
    }

    public func set(_ flag: NumberFlag) -> Bool { flag.call == call && flag.at >= since }
}

public struct NumberFlag: Sendable, Equatable {
    public var number: String
    public var flag: NumberFlagKind
    public var by: String
    public var at: Instant
    public var reason: String
    public var call: CallID?
    /// Who cleared the flag, when and why; nil while it marks the number.
    public var cleared: Clearing?

    public struct Clearing: Sendable, Equatable {
        public var by: String
        public var at: Instant
        public var reason: String

        public init(by: String, at: Instant, reason: String) {
            self.by = by
            self.at = at
            self.reason = reason
        }
    }

    public init(number: String, flag: NumberFlagKind, by: String, at: Instant, reason: String, call: CallID?, cleared: Clearing? = nil) {
        self.number = number
        self.flag = flag
        self.by = by
        self.at = at
        self.reason = reason
        self.call = call
        self.cleared = cleared
    }
}

/// One read of a customer record (or one page of an export).
public struct AuditEntry: Sendable, Equatable {
    public enum Action: String, Sendable { case profile, export }

    public var at: Instant
    /// `agent`, `supervisor` or `admin`.
    public var role: String
    /// The agent, for an agent session.
    public var agent: AgentID?
    /// The customer read; `*` for an export.
    public var customer: String
    public var call: CallID?
    public var action: Action
    public var detail: String?

    public init(at: Instant, role: String, agent: AgentID?, customer: String, call: CallID?, action: Action = .profile, detail: String? = nil) {
        self.at = at
        self.role = role
        self.agent = agent
        self.customer = customer
        self.call = call
        self.action = action
        self.detail = detail
    }
}
