import CallCenterCore

extension ConfigParser {
    /// `[complaints]`: `[complaints.sla]` gives the seconds a complaint may take to
    /// reach `action`, per customer tier (`high_value`, `potential`, `stable`,
    /// `risk`, `unknown`); a tier left out keeps its default.
    func parseComplaints(_ reader: Reader, into config: inout DaemonConfig) throws {
        guard let complaints = try reader.table("complaints") else { return }
        try complaints.onlyKeys(["sla"])
        guard let sla = try complaints.table("sla") else { return }
        try sla.onlyKeys(ComplaintSLA.tierNames)
        for name in ComplaintSLA.tierNames {
            let most = ComplaintSLA.maximumSeconds
            guard let seconds = try sla.seconds(name, allowed: Double.leastNonzeroMagnitude...most,
                                                expected: "seconds more than 0, at most \(Int(most)) (366 days)") else { continue }
            config.core.complaintSLA.set(name, seconds: seconds)
        }
    }
}
