import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Logging

/// The customer archive's part of the engine: the screen-pop lookup (any
/// thread) and the imports being staged (engine thread only).
final class ArchiveRuntime: @unchecked Sendable {
    let store: CallCenterStore
    let settings: ArchiveSettings
    let logger: Logger

    /// Rows of a `customer.import` sent with `more: true`, per session (engine thread only).
    var staged: [ObjectIdentifier: (session: Session, rows: [CustomerPatch])] = [:]
    /// Most rows one import may stage.
    static let maxStagedRows = 200_000

    init(store: CallCenterStore, settings: ArchiveSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// For a `call.offer`: reads `from`, looks the number up in the archive (a read
    /// beside the writer: routing never waits for it) and attaches the result to the
    /// request and to its journal payload (`"caller"`), so that replay sees what
    /// routing saw. An unreadable number (`anonymous`) matches nothing. Runs on the
    /// connection's event loop.
    func attachCaller(to request: inout Request) {
        guard request.op == Operation.callOffer.rawValue else { return }
        var caller: CallerInfo?
        if case let .string(from)? = request.fields["from"], let number = PhoneNumber(from, country: settings.country) {
            request.callerNumber = number.e164
            do {
                caller = try store.callerInfo(number: number.e164)
            } catch {
                logger.error("customer archive lookup failed: offering the call without a screen pop",
                             metadata: ["number": "\(settings.logged(from))", "error": "\(error)"])
            }
        }
        request.caller = caller
        // The line as received with "caller" added before its closing brace (the
        // line parsed as an object, so its last non-blank byte is "}"), built as
        // bytes: String's removeLast and + worked by grapheme, a tenth of the lookup.
        if let raw = request.raw, request.fields["caller"] == nil {
            let utf8 = raw.utf8
            var end = utf8.endIndex
            while end > utf8.startIndex {
                let before = utf8.index(before: end)
                guard [0x20, 0x09, 0x0D].contains(utf8[before]) else { break }
                end = before
            }
            if end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: "}") {
                var line: [UInt8] = []
                line.reserveCapacity(utf8.count + 256)
                line.append(contentsOf: utf8[..<utf8.index(before: end)])
                line.append(contentsOf: #","caller":"#.utf8)
                ArchiveEncoding.writeCallerInfo(caller, into: &line)
                line.append(UInt8(ascii: "}"))
                request.raw = String(decoding: line, as: UTF8.self)
                return
            }
        }
        var payload = request.fields.values
        payload["id"] = request.id
        payload["op"] = .string(request.op)
        payload["caller"] = ArchiveEncoding.callerInfo(caller)
        request.raw = JSONWriter.string(.object(payload))
    }

    /// Forgets what sessions that have closed were staging.
    func purgeClosedSessions() {
        staged = staged.filter { $0.value.session.isOpen }
    }
}
