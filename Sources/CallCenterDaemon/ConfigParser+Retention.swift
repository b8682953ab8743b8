import CallCenterStore

extension ConfigParser {
    /// `[retention]`: days of history to keep (`journal_days`, `calls_days`,
    /// `audit_days`); a key left out keeps that history for ever.
    func parseRetention(_ reader: Reader, into config: inout DaemonConfig) throws {
        guard let retention = try reader.table("retention") else { return }
        try retention.onlyKeys(["journal_days", "calls_days", "audit_days"])
        let days = 1...36_500
        config.retention.journalDays = try retention.int("journal_days", range: days)
        config.retention.auditDays = try retention.int("audit_days", range: days)
        if let calls = try retention.int("calls_days", range: days) {
            guard calls >= RetentionPolicy.minimumCallsDays else {
                throw retention.error("calls_days", "expected at least \(RetentionPolicy.minimumCallsDays) days, got \(calls): after a restart the daemon learns from the call log's last \(RetentionPolicy.minimumCallsDays - 1) days who last served each caller")
            }
            config.retention.callsDays = calls
        }
    }
}
