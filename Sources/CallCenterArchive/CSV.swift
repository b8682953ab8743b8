/// Comma-separated values as spreadsheets write them (RFC 4180): quoted fields
/// may hold commas, quotes (doubled) and line breaks; CRLF or LF; a UTF-8 byte
/// order mark is skipped. A file whose first line has tabs and no commas is read
/// as tab-separated.
public enum CSV {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var row: Int
        public var message: String
        public var description: String { "row \(row): \(message)" }
    }

    /// The records of `text`, each a list of cells; blank lines are skipped.
    /// Record `i` of the result is row `i + 1` as a spreadsheet numbers it
    /// (unless blank lines come before it: see `rows`).
    public static func parse(_ text: String) throws(ParseError) -> [[String]] {
        try rows(text).map(\.cells)
    }

    /// The records of `text` with their row numbers as a spreadsheet shows them
    /// (1-based): a blank line is a row, a line break inside a quoted cell is not.
    public static func rows(_ text: String) throws(ParseError) -> [(row: Int, cells: [String])] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        let firstLine = scalars.prefix { $0 != "\n" && $0 != "\r" }
        let separator: Unicode.Scalar = firstLine.contains("\t") && !firstLine.contains(",") ? "\t" : ","

        var out: [(row: Int, cells: [String])] = []
        var cells: [String] = []
        var cell = String.UnicodeScalarView()
        var quoted = false, afterQuote = false, recordHasContent = false
        var row = 1, recordRow = 1
        var i = scalars.startIndex

        func endCell() {
            cells.append(String(cell))
            cell = String.UnicodeScalarView()
            afterQuote = false
        }
        func endRecord() {
            endCell()
            if recordHasContent || cells.count > 1 || !(cells.first?.isEmpty ?? true) { out.append((recordRow, cells)) }
            cells = []
            recordHasContent = false
        }

        while i < scalars.endIndex {
            let c = scalars[i]
            i = scalars.index(after: i)
            if quoted {
                if c == "\"" {
                    if i < scalars.endIndex && scalars[i] == "\"" {
                        cell.append("\"")
                        i = scalars.index(after: i)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    cell.append(c)  // a line break in a quoted cell stays in the row, as a spreadsheet shows it
                }
                continue
            }
            switch c {
            case "\"":
                guard cell.isEmpty, !afterQuote else {
                    throw ParseError(row: row, message: "a quote inside an unquoted cell: quote the whole cell and double its quotes (\"\"like this\"\")")
                }
                quoted = true
                recordHasContent = true
            case separator:
                endCell()
                recordHasContent = true
            case "\r", "\n":
                if c == "\r", i < scalars.endIndex, scalars[i] == "\n" { i = scalars.index(after: i) }
                endRecord()
                row += 1
                recordRow = row
            default:
                guard !afterQuote else {
                    throw ParseError(row: row, message: "text after a closing quote: a quoted cell must end at the separator or the line's end")
                }
                cell.append(c)
            }
        }
        if quoted { throw ParseError(row: recordRow, message: "a quoted cell is never closed (a missing \")") }
        endRecord()
        return out
    }

    /// One record as a line (with `\r\n`, as RFC 4180 has it): cells holding the
    /// separator, quotes or line breaks are quoted.
    public static func line(_ cells: [String]) -> String {
        cells.map { cell in
            if cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || cell.hasPrefix(" ") || cell.hasSuffix(" ") {
                return "\"" + cell.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",") + "\r\n"
    }
}
