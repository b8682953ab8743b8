/// The `[archive]` section of the configuration.
public struct ArchiveSettings: Sendable, Equatable {
    /// How national numbers are read (`country = "CN"`).
    public var country: PhoneCountry = .china
    /// Phone numbers in logs as `138****1111` (`mask_numbers = true`).
    public var maskNumbers = true
    /// `[archive.grading]`: weights and tier thresholds.
    public var grading = GradingRules()

    public init() {}

    /// A number (as the PBX sent it) the way logs may show it.
    public func logged(_ number: String) -> String {
        maskNumbers ? PhoneNumber.masked(number, country: country) : number
    }
}
