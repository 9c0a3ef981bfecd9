/// An incident's status and its report chain (初报 → 续报 → 核报 → 终报), and the rules
/// both follow. Pure: the core applies them under its lock before anything is written.
public enum IncidentStatus: String, Sendable, CaseIterable, Comparable {
    case reported, responding, contained, closed

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// Why `self` may not become `next`, or nil. Forward steps (skipping allowed) are
    /// anyone's who may command; going back (reopening) is an admin's.
    public func refusal(to next: IncidentStatus, isAdmin: Bool) -> String? {
        if next >= self || isAdmin { return nil }
        return "status: '\(rawValue)' cannot go back to '\(next.rawValue)' (reported → responding → contained → closed); only an admin may reopen"
    }
}

/// The kind of one report in an incident's chain.
public enum ReportKind: String, Sendable, CaseIterable {
    /// 初报: the first report, as soon as the incident is known.
    case initial
    /// 续报: any number of updates while it goes on.
    case followUp = "follow_up"
    /// 核报: the verified figures.
    case verified
    /// 终报: the last report; the chain ends and the incident is closed.
    case final

    public var chinese: String {
        switch self {
        case .initial: "初报"
        case .followUp: "续报"
        case .verified: "核报"
        case .final: "终报"
        }
    }

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Why a report of this kind may not follow the chain `earlier` (oldest first), or nil.
    /// The chain is initial, then follow-ups, then one verified, then one final.
    public func refusal(after earlier: [ReportKind]) -> String? {
        guard let last = earlier.last else {
            return self == .initial ? nil : "report_type: the first report of an incident is the initial report (初报), not \(rawValue) (\(chinese))"
        }
        if last == .final { return "report_type: the chain has its final report (终报); an incident takes no reports after it" }
        switch self {
        case .initial: return "report_type: the incident already has its initial report (初报); send a follow_up (续报)"
        case .followUp where last == .verified:
            return "report_type: the figures are verified (核报); after it comes the final report (终报), not another follow-up"
        case .verified where earlier.contains(.verified): return "report_type: the incident already has its verified report (核报); send the final report (终报)"
        case .final where !earlier.contains(.verified):
            return "report_type: the final report (终报) comes after the verified report (核报): initial → follow_up → verified → final"
        default: return nil
        }
    }
}

/// Casualties as a report gives them (any may be unknown).
public struct Casualties: Sendable, Equatable {
    public var dead: Int?
    public var injured: Int?
    public var missing: Int?
    public var trapped: Int?

    public init(dead: Int? = nil, injured: Int? = nil, missing: Int? = nil, trapped: Int? = nil) {
        self.dead = dead
        self.injured = injured
        self.missing = missing
        self.trapped = trapped
    }
}
