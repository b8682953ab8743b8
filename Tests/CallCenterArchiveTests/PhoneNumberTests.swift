@testable import CallCenterArchive
import XCTest

/// Phone numbers in any usual spelling become E.164; unreadable ones are nil.
final class PhoneNumberTests: XCTestCase {
    /// Every spelling of issue 4's mobile and landline reads as the same E.164 number (country CN).
    func testChineseSpellingsReadAsE164() {
        let table: [(String, String)] = [
            ("13800001111", "+8613800001111"),
            ("+86 138-0000-1111", "+8613800001111"),
            ("008613800001111", "+8613800001111"),
            ("138 0000 1111", "+8613800001111"),
            ("8613800001111", "+8613800001111"),
            ("+86 (0)138 0000 1111", "+8613800001111"),
            ("tel:+86-138-0000-1111", "+8613800001111"),
            ("sip:13800001111@pbx.example;user=phone", "+8613800001111"),
            ("１３８００００１１１１", "+8613800001111"),
            ("010-12345678", "+861012345678"),
            ("+861012345678", "+861012345678"),
            ("01012345678", "+861012345678"),
            ("(010) 1234 5678", "+861012345678"),
            ("+86 (0)10 1234 5678", "+861012345678"),
            ("021-87654321", "+862187654321"),
            ("0755-12345678", "+8675512345678"),
            ("0571-1234567", "+865711234567"),
            ("400-800-1234", "+864008001234"),
            ("+1 555 123 4567", "+15551234567"),
            ("+852 2123 4567", "+85221234567"),
            ("00852 2123 4567", "+85221234567"),
        ]
        for (text, expected) in table {
            XCTAssertEqual(PhoneNumber(text)?.e164, expected, "reading \(text)")
        }
    }

    /// Withheld numbers, letters, short codes and impossible numbers cannot be read.
    func testUnreadableNumbers() {
        for text in ["", "anonymous", "unknown", "Restricted", "95588", "12345678", "138000011112", "+86 123", "0", "+", "++8613800001111",
                     "1380000111a", "+0 123 4567 890", "12-34", "+8612800001111"] {
            XCTAssertNil(PhoneNumber(text), "\(text) should not be readable")
        }
    }

    /// National numbers follow the configured country.
    func testOtherCountries() {
        let us = PhoneCountry(code: "us")!
        XCTAssertEqual(PhoneNumber("(555) 123-4567", country: us)?.e164, "+15551234567")
        XCTAssertEqual(PhoneNumber("1-555-123-4567", country: us)?.e164, "+15551234567")
        XCTAssertEqual(PhoneNumber("011 86 138 0000 1111", country: us)?.e164, "+8613800001111")
        let hk = PhoneCountry(code: "HK")!
        XCTAssertEqual(PhoneNumber("2123 4567", country: hk)?.e164, "+85221234567")
        let gb = PhoneCountry(code: "GB")!
        XCTAssertEqual(PhoneNumber("020 7946 0018", country: gb)?.e164, "+442079460018")
        XCTAssertNil(PhoneCountry(code: "XX"))
    }

    /// Logs show 138****1111 for home numbers, a masked international form for others.
    func testMasking() {
        XCTAssertEqual(PhoneNumber("13800001111")!.masked(), "138****1111")
        XCTAssertEqual(PhoneNumber("010-12345678")!.masked(), "101****678")
        // Shorter national numbers keep at least four digits hidden, at least half of them.
        let hk = PhoneCountry(code: "HK")!
        XCTAssertEqual(PhoneNumber("2123 4567", country: hk)!.masked(country: hk), "21****67")
        XCTAssertEqual(PhoneNumber("+852 2123 4567")!.masked(), "+852****4567")
        XCTAssertEqual(PhoneNumber.hidingMiddle("12345"), "****5")
        XCTAssertEqual(PhoneNumber.hidingMiddle("123456789012345"), "123********2345")
        XCTAssertEqual(PhoneNumber("+1 555 123 4567")!.masked(), "+155****4567")
        XCTAssertEqual(PhoneNumber.masked("+86 138-0000-1111"), "138****1111")
        XCTAssertEqual(PhoneNumber.masked("anonymous"), "anonymous")
        XCTAssertEqual(PhoneNumber.masked("ext 95588-123"), "****23")
    }

    /// Stored E.164 strings are checked, not re-read.
    func testE164Initializer() {
        XCTAssertEqual(PhoneNumber(e164: "+8613800001111")?.e164, "+8613800001111")
        XCTAssertNil(PhoneNumber(e164: "8613800001111"))
        XCTAssertNil(PhoneNumber(e164: "+86 138"))
    }
}
