import CallCenterArchive
import CallCenterCore
import CallCenterStore

/// What one engine pass has written to the customer archive and not yet
/// committed: the changes for the commit, and what later requests of the same
/// pass must see (the archive in the database is as of the previous pass).
struct ArchivePass {
    /// For `CommitBatch.archive`, in order.
    var changes: [ArchiveChange] = []
    /// Customers saved in this pass, as saved.
    private(set) var customers: [String: CustomerRecord] = [:]
    /// number → customer, for the customers saved in this pass.
    private(set) var phoneOwners: [String: String] = [:]

    mutating func save(_ records: [CustomerRecord], at: Instant) {
        for r in records {
            if let old = customers[r.id] {
                for n in old.phones where phoneOwners[n] == r.id { phoneOwners[n] = nil }
            }
            customers[r.id] = r
            for n in r.phones { phoneOwners[n] = r.id }
        }
        changes.append(.saveCustomers(records, at: at))
    }

    /// The registration of a call life made in this pass, if any.
    func registration(serial: UInt64) -> Registration? {
        for case let .register(r) in changes.reversed() where r.serial == serial { return r }
        return nil
    }

    /// Audit entries of this pass, newest first.
    var auditEntries: [AuditEntry] {
        changes.reversed().compactMap { if case let .audit(a) = $0 { return a } else { return nil } }
    }
}

/// The archive as the engine sees it in a pass: the store plus this pass's writes.
struct ArchiveView {
    let store: CallCenterStore
    let pass: ArchivePass

    func customer(_ id: String) throws -> CustomerRecord? {
        if let saved = pass.customers[id] { return saved }
        return try store.customer(id: id)
    }

    /// Who holds `number` now.
    func owner(_ number: String) throws -> String? {
        if let owner = pass.phoneOwners[number] { return owner }
        guard let stored = try store.customerID(number: number) else { return nil }
        // A customer saved in this pass holds exactly the numbers in `phoneOwners`.
        return pass.customers[stored] == nil ? stored : nil
    }
}
