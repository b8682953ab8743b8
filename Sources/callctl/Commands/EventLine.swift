import Foundation

/// One pushed event as a line: `18:05:00.123  call.queued     call=c1 from=138****1111 queue=general`.
struct EventLine {
    /// Wrap the parts in ANSI colours.
    var colored: Bool

    /// Fields shown first, in this order; the rest follow sorted by name.
    static let leadingFields = [
        "call", "complaint", "agent", "name", "from", "to", "customer", "queue", "state", "previous",
        "reason", "step", "seat", "position", "priority", "ewt", "wait", "by", "cause", "outcome", "flags",
    ]

    /// Colour only for a terminal, and never with `NO_COLOR` set (https://no-color.org) or `TERM=dumb`.
    static func shouldColor(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) == 1
    }

    /// The event's line; a `complaint.snapshot` gets one more indented line per complaint.
    func render(_ event: [String: Any], now: Date = Date()) -> String {
        if (event["event"] as? String)?.hasPrefix("complaint.") == true {
            return ComplaintLine(colored: colored).render(event, now: now)
        }
        guard event["event"] as? String == "complaint.snapshot",
              let complaints = event["complaints"] as? [[String: Any]] else {
            return line(event, now: now)
        }
        var header = event
        header["complaints"] = nil
        header["open"] = complaints.count
        let detail = complaints.map { "    " + EventLine.fields($0, skipping: [], leading: ["complaint"]) }
        return ([line(header, now: now)] + detail).joined(separator: "\n")
    }

    private func line(_ event: [String: Any], now: Date) -> String {
        let name = event["event"] as? String ?? "?"
        let at = Format.date(event["at"])
        let time = Format.clockWithMillis(at ?? now)
        var skip: Set<String> = ["event", "seq"]
        if at != nil { skip.insert("at") }
        let fields = EventLine.fields(event, skipping: skip, leading: name.hasPrefix("complaint.") ? ["complaint"] : [])
        let paddedName = name.padding(toLength: max(15, name.count), withPad: " ", startingAt: 0)
        let line = "\(paint(time, "2"))  \(paint(paddedName, EventLine.color(for: name))) \(fields)"
        return line.hasSuffix(" ") ? String(line.dropLast()) : line
    }

    /// `key=value` pairs, leading fields first.
    static func fields(_ object: [String: Any], skipping: Set<String>, leading: [String] = []) -> String {
        Format.orderedKeys(object, first: leading + leadingFields, skipping: skipping)
            .map { "\($0)=\(Format.token(object[$0]))" }
            .joined(separator: " ")
    }

    /// The ANSI colour of an event family: failures red, then call cyan, agent green, complaint yellow.
    static func color(for name: String) -> String? {
        if name.contains("breach") || name == "overflow" || name.contains("rejected") { return "31" }
        if name.hasPrefix("call.") { return "36" }
        if name.hasPrefix("agent.") { return "32" }
        if name.hasPrefix("complaint.") { return "33" }
        return nil
    }

    private func paint(_ text: String, _ code: String?) -> String {
        guard colored, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
