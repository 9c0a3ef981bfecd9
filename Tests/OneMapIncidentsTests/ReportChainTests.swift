import OneMapIncidents
import Testing

/// The order of the report chain (初报 → 续报 → 核报 → 终报) and the status lifecycle.
@Suite struct ReportChainTests {
    @Test func theChainGoesInitialFollowUpsVerifiedFinal() {
        #expect(ReportKind.initial.refusal(after: []) == nil)
        #expect(ReportKind.followUp.refusal(after: [.initial]) == nil)
        #expect(ReportKind.followUp.refusal(after: [.initial, .followUp, .followUp]) == nil)
        #expect(ReportKind.verified.refusal(after: [.initial, .followUp]) == nil)
        #expect(ReportKind.final.refusal(after: [.initial, .verified]) == nil)
    }

    @Test func outOfOrderReportsAreRefusedSayingWhatComesNext() {
        #expect(ReportKind.followUp.refusal(after: [])?.contains("first report of an incident is the initial report") == true)
        #expect(ReportKind.initial.refusal(after: [.initial])?.contains("already has its initial report") == true)
        #expect(ReportKind.final.refusal(after: [.initial])?.contains("after the verified report") == true)
        #expect(ReportKind.followUp.refusal(after: [.initial, .verified])?.contains("not another follow-up") == true)
        #expect(ReportKind.verified.refusal(after: [.initial, .verified])?.contains("already has its verified report") == true)
        for kind in ReportKind.allCases {
            #expect(kind.refusal(after: [.initial, .verified, .final])?.contains("no reports after it") == true)
        }
    }

    @Test func statusMovesForwardAndOnlyAnAdminReopens() {
        #expect(IncidentStatus.reported.refusal(to: .responding, isAdmin: false) == nil)
        #expect(IncidentStatus.reported.refusal(to: .closed, isAdmin: false) == nil)
        #expect(IncidentStatus.contained.refusal(to: .responding, isAdmin: false)?.contains("only an admin may reopen") == true)
        #expect(IncidentStatus.closed.refusal(to: .responding, isAdmin: true) == nil)
    }
}
