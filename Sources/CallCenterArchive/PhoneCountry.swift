/// How numbers are dialled in one country: enough to turn a national spelling
/// (`010-12345678`, `138 0000 1111`) into E.164 (`+861012345678`).
public struct PhoneCountry: Sendable, Equatable {
    /// ISO 3166-1 alpha-2 code, upper case (`CN`).
    public var code: String
    /// The country calling code, digits only (`86`).
    public var callingCode: String
    /// The prefix dialled before a national number inside the country (`0`), if any.
    public var trunkPrefix: String?
    /// Prefixes that start an international number (`00`), longest first.
    public var internationalPrefixes: [String]
    /// Digits of a national significant number (without trunk prefix).
    public var nationalLengths: ClosedRange<Int>

    public init(code: String, callingCode: String, trunkPrefix: String?, internationalPrefixes: [String], nationalLengths: ClosedRange<Int>) {
        self.code = code
        self.callingCode = callingCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
        self.nationalLengths = nationalLengths
    }

    /// The countries the daemon knows how to read national numbers for.
    public static let known: [PhoneCountry] = [
        PhoneCountry(code: "CN", callingCode: "86", trunkPrefix: "0", internationalPrefixes: ["00"], nationalLengths: 10...11),
        PhoneCountry(code: "HK", callingCode: "852", trunkPrefix: nil, internationalPrefixes: ["001", "002", "00"], nationalLengths: 8...8),
        PhoneCountry(code: "MO", callingCode: "853", trunkPrefix: nil, internationalPrefixes: ["00"], nationalLengths: 8...8),
        PhoneCountry(code: "TW", callingCode: "886", trunkPrefix: "0", internationalPrefixes: ["002", "00"], nationalLengths: 8...9),
        PhoneCountry(code: "SG", callingCode: "65", trunkPrefix: nil, internationalPrefixes: ["000", "001"], nationalLengths: 8...8),
        PhoneCountry(code: "MY", callingCode: "60", trunkPrefix: "0", internationalPrefixes: ["00"], nationalLengths: 8...10),
        PhoneCountry(code: "JP", callingCode: "81", trunkPrefix: "0", internationalPrefixes: ["010"], nationalLengths: 9...10),
        PhoneCountry(code: "KR", callingCode: "82", trunkPrefix: "0", internationalPrefixes: ["001", "002", "00"], nationalLengths: 8...10),
        PhoneCountry(code: "US", callingCode: "1", trunkPrefix: "1", internationalPrefixes: ["011"], nationalLengths: 10...10),
        PhoneCountry(code: "CA", callingCode: "1", trunkPrefix: "1", internationalPrefixes: ["011"], nationalLengths: 10...10),
        PhoneCountry(code: "GB", callingCode: "44", trunkPrefix: "0", internationalPrefixes: ["00"], nationalLengths: 9...10),
        PhoneCountry(code: "DE", callingCode: "49", trunkPrefix: "0", internationalPrefixes: ["00"], nationalLengths: 6...13),
        PhoneCountry(code: "FR", callingCode: "33", trunkPrefix: "0", internationalPrefixes: ["00"], nationalLengths: 9...9),
        PhoneCountry(code: "AU", callingCode: "61", trunkPrefix: "0", internationalPrefixes: ["0011"], nationalLengths: 9...9),
    ]

    /// China, the default.
    public static let china = known[0]

    /// The country with this ISO code (any case), or nil.
    public init?(code: String) {
        guard let found = Self.known.first(where: { $0.code == code.uppercased() }) else { return nil }
        self = found
    }

    /// Whether `digits` (a national significant number, no trunk prefix) can be a
    /// number of this country.
    public func isNationalNumber(_ digits: Substring) -> Bool {
        guard nationalLengths.contains(digits.count), let first = digits.first, first != "0" else { return false }
        guard code == "CN" else { return true }
        // Mobile 1[3-9]x (11 digits); Beijing 10 + 8 digits; 2x + 8 digits;
        // three-digit area codes 3xx-9xx + 7 or 8 digits (also 400/800 service numbers).
        switch first {
        case "1":
            let second = digits.dropFirst().first ?? "0"
            if digits.count == 11 { return ("3"..."9").contains(second) }
            return second == "0"
        case "2": return digits.count == 10
        default: return true
        }
    }
}
