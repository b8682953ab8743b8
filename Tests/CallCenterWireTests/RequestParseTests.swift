import XCTest
import CallCenterWire

/// `Request.parse`: the envelope of a request line, and the errors (with the id to answer) for bad ones.
final class RequestParseTests: XCTestCase {
    private func failure(_ line: String, file: StaticString = #filePath, line number: UInt = #line) -> Request.Failure? {
        switch Request.parse(Array(line.utf8)) {
        case let .success(request):
            XCTFail("parsed \(request)", file: file, line: number)
            return nil
        case let .failure(failure):
            XCTAssertEqual(failure.error.code, .badRequest, file: file, line: number)
            return failure
        }
    }

    /// A good line gives its id, op and the other fields (without id and op).
    func testParsesEnvelopeAndFields() throws {
        let request = try Request.parse(Array(#"{"id": "r-1", "op": "call.offer", "call": "c1", "from": "+861"}"#.utf8)).get()
        XCTAssertEqual(request.id, "r-1")
        XCTAssertEqual(request.op, "call.offer")
        XCTAssertEqual(request.fields.values, ["call": "c1", "from": "+861"])

        let numbered = try Request.parse(Array(#"{"op":"ping","id":17}"#.utf8)).get()
        XCTAssertEqual(numbered.id, 17)
        XCTAssertTrue(numbered.fields.values.isEmpty)
    }

    /// Malformed JSON is bad_request with the parser's offset and a hint, answered with a null id.
    func testMalformedJSON() throws {
        let f = try XCTUnwrap(failure(#"{"id": 1, "op": }"#))
        XCTAssertEqual(f.id, .null)
        XCTAssertTrue(f.error.message.hasPrefix("malformed JSON at byte 16: "), f.error.message)
        XCTAssertTrue(f.error.message.hasSuffix("send one JSON object per line"), f.error.message)
    }

    /// A line that is JSON but not an object says it must be an object, and what it was.
    func testNotAnObject() throws {
        let f = try XCTUnwrap(failure("[1, 2]"))
        XCTAssertEqual(f.id, .null)
        XCTAssertTrue(f.error.message.hasPrefix("a request must be a JSON object"), f.error.message)
        XCTAssertTrue(f.error.message.hasSuffix("not an array"), f.error.message)
        XCTAssertTrue(try XCTUnwrap(failure(#""ping""#)).error.message.hasSuffix("not a string"))
    }

    /// A missing (or null) id is named as missing.
    func testMissingID() throws {
        for line in [#"{"op": "ping"}"#, #"{"id": null, "op": "ping"}"#] {
            let f = try XCTUnwrap(failure(line))
            XCTAssertEqual(f.id, .null)
            XCTAssertTrue(f.error.message.hasPrefix("field 'id' is missing"), f.error.message)
        }
    }

    /// An id of the wrong type is refused and says a string or a number is expected.
    func testBadIDType() throws {
        let table: [(String, String)] = [
            (#"{"id": true, "op": "ping"}"#, "a boolean"),
            (#"{"id": [1], "op": "ping"}"#, "an array"),
            (#"{"id": {}, "op": "ping"}"#, "an object"),
        ]
        for (line, type) in table {
            let f = try XCTUnwrap(failure(line))
            XCTAssertEqual(f.id, .null)
            XCTAssertEqual(f.error.message, "field 'id' must be a string or a number, not \(type)")
        }
    }

    /// A number id past 2^53 cannot come back exactly (12345678901234567 would be
    /// answered as 12345678901234568): it is refused; up to 2^53 − 1 it is kept.
    func testNumberIDsMustComeBackExactly() throws {
        for line in [#"{"id": 12345678901234567, "op": "ping"}"#, #"{"id": -9007199254740993, "op": "ping"}"#] {
            let f = try XCTUnwrap(failure(line))
            XCTAssertEqual(f.id, .null)
            XCTAssertTrue(f.error.message.hasPrefix("field 'id' is a number too large to come back exactly"), f.error.message)
        }
        guard case let .success(request) = Request.parse(Array(#"{"id": 9007199254740991, "op": "ping"}"#.utf8)) else { return XCTFail() }
        XCTAssertEqual(JSONWriter.string(request.id), "9007199254740991")
    }

    /// A missing or non-string op is refused, answered with the request's id.
    func testMissingOrNonStringOp() throws {
        let missing = try XCTUnwrap(failure(#"{"id": 5}"#))
        XCTAssertEqual(missing.id, 5)
        XCTAssertTrue(missing.error.message.hasPrefix("field 'op' is missing"), missing.error.message)

        let number = try XCTUnwrap(failure(#"{"id": "x", "op": 5}"#))
        XCTAssertEqual(number.id, "x")
        XCTAssertEqual(number.error.message, "field 'op' must be a string, not a number")

        let null = try XCTUnwrap(failure(#"{"id": "x", "op": null}"#))
        XCTAssertEqual(null.error.message, "field 'op' must be a string, not null")
    }
}
