import ArgumentParser

/// `name=value` arguments (`--skill billing=7`, `--attr language=fr`).
enum KeyValue {
    /// Splits `name=value` at the first `=`.
    static func split(_ text: String, option: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("\(option) wants name=value, got '\(text)'")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// `--skill` values as `{skill: level}`; levels are whole numbers.
    static func skills(_ values: [String]) throws -> [String: Any] {
        var skills: [String: Any] = [:]
        for text in values {
            let (skill, levelText) = try split(text, option: "--skill")
            guard let level = Int(levelText) else {
                throw ValidationError("--skill \(text): the level must be a whole number, as in \(skill)=5")
            }
            skills[skill] = level
        }
        return skills
    }

    /// `--attr` values as `{key: value}`, values as strings.
    static func attributes(_ values: [String]) throws -> [String: Any] {
        var attributes: [String: Any] = [:]
        for text in values {
            let (key, value) = try split(text, option: "--attr")
            attributes[key] = value
        }
        return attributes
    }
}
