/// What a call was about, as the agent registers it (`call.register`).
public enum CallCategory: String, Sendable, CaseIterable, Codable {
    case inquiry, service, sales, complaint
    case wrongNumber = "wrong_number"
    case silent, inaudible, unrelated
    /// The caller threatened: the number is flagged.
    case threat
    /// The caller harassed: the number is flagged.
    case harassment

    /// The flag a registration in this category puts on the caller's number.
    public var numberFlag: NumberFlagKind? {
        switch self {
        case .threat: return .threat
        case .harassment: return .harassment
        default: return nil
        }
    }
}

/// A mark on a phone number, shown with every later call from it.
public enum NumberFlagKind: String, Sendable, CaseIterable, Codable {
    case threat, harassment
}
