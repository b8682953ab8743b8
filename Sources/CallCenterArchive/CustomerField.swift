import CallCenterCore

/// A field of a customer record, with its wire name, the CSV headers it is
/// known by (English and seed 004's Chinese template), and how its values read.
public enum CustomerField: String, Sendable, CaseIterable, Hashable {
    case id, name, company, industry, size, contact, phones, address, birthday, language, needs
    case decisionChain = "decision_chain"
    case lastFeedback = "last_feedback"
    case lastCooperation = "last_cooperation"
    case amount, tags, notes
    case accountManager = "account_manager"
    case tier
    case rScore = "r_score"
    case fScore = "f_score"
    case mScore = "m_score"
    case customScore = "custom_score"

    /// What kind of value the field holds.
    public enum Kind: Sendable { case id, text, date, amount, score, list, phones, tier }

    public var kind: Kind {
        switch self {
        case .id: return .id
        case .birthday, .lastCooperation: return .date
        case .amount: return .amount
        case .rScore, .fScore, .mScore, .customScore: return .score
        case .tags: return .list
        case .phones: return .phones
        case .tier: return .tier
        default: return .text
        }
    }

    /// The English CSV header (the first is what export writes).
    public var englishHeader: String {
        switch self {
        case .phones: return "phone"
        case .lastFeedback: return "last_feedback"
        default: return rawValue
        }
    }

    /// The Chinese CSV header export writes (seed 004's template 1 where it has one).
    public var chineseHeader: String {
        switch self {
        case .id: return "客户编号"
        case .name: return "客户名称"
        case .company: return "单位名称"
        case .industry: return "行业类型"
        case .size: return "规模"
        case .contact: return "联系人及职务"
        case .phones: return "联系电话"
        case .address: return "地址"
        case .birthday: return "生日"
        case .language: return "语言"
        case .needs: return "核心需求"
        case .decisionChain: return "决策链成员"
        case .lastFeedback: return "上次沟通反馈"
        case .lastCooperation: return "最近合作时间"
        case .amount: return "累计合作金额(万元)"
        case .tags: return "标签"
        case .notes: return "备注"
        case .accountManager: return "客户经理"
        case .tier: return "客户分层"
        case .rScore: return "R得分"
        case .fScore: return "F得分"
        case .mScore: return "M得分"
        case .customScore: return "自定义指标"
        }
    }

    /// Other headers read as this field (compared after `CustomerTable.normalize`).
    var aliases: [String] {
        switch self {
        case .id: return ["customer_id", "编号", "客户id"]
        case .name: return ["customer", "姓名", "名称", "客户姓名"]
        case .company: return ["公司", "公司名称", "单位"]
        case .industry: return ["行业"]
        case .size: return ["规模(员工数/营收)"]
        case .contact: return ["联系人", "联系人及职位"]
        case .phones: return ["phones", "telephone", "mobile", "电话", "手机", "手机号", "联系方式"]
        case .address: return ["联系地址", "地址"]
        case .birthday: return ["出生日期"]
        case .language: return ["语言/方言", "方言"]
        case .decisionChain: return ["决策链"]
        case .amount: return ["累计合作金额"]
        case .accountManager: return ["manager", "负责人"]
        case .tier: return ["分层", "客户等级"]
        case .rScore: return ["r", "r得分(近6个月合作)"]
        case .fScore: return ["f", "f得分(近12个月频次)"]
        case .mScore: return ["m", "m得分(近12个月金额)"]
        case .customScore: return ["custom", "自定义指标得分", "自定义指标(行业战略)"]
        default: return []
        }
    }

    /// Longest text a text field takes.
    public static let maxTextLength = 2000
}

/// A value as it arrives, before it is read as the field's kind: from JSON or a CSV cell.
public enum FieldInput: Sendable, Equatable {
    case null
    case text(String)
    case number(Double)
    case list([String])
}

/// A field's value once read.
public enum FieldValue: Sendable, Equatable {
    case text(String)
    case date(CalendarDate)
    case number(Double)
    case list([String])
    case tier(CustomerTier)
}

/// A value that cannot be read, naming the row (for imports) and the field.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The row of an import (the header is row 1, as a spreadsheet counts), nil otherwise.
    public var row: Int?
    public var field: String
    public var message: String

    public init(row: Int? = nil, field: String, _ message: String) {
        self.row = row
        self.field = field
        self.message = message
    }

    public var description: String {
        (row.map { "row \($0), " } ?? "") + "field '\(field)': \(message)"
    }
}
