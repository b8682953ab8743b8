import ArgumentParser
import CallCenterArchive
import Foundation

/// A customer CSV file on this side of the socket: read and checked before
/// anything is sent, and records written back in the same shape.
enum CustomerFile {
    /// EX_DATAERR: the file is not a valid customer file.
    static let badFile = ExitCode(65)

    /// The file's columns and data rows, every row checked (phone numbers are
    /// checked again by the daemon, in its configured country).
    static func read(_ path: String) throws -> (CustomerTable, [(row: Int, cells: [String])]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): cannot read the file (does it exist and is it readable?)")
            throw badFile
        }
        guard let text = String(data: data, encoding: .utf8) else {
            printError("\(path): the file is not UTF-8 text; save it as \"CSV UTF-8\" and try again")
            throw badFile
        }
        do {
            let records = try CSV.rows(text)
            guard let header = records.first else {
                printError("\(path): the file is empty; it needs a header row (客户编号, 单位名称, … or id, company, …)")
                throw badFile
            }
            let table = try CustomerTable(header: header.cells)
            let rows = Array(records.dropFirst())
            for row in rows {
                _ = try table.patch(row.cells, row: row.row)  // phone numbers: the daemon reads them in its country
            }
            return (table, rows)
        } catch let error as CSV.ParseError {
            printError("\(path): \(error)")
            throw badFile
        } catch let error as FieldError {
            printError("\(path): \(error)")
            throw badFile
        }
    }

    /// A row as `customer.import` takes it: field → cell (null for an empty cell), and its row number.
    static func json(_ table: CustomerTable, _ row: (row: Int, cells: [String])) -> [String: Any] {
        var object: [String: Any] = ["row": row.row]
        for (field, input) in table.inputs(row.cells) {
            if case let .text(text) = input, !text.trimmingCharacters(in: .whitespaces).isEmpty {
                object[field.rawValue] = text
            } else {
                object[field.rawValue] = NSNull()
            }
        }
        return object
    }

    /// A record from `customer.export` as CSV cells, in `CustomerTable.exportFields` order.
    static func exportCells(_ c: [String: Any]) -> [String] {
        func text(_ v: Any?) -> String {
            switch v {
            case nil, is NSNull: return ""
            case let list as [Any]: return list.map { text($0) }.joined(separator: ";")
            default: return Format.value(v)
            }
        }
        let scores = c["scores"] as? [String: Any] ?? [:]
        var cells = CustomerTable.exportFields.map { field -> String in
            switch field {
            case .rScore: return text(scores["r"])
            case .fScore: return text(scores["f"])
            case .mScore: return text(scores["m"])
            case .customScore: return text(scores["custom"])
            case .tier: return c["tier_source"] as? String == "manual" ? text(c["tier"]) : ""
            default: return text(c[field.rawValue])
            }
        }
        cells.append(text(scores["composite"]))
        cells.append(text((c["grade"] as? [String: Any])?["tier"]))
        return cells
    }
}
