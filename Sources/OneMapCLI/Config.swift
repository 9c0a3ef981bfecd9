import ArgumentParser
import Foundation
import OneMap

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The configuration files: where each is read from, and the compiled-in defaults to edit.",
        discussion: """
            Each file is read from its flag (--style, --rules, --planning, --profile), else the environment variable
            named below, else config/NAME in the working directory, else the default compiled into the binary.
            """,
        subcommands: [Dump.self, Where.self])

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the compiled-in defaults (style.json, risk-rules.json, planning.json, osm-profile.json) to a folder.")

        @Option(help: "The folder to write to (created if missing).")
        var out = "config"

        @Flag(help: "Replace files that exist.")
        var force = false

        func run() throws {
            for path in try Configuration.dump(into: out, replace: force) { print("wrote \(path)") }
        }
    }

    struct Where: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where each configuration file would be read from here.")

        func run() throws {
            for file in Defaults.all {
                print("\(file.name) (\(file.meaning)): \(Configuration.origin(file, given: nil)); override with \(file.environment)")
            }
        }
    }
}
