import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Chooses where the process logs: the journal (structured fields) when systemd
/// connected stderr to it, readable lines on stderr otherwise.
public enum SystemdLogging: Sendable {
    /// Where ``bootstrap(label:level:metadataProvider:)`` sends log records.
    public enum Destination: Sendable, Equatable {
        /// ``JournaldLogHandler``: `sd_journal_sendv`, one field per metadata key.
        case journal
        /// ``StderrLogHandler``: one readable line per record.
        case stderr
    }

    /// The destination chosen by the first bootstrap, if any.
    private static let chosen = Mutex<Destination?>(nil)

    /// Bootstraps swift-log once for the whole process.
    ///
    /// Later calls change nothing and return the destination chosen first
    /// (`LoggingSystem.bootstrap` itself must not run twice).
    ///
    /// - Parameters:
    ///   - label: The program name: the journal's `SYSLOG_IDENTIFIER` for every logger.
    ///   - level: The level every new logger starts with.
    ///   - metadataProvider: Contextual metadata added to every record.
    /// - Returns: Where records go.
    @discardableResult
    public static func bootstrap(
        label: String,
        level: Logger.Level,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> Destination {
        chosen.withLock { chosen in
            if let chosen { return chosen }
            let destination: Destination = stderrIsJournal() ? .journal : .stderr
            LoggingSystem.bootstrap(
                { loggerLabel, provider in
                    switch destination {
                    case .journal:
                        var handler = JournaldLogHandler(label: loggerLabel, identifier: label, metadataProvider: provider)
                        handler.logLevel = level
                        return handler
                    case .stderr:
                        var handler = StderrLogHandler(label: loggerLabel, metadataProvider: provider)
                        handler.logLevel = level
                        return handler
                    }
                },
                metadataProvider: metadataProvider
            )
            chosen = destination
            return destination
        }
    }

    // MARK: - Detecting the journal

    /// Whether stderr is the journal stream systemd set up for this service.
    ///
    /// systemd sets `JOURNAL_STREAM=<device>:<inode>` (decimal) for a service whose
    /// output goes to the journal; it only counts if stderr is still that very
    /// stream (a child whose stderr was redirected inherits the variable).
    public static func prefersJournal(environment: [String: String], stderrDevice: UInt64, stderrInode: UInt64) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        return device == stderrDevice && inode == stderrInode
    }

    /// ``prefersJournal(environment:stderrDevice:stderrInode:)`` for this process.
    public static func stderrIsJournal() -> Bool {
        guard let value = getenv("JOURNAL_STREAM") else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return prefersJournal(
            environment: ["JOURNAL_STREAM": String(cString: value)],
            stderrDevice: UInt64(info.st_dev),
            stderrInode: UInt64(info.st_ino)
        )
    }
}
