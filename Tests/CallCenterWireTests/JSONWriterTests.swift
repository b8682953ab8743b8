import XCTest
import CallCenterWire

/// The compact one-line writer: exact output, escaping, and a lossless round trip through the parser.
final class JSONWriterTests: XCTestCase {
    /// parse(write(v)) == v for scalars, tricky strings, numbers and nested containers.
    func testRoundTrip() throws {
        let values: [JSONValue] = [
            .null, true, false, 0, -1, 42, 1.5, -0.025, 0.1, 1e20, -1e-7, 123_456_789_012, 9_007_199_254_740_991,
            .number(Double.greatestFiniteMagnitude), .number(Double.leastNonzeroMagnitude),
            "", "plain", "quote \" backslash \\ slash /", "line\nfeed\r\ttab", "\u{1}\u{1F}\u{7F}",  // NUL is written escaped but refused by the parser
            "中文 粤语 😀 𝄞", "\u{2028}\u{2029}",
            [], [:], [1, [2, [3, [4]]]],
            ["call": "c1", "attributes": ["language": "yue", "nested": ["deep": [true, nil]]], "n": 3.75],
        ]
        for value in values {
            let text = JSONWriter.string(value)
            XCTAssertEqual(try JSONParser.parse(text), value, text)
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
        }
    }

    /// Control characters are escaped (short forms for \n \r \t, \u00XX otherwise); quotes and backslashes too.
    func testEscaping() {
        let table: [(String, String, UInt)] = [
            ("a\"b", #""a\"b""#, #line),
            ("a\\b", #""a\\b""#, #line),
            ("\n\r\t", #""\n\r\t""#, #line),
            ("\u{0}", #""\u0000""#, #line),
            ("\u{8}\u{C}", #""\u0008\u000c""#, #line),
            ("\u{1F}", #""\u001f""#, #line),
            ("\u{7F}", "\"\u{7F}\"", #line),
            ("a/b", #""a/b""#, #line),
            ("é中😀", "\"é中😀\"", #line),
            ("say \"hi\" to\tall\\ 中\u{1}x", #""say \"hi\" to\tall\\ 中\u0001x""#, #line),
            ("\"start and end\n", #""\"start and end\n""#, #line),
        ]
        for (input, expected, line) in table {
            XCTAssertEqual(JSONWriter.string(.string(input)), expected, line: line)
        }
    }

    /// Whole numbers are written without a fraction; others in their shortest exact form; non-finite ones as null.
    func testNumbers() {
        XCTAssertEqual(JSONWriter.string(3), "3")
        XCTAssertEqual(JSONWriter.string(-0.0), "0")
        XCTAssertEqual(JSONWriter.string(2.5), "2.5")
        XCTAssertEqual(JSONWriter.string(0.1), "0.1")
        XCTAssertEqual(JSONWriter.string(1_700_000_000_000), "1700000000000")
        XCTAssertEqual(JSONWriter.string(.number(.infinity)), "null")
        XCTAssertEqual(JSONWriter.string(.number(.nan)), "null")
    }

    /// Objects are written compactly with keys sorted, so output is stable.
    func testObjectsHaveSortedKeys() {
        let value: JSONValue = ["op": "ping", "id": 7, "b": [true, nil], "a": [:]]
        XCTAssertEqual(JSONWriter.string(value), #"{"a":{},"b":[true,null],"id":7,"op":"ping"}"#)
    }

    /// `line` ends with exactly one newline, the only one in the output.
    func testLineEndsWithOneNewline() {
        let line = JSONWriter.line(["text": "two\nlines"])
        XCTAssertEqual(String(decoding: line, as: UTF8.self), "{\"text\":\"two\\nlines\"}\n")
        XCTAssertEqual(line.filter { $0 == 0x0A }.count, 1)
    }
}
