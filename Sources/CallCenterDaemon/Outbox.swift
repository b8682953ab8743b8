import CallCenterWire

/// What one engine pass will send, in order, once its journal entries are committed.
struct Outbox {
    struct Item {
        var session: Session
        var bytes: [UInt8]
        /// 1 for a reply (back-pressure accounting), 0 for a pushed event.
        var replies: Int
        /// For the `ok` reply to a change: its request id, to answer `unavailable`
        /// instead if the commit fails.
        var changeID: JSONValue?
        /// A pushed event caused by a change: dropped if the commit fails.
        var causedByChange: Bool
        var closeAfter: Bool
        /// A line that must reach a PBX (a route, its cancel, a timeout), shared by
        /// the sessions it is given to: if the session cannot take it, it goes back
        /// to the engine (`Delivery.kept`). Nil: an ordinary event.
        var keep: KeptLine?
        /// A report's place in the session's output (`calls.report`): what follows
        /// `startHold` waits in the session until `release` brings the report's reply.
        var hold: Hold = .none
    }

    enum Hold { case none, start, release }

    private(set) var items: [Item] = []
    /// What a subscriber's held output may grow to before the session is treated as
    /// overflowed (`Engine.heldLimit`, from `[daemon] max_output_bytes`).
    var heldLimit = 16 * 1024 * 1024

    /// From here on, the session's output waits for `release` (a report has started).
    mutating func startHold(_ session: Session) {
        items.append(Item(session: session, bytes: [], replies: 0, changeID: nil, causedByChange: false, closeAfter: false, hold: .start))
    }

    /// The report's reply: sent with all that the session was held back from.
    mutating func release(_ session: Session, reply bytes: [UInt8]) {
        items.append(Item(session: session, bytes: bytes, replies: 1, changeID: nil, causedByChange: false, closeAfter: false, hold: .release))
    }

    mutating func reply(_ session: Session, _ bytes: [UInt8], change id: JSONValue? = nil) {
        items.append(Item(session: session, bytes: bytes, replies: 1, changeID: id, causedByChange: false, closeAfter: false))
    }

    /// `keep`: a line for a PBX that must not be lost, the same object for every session it is given to (see `Item.keep`).
    mutating func event(_ session: Session, _ bytes: [UInt8], causedByChange: Bool = true, keep: KeptLine? = nil) {
        items.append(Item(session: session, bytes: bytes, replies: 0, changeID: nil, causedByChange: causedByChange, closeAfter: false, keep: keep))
    }

    /// Closes the session after what is queued for it; `causedByChange`: not if the commit fails.
    mutating func close(_ session: Session, causedByChange: Bool = false) {
        items.append(Item(session: session, bytes: [], replies: 0, changeID: nil, causedByChange: causedByChange, closeAfter: true))
    }

    /// The commit failed: changes become `unavailable`, their events vanish.
    mutating func failUncommitted() {
        let error = WireError(.unavailable, "the change could not be saved to the database, so it was not accepted; retry, and check the daemon's log")
        items = items.compactMap { item in
            if item.causedByChange { return nil }
            var item = item
            if let id = item.changeID { item.bytes = Encode.error(id: id, error) }
            return item
        }
    }

    /// Hands each session its bytes in one write, in order; a session behind a
    /// running report keeps them (`Session.heldOutput`) until its reply.
    /// Returns the lines to keep that found their session closed or closing, with
    /// that session: the engine gives them to another PBX (they are committed by now).
    mutating func send() -> [(line: KeptLine, from: Session)] {
        guard !items.isEmpty else { return [] }
        var order: [Session] = []
        var pending: [Session: Delivery] = [:]
        var orphans: [(line: KeptLine, from: Session)] = []
        func orphan(_ lines: [KeptLine], of session: Session) {
            orphans += lines.map { ($0, session) }
        }
        func add(_ session: Session, _ d: Delivery) {
            // Nothing after a close: a session closed for a replaced token or a removed
            // agent hears no later event of the pass (a screen pop among them).
            if pending[session]?.close == true {
                orphan(d.kept, of: session)
                return
            }
            if pending[session] == nil {
                order.append(session)
                pending[session] = Delivery()
            }
            pending[session]!.append(d)
        }
        for item in items {
            let session = item.session
            let d = Delivery(item)
            switch item.hold {
            case .start:
                session.heldOutput = Delivery()
            case .release:
                var held = session.heldOutput ?? Delivery()
                session.heldOutput = nil
                held.bytes = item.bytes + held.bytes
                held.replies += item.replies
                add(session, held)
            case .none:
                guard session.isOpen || item.replies > 0 else {
                    orphan(d.kept, of: session)
                    continue
                }
                guard var held = session.heldOutput else {
                    add(session, d)
                    continue
                }
                guard !held.close else {  // closing, or overflowed: nothing more
                    orphan(d.kept, of: session)
                    continue
                }
                held.append(d)
                if held.bytes.count > heldLimit && !session.topics.isEmpty {
                    // A subscriber's events piled up behind a long report: overflow, as a slow reader would.
                    held.bytes = Array("{\"event\":\"overflow\"}\n".utf8)
                    held.close = true
                    orphan(held.kept, of: session)
                    held.kept = []
                }
                session.heldOutput = held
            }
        }
        items = []
        for session in order {
            guard var d = pending[session] else { continue }
            d.subscriber = !session.topics.isEmpty
            if !d.isEmpty { session.deliver(d) }
        }
        return orphans
    }
}

/// What one session is handed at once (`Session.deliver`).
struct Delivery: Sendable {
    var bytes: [UInt8] = []
    /// Replies among the bytes (back-pressure accounting); the rest are pushed events.
    var replies = 0
    /// The lines among the bytes that must reach a PBX: handed back to the engine
    /// (`Engine.Submission.undelivered`) if the connection cannot take them.
    var kept: [KeptLine] = []
    /// Close the connection once the bytes are written.
    var close = false
    /// The session subscribes to topics: any output past the bound overflows it
    /// (another session overflows only on events it did not ask for).
    var subscriber = false

    init() {}

    init(_ item: Outbox.Item) {
        bytes = item.bytes
        replies = item.replies
        kept = item.keep.map { [$0] } ?? []
        close = item.closeAfter
    }

    mutating func append(_ other: Delivery) {
        bytes += other.bytes
        replies += other.replies
        kept += other.kept
        if other.close { close = true }
    }

    var isEmpty: Bool { bytes.isEmpty && replies == 0 && !close }
}

/// A line that must reach one PBX (a route), and the sessions it was given to at
/// once (one object for all their copies). Each copy is either written or handed
/// back; the engine sends the line on once every copy came back, and only then.
final class KeptLine: @unchecked Sendable {
    let bytes: [UInt8]
    let recipients: [Session]
    /// Recipients whose copy came back (engine thread only).
    var handedBack: Set<ObjectIdentifier> = []

    init(bytes: [UInt8], recipients: [Session]) {
        self.bytes = bytes
        self.recipients = recipients
    }

    /// Sent on already (a copy that comes back late changes nothing).
    private var sentOn = false

    /// Records that `session`'s copy came back; true, once, when no copy is left out.
    func cameBack(from session: Session) -> Bool {
        handedBack.insert(ObjectIdentifier(session))
        guard !sentOn, recipients.allSatisfy({ handedBack.contains(ObjectIdentifier($0)) }) else { return false }
        sentOn = true
        return true
    }
}
