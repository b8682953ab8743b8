import XCTest
import CallCenterWire

/// The strict JSON parser of the ingest path: values, escapes, numbers, errors and the depth limit.
final class JSONParserTests: XCTestCase {
    /// Well-formed documents parse to the expected values, escapes and surrogate pairs included.
    func testValidDocuments() throws {
        let table: [(String, JSONValue, UInt)] = [
            ("null", .null, #line),
            ("true", true, #line),
            ("false", false, #line),
            (" \t\r\n 7 \n", 7, #line),
            ("0", 0, #line),
            ("-0", 0, #line),
            ("-12", -12, #line),
            ("3.25", 3.25, #line),
            ("1e3", 1000, #line),
            ("1E+2", 100, #line),
            ("-2.5e-2", -0.025, #line),
            ("123456789012345", 123_456_789_012_345, #line),
            (#""""#, "", #line),
            (#""plain""#, "plain", #line),
            (#""a\"b\\c\/d""#, "a\"b\\c/d", #line),
            (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t", #line),
            (#""\u00e9\u4E2D""#, "é中", #line),
            (#""\ud83d\ude00!""#, "😀!", #line),
            (#""\uD834\uDD1E""#, "𝄞", #line),
            ("\"坐席 ☎\"", "坐席 ☎", #line),
            ("[]", [], #line),
            ("{}", [:], #line),
            ("[1, \"two\", [3], {\"four\": null}]", [1, "two", [3], ["four": nil]], #line),
            (#"{"id": 1, "op": "call.offer", "attributes": {"language": "yue", "vip": true}}"#,
             ["id": 1, "op": "call.offer", "attributes": ["language": "yue", "vip": true]], #line),
            (#"{"a": 1, "a": 2}"#, ["a": 2], #line),
        ]
        for (text, expected, line) in table {
            XCTAssertEqual(try JSONParser.parse(text), expected, text, line: line)
        }
    }

    /// Malformed documents fail with the byte offset and a reason that says what was expected.
    func testMalformedDocumentsReportOffsetAndReason() {
        let table: [(String, Int, String, UInt)] = [
            ("", 0, "unexpected end of input: expected a value", #line),
            ("   ", 3, "unexpected end of input: expected a value", #line),
            ("nul", 0, "unexpected end of input", #line),
            ("nulx", 0, "unexpected character", #line),
            ("x", 0, "unexpected character 'x': expected a value", #line),
            ("{\"a\" 1}", 5, "expected ':' after an object key", #line),
            ("{1: 2}", 1, "expected a string key in an object", #line),
            ("{\"a\": 1,}", 8, "expected a string key in an object", #line),
            ("{\"a\": 1", 7, "expected ',' or '}' in an object", #line),
            ("[1 2]", 3, "expected ',' or ']' in an array", #line),
            ("[1,]", 3, "unexpected character ']': expected a value", #line),
            ("[1", 2, "expected ',' or ']' in an array", #line),
            ("01", 1, "unexpected data after the JSON value", #line),
            ("{} {}", 3, "unexpected data after the JSON value", #line),
            ("-", 1, "expected a digit", #line),
            ("1.", 2, "expected a digit after '.'", #line),
            ("1.e5", 2, "expected a digit after '.'", #line),
            ("2e", 2, "expected a digit in the exponent", #line),
            ("1e999", 0, "number out of range", #line),
            ("\"abc", 4, "unterminated string", #line),
            ("\"a\u{01}b\"", 2, "control character in a string (escape it)", #line),
            ("\"a\nb\"", 2, "control character in a string (escape it)", #line),
            (#""\x""#, 3, "invalid escape '\\x'", #line),
            (#""\u12G4""#, 5, "expected a hex digit in a \\u escape", #line),
            (#""\u12""#, 3, "unexpected end of input in a \\u escape", #line),
            (#""\ud800""#, 7, "unpaired surrogate in a \\u escape", #line),
            (#""\ud800\u0041""#, 13, "unpaired surrogate in a \\u escape", #line),
            (#""\udc00""#, 7, "unpaired surrogate in a \\u escape", #line),
            (#""ab\u0000c""#, 9, "\\u0000 (NUL) is refused in strings: the store cannot keep it", #line),
        ]
        for (text, offset, reason, line) in table {
            XCTAssertThrowsError(try JSONParser.parse(text), text, line: line) { error in
                guard let error = error as? JSONParser.Error else { return XCTFail("\(error)", line: line) }
                XCTAssertEqual(error.offset, offset, "offset for \(text.debugDescription)", line: line)
                XCTAssertEqual(error.reason, reason, "reason for \(text.debugDescription)", line: line)
            }
        }
    }

    /// A string that is not valid UTF-8 is refused at the string's first byte.
    func testInvalidUTF8IsRefused() {
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0x61, 0xFF, 0x22])) { error in
            XCTAssertEqual((error as? JSONParser.Error)?.offset, 1)
            XCTAssertEqual((error as? JSONParser.Error)?.reason, "a string is not valid UTF-8")
        }
        XCTAssertThrowsError(try JSONParser.parse(Array("\"\\n".utf8) + [0xC3, 0x22])) { error in
            XCTAssertEqual((error as? JSONParser.Error)?.reason, "a string is not valid UTF-8")
        }
    }

    /// Strings come out in NFC, escaped or not, keys too: Swift compares by
    /// canonical equivalence and SQLite by bytes, so an id has one spelling.
    func testStringsAreReadInNFC() throws {
        let nfc = Array("Jos\u{E9}".utf8)  // C3 A9
        for text in [#"{"Jose\#u{301}":"Jose\#u{301}"}"#, #"{"Jose\u0301":"Jose\u0301"}"#] {
            guard case let .object(o) = try JSONParser.parse(text), let (key, value) = o.first, case let .string(s) = value else {
                return XCTFail(text)
            }
            XCTAssertEqual(Array(key.utf8), nfc, text)
            XCTAssertEqual(Array(s.utf8), nfc, text)
        }
        guard case let .string(ascii) = try JSONParser.parse(#""a1""#) else { return XCTFail() }
        XCTAssertEqual(ascii, "a1")
    }

    /// The error reads as "malformed JSON at byte N: reason".
    func testErrorDescription() {
        XCTAssertThrowsError(try JSONParser.parse("[1,]")) { error in
            XCTAssertEqual(String(describing: error), "malformed JSON at byte 3: unexpected character ']': expected a value")
        }
    }

    /// Nesting up to the maximum depth parses; one level deeper is refused where it starts, without exhausting the stack.
    func testDepthLimit() throws {
        let depth = JSONParser.maximumDepth
        XCTAssertEqual(depth, 64)
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertNoThrow(try JSONParser.parse(deepest))

        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertNoThrow(try JSONParser.parse(objects))

        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        XCTAssertThrowsError(try JSONParser.parse(tooDeep)) { error in
            XCTAssertEqual((error as? JSONParser.Error)?.offset, depth)
            XCTAssertEqual((error as? JSONParser.Error)?.reason, "nested deeper than 64 levels")
        }

        let hostile = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(hostile)) { error in
            XCTAssertEqual((error as? JSONParser.Error)?.offset, depth)
        }
    }
}
