import ArgumentParser

/// The `onemap` root command.
public struct OneMapCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "onemap",
        abstract: "Risk mapping and spatial queries for emergency management, on one GeoPackage.",
        subcommands: [Import.self, OSM.self, Export.self, Config.self, Info.self, History.self, Tokens.self, Query.self, Risk.self, Tiles.self, RouteCommand.self, PlanCommand.self, IncidentCommand.self, SupervisionCommand.self, Serve.self, Demo.self, Schema.self, DatabaseCommand.self])

    public init() {}
}
