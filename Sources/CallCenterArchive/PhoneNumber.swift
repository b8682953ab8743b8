/// A phone number in E.164 (`+8613800001111`): how the archive stores numbers
/// and how a caller is matched, whatever spelling the PBX or a spreadsheet used.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` and 8 to 15 digits.
    public let e164: String

    /// Reads `text` in any usual spelling, national numbers in `country`'s way:
    /// `13800001111`, `+86 138-0000-1111`, `008613800001111`, `138 0000 1111`,
    /// `010-12345678`, `(010) 1234 5678`, `tel:+861012345678`, `sip:13800001111@pbx`,
    /// full-width digits. Nil when it cannot be read (`anonymous`, too short, letters).
    public init?(_ text: String, country: PhoneCountry = .china) {
        guard let (digits, international) = Self.clean(text), !digits.isEmpty else { return nil }
        var full: Substring
        if international {
            full = digits[...]
        } else if let prefix = country.internationalPrefixes.first(where: { digits.hasPrefix($0) }) {
            full = digits.dropFirst(prefix.count)
        } else {
            var national = digits[...]
            if let trunk = country.trunkPrefix, national.hasPrefix(trunk), !country.isNationalNumber(national) {
                national = national.dropFirst(trunk.count)
            }
            if country.isNationalNumber(national) {
                full = Substring(country.callingCode + national)
            } else if digits.hasPrefix(country.callingCode), country.isNationalNumber(digits.dropFirst(country.callingCode.count)) {
                full = digits[...]  // "8613800001111": the country code without its "+"
            } else {
                return nil
            }
        }
        // A home number written internationally may keep its trunk prefix: +86 (0)10 1234 5678.
        if full.hasPrefix(country.callingCode) {
            var national = full.dropFirst(country.callingCode.count)
            if let trunk = country.trunkPrefix, national.hasPrefix(trunk), !country.isNationalNumber(national) {
                national = national.dropFirst(trunk.count)
            }
            guard country.isNationalNumber(national) else { return nil }
            full = Substring(country.callingCode + national)
        }
        guard (8...15).contains(full.count), full.first != "0" else { return nil }
        e164 = "+" + full
    }

    /// A number already in E.164 (as stored); nil if `e164` is not.
    public init?(e164: String) {
        guard e164.hasPrefix("+"), (9...16).contains(e164.count), e164.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              e164.dropFirst().first != "0" else { return nil }
        self.e164 = e164
    }

    public var description: String { e164 }

    /// The number for logs: `138****1111` for a number of `country`, `+155****4567` otherwise.
    public func masked(country: PhoneCountry = .china) -> String {
        let digits = e164.dropFirst()
        if digits.hasPrefix(country.callingCode) { return Self.hidingMiddle(digits.dropFirst(country.callingCode.count)) }
        return "+" + Self.hidingMiddle(digits)
    }

    /// `digits` with a `*` for each hidden one: at least 4 hidden, and all but 7
    /// (`138****1111`), the rest shown at both ends (`21****67` for 8 digits).
    static func hidingMiddle(_ digits: Substring) -> String {
        let hidden = min(digits.count, max(4, digits.count - 7))
        let shown = digits.count - hidden
        let tail = min(4, (shown + 1) / 2)
        return "\(digits.prefix(shown - tail))\(String(repeating: "*", count: hidden))\(digits.suffix(tail))"
    }

    /// Masks whatever the PBX sent, for logs: a readable number as `masked(country:)`,
    /// anything else with its digits hidden but the last two.
    public static func masked(_ text: String, country: PhoneCountry = .china) -> String {
        if let number = PhoneNumber(text, country: country) { return number.masked(country: country) }
        let digits = text.filter { $0.isASCII && $0.isNumber }
        guard digits.count >= 4 else { return text }
        return "****\(digits.suffix(2))"
    }

    // MARK: - Cleaning

    /// The digits of `text` and whether it started with `+`; nil for anything
    /// that is not a phone number once separators are removed.
    static func clean(_ text: String) -> (String, Bool)? {
        func isSpace(_ u: Unicode.Scalar) -> Bool {
            u == " " || u == "\t" || u == "\r" || u == "\n" || u == "\u{3000}" || u == "\u{00A0}"
        }
        var scalars = text.unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
        if let first = scalars.first, "tTsS".unicodeScalars.contains(first) {
            let head = String(String.UnicodeScalarView(scalars.prefix(5))).lowercased()
            if let scheme = ["tel:", "sip:", "sips:"].first(where: { head.hasPrefix($0) }) {
                scalars = scalars.dropFirst(scheme.count)
                if let end = scalars.firstIndex(where: { $0 == "@" || $0 == ";" }) { scalars = scalars[..<end] }
            }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var plus = false
        for u in scalars {
            switch u.value {
            case 0x30...0x39:
                digits.append(UInt8(u.value))
            case 0xFF10...0xFF19:  // full-width digits
                digits.append(UInt8(u.value - 0xFF10 + 0x30))
            case 0x2B, 0xFF0B:  // + and full-width +
                guard digits.isEmpty, !plus else { return nil }
                plus = true
            case 0x20, 0x2D, 0x2E, 0x28, 0x29, 0x2F, 0xA0, 0x3000, 0x2010, 0x2011, 0x2013, 0x2014, 0xFF08, 0xFF09, 0xFF0D:
                continue  // space - . ( ) / and their typographic and full-width forms
            default:
                return nil
            }
        }
        return (String(decoding: digits, as: UTF8.self), plus)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
