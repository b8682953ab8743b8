import Foundation

/// One line received from the daemon.
///
/// `body` is always the whole decoded object, so a reply's `result` or `error`
/// and an event's fields (`seq`, `at`, …) are all reachable from it.
public enum Message {
    /// An answer to a request (`{"id":…, "ok":…, …}`). A numeric `id` is given as its
    /// decimal text; a reply without an id (to a line the daemon could not parse) has `""`.
    case reply(id: String, ok: Bool, body: [String: Any])
    /// A pushed event (`{"event":…, "seq":…, …}`).
    case event(name: String, body: [String: Any])

    /// The whole decoded object.
    public var body: [String: Any] {
        switch self {
        case .reply(_, _, let body), .event(_, let body): return body
        }
    }

    /// Classifies a decoded object; `nil` if it is neither a reply nor an event.
    init?(object: [String: Any]) {
        if let name = object["event"] as? String {
            self = .event(name: name, body: object)
        } else if let ok = object["ok"] as? Bool {
            self = .reply(id: Message.idText(object["id"]), ok: ok, body: object)
        } else {
            return nil
        }
    }

    /// The text form of a reply id: strings as they are, numbers in decimal, anything else `""`.
    static func idText(_ id: Any?) -> String {
        switch id {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return ""
        }
    }
}
