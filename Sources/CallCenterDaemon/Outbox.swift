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

    mutating func event(_ session: Session, _ bytes: [UInt8], causedByChange: Bool = true) {
        items.append(Item(session: session, bytes: bytes, replies: 0, changeID: nil, causedByChange: causedByChange, closeAfter: false))
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
    mutating func send() {
        guard !items.isEmpty else { return }
        var order: [Session] = []
        var pending: [Session: (bytes: [UInt8], replies: Int, close: Bool)] = [:]
        func add(_ session: Session, _ bytes: [UInt8], _ replies: Int, _ close: Bool) {
            // Nothing after a close: a session closed for a replaced token or a removed
            // agent hears no later event of the pass (a screen pop among them).
            if pending[session]?.close == true { return }
            if pending[session] == nil {
                order.append(session)
                pending[session] = ([], 0, false)
            }
            pending[session]!.bytes.append(contentsOf: bytes)
            pending[session]!.replies += replies
            if close { pending[session]!.close = true }
        }
        for item in items {
            let session = item.session
            switch item.hold {
            case .start:
                session.heldOutput = ([], 0, false)
            case .release:
                let held = session.heldOutput ?? ([], 0, false)
                session.heldOutput = nil
                add(session, item.bytes + held.bytes, item.replies + held.replies, held.close)
            case .none:
                guard session.isOpen || item.replies > 0 else { continue }
                guard var held = session.heldOutput else {
                    add(session, item.bytes, item.replies, item.closeAfter)
                    continue
                }
                guard !held.close else { continue }  // closing, or overflowed: nothing more
                held.bytes += item.bytes
                held.replies += item.replies
                held.close = item.closeAfter
                if held.bytes.count > heldLimit && !session.topics.isEmpty {
                    // A subscriber's events piled up behind a long report: overflow, as a slow reader would.
                    held.bytes = Array("{\"event\":\"overflow\"}\n".utf8)
                    held.close = true
                }
                session.heldOutput = held
            }
        }
        items = []
        for session in order {
            guard let p = pending[session] else { continue }
            let bounded = !session.topics.isEmpty
            if !p.bytes.isEmpty || p.replies > 0 { session.deliver(p.bytes, p.replies, bounded) }
            if p.close { session.deliver([], 0, bounded) }
        }
    }
}
