import CallCenterArchive
import CallCenterCore
import GRDB

/// Turns patches (an import file's rows, or one `customer.upsert`) into the
/// records to save, checking what only the whole set can check: a phone number
/// belongs to one customer. Rows apply in order: a later row for the same id
/// patches the earlier one's result.
public struct CustomerImport: Sendable, Equatable {
    /// The records to save, one per id, in the order the ids first appear.
    public var records: [CustomerRecord]
    /// Ids that were not in the archive before.
    public var created: Set<String>

    /// - Parameters:
    ///   - base: the stored record of an id (nil: a new customer).
    ///   - owner: who holds a number now, among customers *not* in this import (nil: free).
    public static func build(_ patches: [CustomerPatch], country: PhoneCountry, rules: GradingRules,
                             base: (String) throws -> CustomerRecord?, owner: (String) throws -> String?) throws -> CustomerImport {
        var byID: [String: CustomerRecord] = [:]
        var order: [String] = []
        var created: Set<String> = []
        var lastRow: [String: Int?] = [:]
        for patch in patches {
            let previous: CustomerRecord?
            if let done = byID[patch.id] {
                previous = done
            } else {
                previous = try base(patch.id)
                if previous == nil { created.insert(patch.id) }
                order.append(patch.id)
            }
            byID[patch.id] = try patch.applied(to: previous, country: country, rules: rules)
            lastRow[patch.id] = patch.row
        }
        let records = order.map { byID[$0]! }
        // One customer per number: inside the set, then against everyone else.
        var claimed: [String: String] = [:]
        for record in records {
            for number in record.phones {
                let row = lastRow[record.id] ?? nil
                if let other = claimed[number] {
                    let where_ = (lastRow[other] ?? nil).map { " (row \($0))" } ?? ""
                    throw FieldError(row: row, field: "phones", "\(number) is also a number of customer \(other)\(where_): a number belongs to one customer")
                }
                claimed[number] = record.id
                if let holder = try owner(number), byID[holder] == nil {
                    throw FieldError(row: row, field: "phones", "\(number) belongs to customer \(holder): remove it there first")
                }
            }
        }
        return CustomerImport(records: records, created: created)
    }
}

extension CallCenterStore {
    /// Imports patches in one transaction: a bad row changes nothing, and the
    /// `FieldError` names its row and field.
    @discardableResult
    public func importCustomers(_ patches: [CustomerPatch], country: PhoneCountry = .china, rules: GradingRules = GradingRules(),
                                at: Instant) throws -> CustomerImport {
        try writer.write { db in
            let owners = try db.cachedStatement(sql: "SELECT customer FROM customer_phones WHERE number = ?")
            let result = try CustomerImport.build(
                patches, country: country, rules: rules,
                base: { id in try ArchiveRows.customers(db, where: "id = ?", [id], limit: 1).first },
                owner: { number in try String.fetchOne(owners, arguments: [number]) }
            )
            try ArchiveWriter.save(result.records, at: at, db)
            return result
        }
    }
}
