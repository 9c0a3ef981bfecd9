import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// config/incidents.json: the shipped file is the compiled-in default, and a file out of
/// range is refused naming the file and the member.
@Suite struct IncidentConfigTests {
    @Test func theShippedFileIsTheCompiledInDefault() throws {
        let shipped = try Incidents.config(path: Repository.path("config/incidents.json"))
        let builtIn = try IncidentConfig.decode(Data(Defaults.incidents.bytes), path: "built in")
        #expect(shipped == builtIn)
        #expect(shipped.kindNames == ["earthquake", "explosion", "fire", "flood", "geological", "hazardous_chemical_leak", "other", "public_health", "traffic"])
        #expect(shipped.kinds["hazardous_chemical_leak"]?.zones == [.init(name: "isolation", radiusM: 500), .init(name: "evacuation", radiusM: 2000)])
    }

    @Test func aFileOutOfRangeIsRefusedNamingTheMember() throws {
        var text = try String(contentsOfFile: Repository.path("config/incidents.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: #"{"name": "evacuation", "radius_m": 2000}"#, with: #"{"name": "evacuation", "radius_m": 300}"#)
        #expect(throws: IncidentConfigError(path: "x.json", reason: "'kinds.hazardous_chemical_leak.zones.[1].radius_m': zones go innermost first, each larger than the one before")) {
            try IncidentConfig.decode(Data(text.utf8), path: "x.json")
        }
        #expect { try IncidentConfig.decode(Data(#"{"schema": "onemap-incidents/1"}"#.utf8), path: "y.json") } throws: { "\($0)".hasPrefix("y.json: ") && "\($0)".contains("kinds") }
    }
}
