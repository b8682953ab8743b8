import CallCenterArchive
import CallCenterWire

extension ConfigParser {
    /// `[archive]`: `country` (how national numbers read), `mask_numbers`, and
    /// `[archive.grading]` (weights and tier thresholds).
    func parseArchive(_ reader: Reader, into config: inout DaemonConfig) throws {
        guard let archive = try reader.table("archive") else { return }
        try archive.onlyKeys(["country", "mask_numbers", "grading"])
        if let code = try archive.string("country") {
            guard let country = PhoneCountry(code: code) else {
                throw archive.error("country", "expected one of \(PhoneCountry.known.map { "\"\($0.code)\"" }.joined(separator: ", ")), got \"\(code)\"")
            }
            config.archive.country = country
        }
        if let v = archive.entries["mask_numbers"] {
            guard let b = v.boolValue else { throw archive.error("mask_numbers", "expected true or false, got \(v.typeDescription)") }
            config.archive.maskNumbers = b
        }
        guard let grading = try archive.table("grading") else { return }
        try grading.onlyKeys(["weights", "high_value_min", "risk_recency_below", "risk_composite_below", "potential_any_min"])
        var rules = config.archive.grading
        if let weights = try grading.table("weights") {
            try weights.onlyKeys(["r", "f", "m", "custom"])
            if let v = try weights.score("r", max: 1000) { rules.weights.r = v }
            if let v = try weights.score("f", max: 1000) { rules.weights.f = v }
            if let v = try weights.score("m", max: 1000) { rules.weights.m = v }
            if let v = try weights.score("custom", max: 1000) { rules.weights.custom = v }
        }
        if let v = try grading.score("high_value_min") { rules.highValueMin = v }
        if let v = try grading.score("risk_recency_below") { rules.riskRecencyBelow = v }
        if let v = try grading.score("risk_composite_below") { rules.riskCompositeBelow = v }
        if let v = try grading.score("potential_any_min") { rules.potentialAnyMin = v }
        if let problem = rules.validate() { throw grading.error("weights", problem) }
        config.archive.grading = rules
    }
}

extension ConfigParser.Reader {
    /// A number from 0 to `max` (scores: 100).
    func score(_ name: String, max: Double = 100) throws -> Double? {
        guard let v = entries[name] else { return nil }
        guard let d = v.doubleValue, d >= 0, d <= max else {
            throw error(name, "expected a number from 0 to \(Int(max)), got \(JSONWriter.string(v))")
        }
        return d
    }
}
