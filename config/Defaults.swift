/// OneMap's default configuration compiled into the binary (SwiftPM's `embedInCode`), so
/// that `onemap` runs from any folder: byte for byte the JSON files beside this one.
/// A file given by a flag, else by its `ONEMAP_*` variable, else `config/NAME` in the
/// working directory overrides its default; `onemap config dump` writes them out to edit.
public enum Defaults {
    /// One configuration file and how it is found.
    public struct File: Sendable {
        /// The file's name in `config/`.
        public var name: String
        /// The environment variable naming a file to use instead.
        public var environment: String
        public var meaning: String
        public var bytes: [UInt8]
    }

    public static let style = File(name: "style.json", environment: "ONEMAP_STYLE",
                                   meaning: "how tiles and report maps look", bytes: PackageResources.style_json)
    public static let riskRules = File(name: "risk-rules.json", environment: "ONEMAP_RULES",
                                       meaning: "risk levels of sources and areas", bytes: PackageResources.risk_rules_json)
    public static let planning = File(name: "planning.json", environment: "ONEMAP_PLANNING",
                                      meaning: "planning standards: radii, areas per person, limits", bytes: PackageResources.planning_json)
    public static let osmProfile = File(name: "osm-profile.json", environment: "ONEMAP_OSM_PROFILE",
                                        meaning: "which OpenStreetMap tags make which features", bytes: PackageResources.osm_profile_json)

    public static let incidents = File(name: "incidents.json", environment: "ONEMAP_INCIDENTS",
                                       meaning: "incident kinds, their zones and teams, key targets, response targets, relief kits, plume defaults",
                                       bytes: PackageResources.incidents_json)

    public static let field = File(name: "field.json", environment: "ONEMAP_FIELD",
                                   meaning: "the field and live: rectification deadlines by level, supervised listing, photo limits, live-feed limits",
                                   bytes: PackageResources.field_json)

    public static let all = [style, riskRules, planning, osmProfile, incidents, field]

    /// Where `file` is read from: `given` (a flag), else its environment variable, else
    /// `config/NAME` in the working directory; nil means the compiled-in default.
    public static func path(_ file: File, given: String?, environment: [String: String], exists: (String) -> Bool) -> String? {
        if let given { return given }
        if let named = environment[file.environment], !named.isEmpty { return named }
        let local = "config/" + file.name
        return exists(local) ? local : nil
    }
}
