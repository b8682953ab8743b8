/// Position announcements (`RoutingPolicy.announceEvery`): every so often, each
/// waiting call's place in line and estimated wait, for the PBX to play.
extension CallCenter {
    /// Arms (or, with the setting gone, disarms) the periodic announcements of
    /// waiting calls' places; the shell calls it at start and after a reload.
    public mutating func armAnnouncements(now: Instant) {
        guard let every = settings.routing.announceEvery, every > 0 else { announceNext = nil; return }
        if let next = announceNext, next <= now.adding(seconds: every) { return }
        announceNext = now.adding(seconds: every)
        deadlines.insert(Deadline(at: now.adding(seconds: every), kind: .announce))
    }

    /// Each waiting call's place in its queue's line and estimated wait, counted
    /// as `placeInLine` does (calls that overflowed in from other queues count
    /// where they stand), one walk of each line; a call is told its place in its
    /// own queue only.
    mutating func announcePositions(now: Instant) {
        for id in queues.keys.sorted() {
            for place in placesInLine(of: id, now: now) {
                effects.append(.position(call: place.call, queue: id, position: place.position, ewt: place.ewt))
            }
        }
    }
}
