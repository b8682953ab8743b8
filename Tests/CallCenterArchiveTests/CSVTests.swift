import CallCenterArchive
import XCTest

/// RFC 4180 reading and writing, as spreadsheets produce it.
final class CSVTests: XCTestCase {
    /// Quotes, doubled quotes, commas and line breaks inside cells; CRLF; a byte order mark.
    /// Rows are numbered as a spreadsheet shows them.
    func testQuotedCells() throws {
        let text = "\u{FEFF}id,notes\r\nC001,\"a, b\"\r\nC002,\"say \"\"hi\"\"\nnext line\"\r\n\r\nC003,\n"
        let rows = try CSV.rows(text)
        XCTAssertEqual(rows.map(\.cells), [["id", "notes"], ["C001", "a, b"], ["C002", "say \"hi\"\nnext line"], ["C003", ""]])
        XCTAssertEqual(rows.map(\.row), [1, 2, 3, 5], "a spreadsheet's rows: the blank line is row 4, C002's two lines one row")
    }

    /// Tab-separated files are recognised by their header.
    func testTabSeparated() throws {
        XCTAssertEqual(try CSV.parse("id\tcompany\nC001\tA, Inc.\n"), [["id", "company"], ["C001", "A, Inc."]])
    }

    /// Broken quoting is an error naming the row.
    func testBrokenQuotes() {
        XCTAssertThrowsError(try CSV.parse("id,notes\nC001,\"open")) { error in
            XCTAssertEqual((error as? CSV.ParseError)?.row, 2)
        }
        XCTAssertThrowsError(try CSV.parse("id,notes\nC001,ab\"c\n")) { error in
            XCTAssertEqual((error as? CSV.ParseError)?.row, 2)
        }
    }

    /// What `line` writes, `parse` reads back.
    func testRoundTrip() throws {
        let cells = ["C001", "a, b", "say \"hi\"", "two\r\nlines", "", " padded "]
        XCTAssertEqual(try CSV.parse(CSV.line(cells)), [cells])
    }
}
