import Foundation

/// A `complaint.*` event as a person wants to read it, one line each:
///
///     19:40:01.123  complaint.step        CP-000001  C001 Zhang Wei (high_value)  solution  a1  SLA 1h 58m left
///
/// time, event, complaint, customer and tier, step, agent, time left to the SLA.
/// A `complaint.snapshot` is a header line and one indented line per open complaint.
struct ComplaintLine {
    var colored: Bool

    func render(_ event: [String: Any], now: Date = Date()) -> String {
        let name = event["event"] as? String ?? "?"
        let at = Format.date(event["at"]) ?? now
        let head = "\(paint(Format.clockWithMillis(at), "2"))  \(paint(name.padding(toLength: max(22, name.count), withPad: " ", startingAt: 0), color(name)))"
        guard name == "complaint.snapshot" else {
            return trimmed(head + " " + columns(event, at: at, agent: event["agent"]))
        }
        let open = event["complaints"] as? [[String: Any]] ?? []
        let lines = open.map { "    " + columns($0, at: at, agent: $0["held_by"]) + "  " + Format.token($0["summary"]) }
        return ([trimmed(head + " \(open.count) open")] + lines.map(trimmed)).joined(separator: "\n")
    }

    /// `CP-000001  C001 Zhang Wei (high_value)  solution  a1  SLA 1h 58m left`
    func columns(_ c: [String: Any], at: Date, agent: Any?) -> String {
        let id = (c["complaint"] as? String ?? "?").padding(toLength: 10, withPad: " ", startingAt: 0)
        var customer = (c["customer"] as? String) ?? "unknown caller"
        if let name = c["customer_name"] as? String { customer += " \(name)" }
        customer += " (\(c["tier"] as? String ?? "unknown"))"
        let step = (c["step"] as? String ?? "?").padding(toLength: 8, withPad: " ", startingAt: 0)
        let who = (agent as? String ?? "-").padding(toLength: 6, withPad: " ", startingAt: 0)
        return "\(id) \(customer)  \(step)  \(who)  \(sla(c, at: at))"
    }

    /// `SLA met`, `SLA breached 12m ago`, `SLA 1h 58m left` (coloured by urgency).
    func sla(_ c: [String: Any], at: Date) -> String {
        if c["sla_met"] as? Bool == true { return paint("SLA met", "32") }
        guard let due = Format.date(c["sla_due"]) else { return "SLA -" }
        let left = due.timeIntervalSince(at)
        if c["breached"] as? Bool == true || left <= 0 {
            return paint("SLA breached \(Format.duration(max(0, -left).rounded())) ago", "31")
        }
        if c["step"] as? String == "action" || c["step"] as? String == "thanks" { return paint("SLA met", "32") }
        return paint("SLA \(Format.duration(left.rounded())) left", left < 1800 ? "33" : nil)
    }

    func color(_ name: String) -> String? {
        switch name {
        case "complaint.sla_breached": return "31"
        case "complaint.closed": return "32"
        default: return "33"
        }
    }

    private func trimmed(_ line: String) -> String {
        var line = line
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    private func paint(_ text: String, _ code: String?) -> String {
        guard colored, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
