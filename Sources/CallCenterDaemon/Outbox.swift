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
    }

    private(set) var items: [Item] = []

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

    /// Hands each session its bytes in one write, in order.
    mutating func send() {
        guard !items.isEmpty else { return }
        var order: [Session] = []
        var pending: [Session: (bytes: [UInt8], replies: Int, close: Bool)] = [:]
        for item in items where item.session.isOpen || item.replies > 0 {
            if pending[item.session] == nil {
                order.append(item.session)
                pending[item.session] = ([], 0, false)
            }
            pending[item.session]!.bytes.append(contentsOf: item.bytes)
            pending[item.session]!.replies += item.replies
            if item.closeAfter { pending[item.session]!.close = true }
        }
        items = []
        for session in order {
            guard let p = pending[session] else { continue }
            if var held = session.heldOutput {  // behind a report still running: in order, after its reply
                held.bytes += p.bytes
                held.replies += p.replies
                held.close = held.close || p.close
                session.heldOutput = held
                continue
            }
            let bounded = !session.topics.isEmpty
            if !p.bytes.isEmpty || p.replies > 0 { session.deliver(p.bytes, p.replies, bounded) }
            if p.close { session.deliver([], 0, bounded) }
        }
    }
}
