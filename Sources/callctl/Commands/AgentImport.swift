import ArgumentParser
import CallCenterArchive
import CallCenterClient
import Foundation

extension AgentCommand {
    /// `callctl agent import FILE.csv`: many `agent.upsert`s from a CSV file.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change agents from a CSV file (agent.upsert per row).",
            discussion: """
                Headers (any order): agent, seat, name, skills, languages, tiers. \
                skills is "billing:5;sales:3" (levels 1-10), languages "zh;yue", \
                tiers "high_value;potential". An empty cell keeps the agent's stored \
                value; "-" clears skills, languages or tiers (no tiers: every tier). \
                Every row is checked before anything is sent: a file with a bad row \
                changes nothing, the error names the row and the field, and callctl \
                exits 65. New agents' tokens are printed once.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The CSV file.")
        var file: String

        static let tiers = ["high_value", "potential", "stable", "risk"]

        /// What is wrong with the file (reported as `callctl: FILE: …`, exit 65, like `customers import`).
        struct FileError: Error, CustomStringConvertible {
            var description: String
            init(_ description: String) { self.description = description }
        }

        /// The agent.upsert fields of every row, or the first bad row's error.
        static func rows(_ text: String) throws -> [[String: Any]] {
            let table: [(row: Int, cells: [String])]
            do { table = try CSV.rows(text) } catch { throw FileError("\(error)") }
            guard let header = table.first else { throw FileError("the file is empty: it needs a header row (agent, seat, …)") }
            let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let known = ["agent", "seat", "name", "skills", "languages", "tiers"]
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw FileError("row \(header.row): unknown column '\(unknown)'; columns are \(known.joined(separator: ", "))")
            }
            guard names.contains("agent") else { throw FileError("row \(header.row): the 'agent' column is missing") }
            var out: [[String: Any]] = []
            for (row, cells) in table.dropFirst() where !cells.allSatisfy({ $0.isEmpty }) {
                var value: [String: String] = [:]
                for (i, name) in names.enumerated() where i < cells.count { value[name] = cells[i].trimmingCharacters(in: .whitespaces) }
                guard let agent = value["agent"], !agent.isEmpty else { throw FileError("row \(row), field 'agent': empty; every row needs an agent id") }
                var fields: [String: Any] = ["agent": agent]
                if let seat = value["seat"], !seat.isEmpty { fields["seat"] = seat }
                if let name = value["name"], !name.isEmpty { fields["name"] = name }
                // An empty cell keeps what the agent has; "-" clears the list.
                if value["skills"] == "-" { fields["skills"] = [String: Any]() }
                if let text = value["skills"], !text.isEmpty, text != "-" {
                    var skills: [String: Any] = [:]
                    for item in text.split(separator: ";") {
                        let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        guard parts.count == 2, !parts[0].isEmpty, let level = Int(parts[1]), (1...10).contains(level) else {
                            throw FileError("row \(row), field 'skills': '\(item)' is not skill:level with a level from 1 to 10 (e.g. billing:5), or - to clear")
                        }
                        skills[parts[0]] = level
                    }
                    fields["skills"] = skills
                }
                if value["languages"] == "-" { fields["languages"] = [String]() }
                if let text = value["languages"], !text.isEmpty, text != "-" {
                    fields["languages"] = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                }
                if value["tiers"] == "-" { fields["tiers"] = [String]() }
                if let text = value["tiers"], !text.isEmpty, text != "-" {
                    let tiers = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    if let bad = tiers.first(where: { !Self.tiers.contains($0) }) {
                        throw FileError("row \(row), field 'tiers': '\(bad)' is not one of \(Self.tiers.joined(separator: ", ")), or - to clear")
                    }
                    fields["tiers"] = tiers
                }
                out.append(fields)
            }
            return out
        }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                printError("\(file): cannot read the file as UTF-8 text (does it exist and is it readable?)")
                throw CustomerFile.badFile
            }
            let rows: [[String: Any]]
            do { rows = try Self.rows(text) } catch let error as FileError {
                printError("\(file): \(error)")
                throw CustomerFile.badFile
            }
            try reportingErrors {
                let (connection, _) = try global.connect()
                defer { connection.close() }
                var saved = 0
                for fields in rows {
                    let result: [String: Any]
                    do { result = try connection.call("agent.upsert", fields) } catch let error as RemoteError {
                        // The rows before were saved (their tokens printed): say so, and which row stopped it.
                        throw RemoteError(code: error.code, message: "agent '\(fields["agent"]!)': \(error.message) (the \(saved) row\(saved == 1 ? "" : "s") before it \(saved == 1 ? "was" : "were") saved; import the rest again once it is fixed)")
                    }
                    saved += 1
                    if let token = result["token"] as? String { print("agent \(fields["agent"]!) token: \(token)") }
                }
                print("\(saved) agents saved from \(file)")
            }
        }
    }
}
