import CallCenterCore

/// `CallerInfo` as the call log's `caller_info` column keeps it: the same JSON
/// `JSONEncoder` (sorted keys) writes and `JSONDecoder` reads back, written by
/// hand because it goes with every leg write of a known caller's call.
enum CallerInfoJSON {
    static func encode(_ c: CallerInfo) -> String {
        var out = "{"
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            if out.utf8.count > 1 { out += "," }
            out += "\"\(key)\":"
            string(value, into: &out)
        }
        field("accountManager", c.accountManager)
        field("company", c.company)
        field("customer", c.customer)
        out += (out.utf8.count > 1 ? "," : "") + "\"flags\":["
        for (i, flag) in c.flags.enumerated() {
            if i > 0 { out += "," }
            string(flag, into: &out)
        }
        out += "]"
        field("language", c.language)
        field("name", c.name)
        out += ",\"openComplaints\":\(c.openComplaints)"
        field("tier", c.tier?.rawValue)
        return out + "}"
    }

    static func string(_ s: String, into out: inout String) {
        out += "\""
        // Names and ids almost never need escaping: append them whole (appending
        // scalar by scalar was a fifth of what a known caller adds to a commit).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
