import ArgumentParser
import CallCenterArchive
import CallCenterClient
import Foundation

/// `callctl customers …`: the customer archive in bulk (CSV import and export, regrading).
struct Customers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import, export and regrade the customer archive.",
        subcommands: [Import.self, Export.self, Regrade.self])

    /// `callctl customers import FILE.csv` → `customer.import`, in one transaction.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import customers from a CSV file (seed 004's template 1, Chinese or English headers).",
            discussion: """
                Rows are upserted by id: the columns in the file replace the stored values (an empty \
                cell clears a field), columns not in the file are kept. The whole file is one \
                transaction: a file with a bad row changes nothing, and the error names the row \
                (the header is row 1) and the column. Large files go in several requests that the \
                daemon stages and commits together.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file (UTF-8).") var file: String
        @Flag(help: "Check the file here and send nothing.") var dryRun = false
        @Option(help: ArgumentHelp("Bytes of JSON per request (stay under the daemon's max_line_bytes).", valueName: "n"))
        var chunkBytes = 48_000

        func run() throws {
            let (table, rows) = try CustomerFile.read(file)
            if dryRun {
                return print("\(file): \(rows.count) rows, columns \(table.headers.joined(separator: ", ")): ok (nothing sent)")
            }
            try reportingErrors {
                let (connection, _) = try global.connect(timeout: 120)
                defer { connection.close() }
                var chunk: [[String: Any]] = []
                var bytes = 0
                var result: [String: Any] = [:]
                for (index, row) in rows.enumerated() {
                    let object = CustomerFile.json(table, row)
                    chunk.append(object)
                    bytes += (try? JSONSerialization.data(withJSONObject: object).count) ?? 200
                    let last = index == rows.count - 1
                    if last || bytes >= chunkBytes {
                        result = try connection.call("customer.import", ["rows": chunk, "more": !last])
                        chunk = []
                        bytes = 0
                    }
                }
                if rows.isEmpty { result = try connection.call("customer.import", ["rows": [[String: Any]]()]) }
                if global.json { return printJSON(result) }
                print("\(file): imported \(Format.value(result["imported"])) customers "
                    + "(\(Format.value(result["created"])) new, \(Format.value(result["updated"])) updated) from \(rows.count) rows")
            }
        }
    }

    /// `callctl customers export` → `customer.export`, page by page.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every customer as CSV, in the shape import reads.",
            discussion: """
                Chinese headers (seed 004's template 1, then 联系电话, the scores and the other \
                fields) unless --english. The tier column holds only tiers set by hand; the graded \
                tier and the composite score come last, and import skips them. Every page read is \
                written to the audit log.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?
        @Flag(help: "English headers (id, company, …) instead of Chinese.") var english = false
        @Flag(help: "Start with a UTF-8 byte order mark, for spreadsheet programs.") var bom = false

        func run() throws {
            // A file that cannot be written is found out before any record is read (and audited).
            if let output, !FileManager.default.createFile(atPath: output, contents: nil) {
                printError("\(output): cannot write the file (does its directory exist, and may you write there?)")
                throw CustomerFile.badFile
            }
            var text = (bom ? "\u{FEFF}" : "") + CSV.line(CustomerTable.exportHeader(chinese: !english))
            var count = 0
            try reportingErrors {
                let (connection, _) = try global.connect(timeout: 60)
                defer { connection.close() }
                var after: String?
                repeat {
                    var fields: [String: Any] = ["limit": 1000]
                    if let after { fields["after"] = after }
                    let page = try connection.call("customer.export", fields)
                    for customer in page["customers"] as? [[String: Any]] ?? [] {
                        text += CSV.line(CustomerFile.exportCells(customer))
                        count += 1
                    }
                    after = page["next"] as? String
                } while after != nil
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    printError("\(output): cannot write the file (does its directory exist, and may you write there?)")
                    throw CustomerFile.badFile
                }
                printError("\(count) customers written to \(output)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// `callctl customers regrade` → `customer.regrade`, page by page.
    struct Regrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute scores from cooperation records and tiers by the configured rules.",
            discussion: """
                For customers with cooperation records: R from the months since the last \
                cooperation (100 − 10 per month, 0 after 6 months), F from the count and M from the \
                amount of the last 12 months (see docs/archive.md for the scale). Others keep their \
                imported scores. Every customer's tier is graded again, except tiers set by hand.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Grade as of this date (default: today).", valueName: "YYYY-MM-DD")) var asOf: String?

        func validate() throws {
            if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date like 2023-11-20") }
        }

        func run() throws {
            try reportingErrors {
                let (connection, _) = try global.connect(timeout: 60)
                defer { connection.close() }
                var after: String?
                var totals = (regraded: 0, fromRecords: 0, changed: 0)
                var asOfUsed = asOf ?? ""
                repeat {
                    var fields: [String: Any] = ["limit": 1000]
                    if let after { fields["after"] = after }
                    if let asOf { fields["as_of"] = asOf }
                    let page = try connection.call("customer.regrade", fields)
                    totals.regraded += Format.int(page["regraded"]) ?? 0
                    totals.fromRecords += Format.int(page["from_records"]) ?? 0
                    totals.changed += Format.int(page["changed"]) ?? 0
                    asOfUsed = page["as_of"] as? String ?? asOfUsed
                    after = page["next"] as? String
                } while after != nil
                if global.json {
                    return printJSON(["regraded": totals.regraded, "from_records": totals.fromRecords, "changed": totals.changed, "as_of": asOfUsed])
                }
                print("regraded \(totals.regraded) customers as of \(asOfUsed): \(totals.fromRecords) from cooperation records, \(totals.changed) changed")
            }
        }
    }
}
