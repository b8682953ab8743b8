import CallCenterCore

/// One customer in the archive (客户档案, DOMAIN.md §3). Dates are `YYYY-MM-DD`;
/// `amount` is the cumulative cooperation amount in 万元 (10,000 CNY), as in
/// seed 004's template 1; phone numbers are E.164.
public struct CustomerRecord: Sendable, Equatable, Codable {
    /// The archive id (`C001`).
    public var id: String
    public var name: String
    /// 单位名称
    public var company: String?
    /// 行业类型
    public var industry: String?
    /// 规模 (employees or revenue, as written)
    public var size: String?
    /// 联系人及职务
    public var contact: String?
    public var phones: [String]
    public var address: String?
    public var birthday: CalendarDate?
    /// Preferred language or dialect code (`zh`, `yue`, `en`).
    public var language: String?
    /// 核心需求
    public var needs: String?
    /// 决策链成员
    public var decisionChain: String?
    /// 上次沟通反馈
    public var lastFeedback: String?
    /// 最近合作时间
    public var lastCooperation: CalendarDate?
    /// 累计合作金额 (万元)
    public var amount: Double?
    public var tags: [String]
    public var notes: String?
    /// The account manager (客户经理): an agent id.
    public var accountManager: String?
    public var scores: Scores
    /// The tier: graded from the scores unless set by hand (`tierIsManual`).
    public var tier: CustomerTier?
    public var tierIsManual: Bool

    public init(id: String, name: String) {
        self.id = id
        self.name = name
        phones = []
        tags = []
        scores = Scores()
        tierIsManual = false
    }

    /// Re-derives a graded tier from the scores (a tier set by hand is kept).
    public mutating func regrade(_ rules: GradingRules) {
        guard !tierIsManual else { return }
        tier = rules.grade(scores)?.tier
    }

    /// The screen-pop summary of this customer (flags and complaints come from elsewhere).
    public func callerInfo(flags: [String] = [], openComplaints: Int = 0) -> CallerInfo {
        CallerInfo(customer: id, name: name, company: company, tier: tier, accountManager: accountManager,
                   language: language, flags: flags, openComplaints: openComplaints)
    }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
