import ArgumentParser
import CallCenterArchive
import Foundation

extension AgentCommand {
    /// `callctl agent import FILE.csv`: many `agent.upsert`s from a CSV file.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change agents from a CSV file (agent.upsert per row).",
            discussion: """
                Headers (any order): agent, seat, name, skills, languages, tiers. \
                skills is "billing:5;sales:3" (levels 1-10), languages "zh;yue", \
                tiers "high_value;potential". Every row is checked before anything is \
                sent: a file with a bad row changes nothing, and the error names the row \
                and the field. New agents' tokens are printed once.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The CSV file.")
        var file: String

        static let tiers = ["high_value", "potential", "stable", "risk"]

        /// The agent.upsert fields of every row, or the first bad row's error.
        static func rows(_ text: String) throws -> [[String: Any]] {
            let table: [(row: Int, cells: [String])]
            do { table = try CSV.rows(text) } catch { throw ValidationError("\(error)") }
            guard let header = table.first else { throw ValidationError("the file is empty: it needs a header row (agent, seat, …)") }
            let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let known = ["agent", "seat", "name", "skills", "languages", "tiers"]
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw ValidationError("row \(header.row): unknown column '\(unknown)'; columns are \(known.joined(separator: ", "))")
            }
            guard names.contains("agent") else { throw ValidationError("row \(header.row): the 'agent' column is missing") }
            var out: [[String: Any]] = []
            for (row, cells) in table.dropFirst() where !cells.allSatisfy({ $0.isEmpty }) {
                var value: [String: String] = [:]
                for (i, name) in names.enumerated() where i < cells.count { value[name] = cells[i].trimmingCharacters(in: .whitespaces) }
                guard let agent = value["agent"], !agent.isEmpty else { throw ValidationError("row \(row): agent: empty; every row needs an agent id") }
                var fields: [String: Any] = ["agent": agent]
                if let seat = value["seat"], !seat.isEmpty { fields["seat"] = seat }
                if let name = value["name"], !name.isEmpty { fields["name"] = name }
                if let text = value["skills"], !text.isEmpty {
                    var skills: [String: Any] = [:]
                    for item in text.split(separator: ";") {
                        let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        guard parts.count == 2, !parts[0].isEmpty, let level = Int(parts[1]), (1...10).contains(level) else {
                            throw ValidationError("row \(row): skills: '\(item)' is not skill:level with a level from 1 to 10 (e.g. billing:5)")
                        }
                        skills[parts[0]] = level
                    }
                    fields["skills"] = skills
                }
                if let text = value["languages"], !text.isEmpty {
                    fields["languages"] = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                }
                if let text = value["tiers"], !text.isEmpty {
                    let tiers = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    if let bad = tiers.first(where: { !Self.tiers.contains($0) }) {
                        throw ValidationError("row \(row): tiers: '\(bad)' is not one of \(Self.tiers.joined(separator: ", "))")
                    }
                    fields["tiers"] = tiers
                }
                out.append(fields)
            }
            return out
        }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(file) as UTF-8 text")
            }
            let rows = try Self.rows(text)
            try reportingErrors {
                let (connection, _) = try global.connect()
                defer { connection.close() }
                var saved = 0
                for fields in rows {
                    let result = try connection.call("agent.upsert", fields)
                    saved += 1
                    if let token = result["token"] as? String { print("agent \(fields["agent"]!) token: \(token)") }
                }
                print("\(saved) agents saved from \(file)")
            }
        }
    }
}
