import Foundation
import OneMapDefaults
import OneMapRisk

/// The field and the live map (`config/field.json`): rectification deadlines by level,
/// which hazards must be listed for supervision (挂牌督办), photo limits, live-feed limits.
public struct FieldConfig: Sendable, Equatable, Decodable {
    public struct Supervise: Sendable, Equatable, Decodable {
        /// Levels whose open hazards must be listed with an owner.
        public var levels: [String]
        /// Major hazard source grades (重大危险源 1–4) that must be listed whatever their level.
        public var majorHazardGrades: [Int]
    }
    public struct Photos: Sendable, Equatable, Decodable {
        public var maxBytes: Int
        public var maxPerFeature: Int
    }
    public struct Events: Sendable, Equatable, Decodable {
        public var maxSubscribers: Int
        public var queue: Int
    }

    public var schema: String
    /// Days to rectify, counted from `reported_at`, by level (red, orange, yellow, blue).
    public var deadlinesDays: [String: Int]
    public var unlevelledDeadlineDays: Int
    public var supervise: Supervise
    public var photos: Photos
    public var events: Events

    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads and checks a configuration; errors name the file and the member.
    public static func decode(_ data: Data, path: String) throws -> FieldConfig {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let config: FieldConfig
        do {
            config = try decoder.decode(FieldConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Failure(path: path, reason: "\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")): is required")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Failure(path: path, reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw Failure(path: path, reason: "not valid JSON of this file's shape: \(error)")
        }
        guard config.schema == "onemap-field/1" else { throw Failure(path: path, reason: "schema: '\(config.schema)' is not onemap-field/1") }
        let levels = RiskLevel.allCases.map(\.description)
        for (level, days) in config.deadlinesDays {
            guard levels.contains(level) else { throw Failure(path: path, reason: "deadlines_days.\(level): not a level (\(levels.joined(separator: ", ")))") }
            guard (1...3650).contains(days) else { throw Failure(path: path, reason: "deadlines_days.\(level): \(days) is outside 1…3650") }
        }
        guard (1...3650).contains(config.unlevelledDeadlineDays) else { throw Failure(path: path, reason: "unlevelled_deadline_days: outside 1…3650") }
        for level in config.supervise.levels where !levels.contains(level) { throw Failure(path: path, reason: "supervise.levels: '\(level)' is not a level") }
        guard (1_024...1 << 30).contains(config.photos.maxBytes) else { throw Failure(path: path, reason: "photos.max_bytes: outside 1 KB…1 GB") }
        guard (1...10_000).contains(config.photos.maxPerFeature) else { throw Failure(path: path, reason: "photos.max_per_feature: outside 1…10,000") }
        guard (1...100_000).contains(config.events.maxSubscribers) else { throw Failure(path: path, reason: "events.max_subscribers: outside 1…100,000") }
        guard (8...1_000_000).contains(config.events.queue) else { throw Failure(path: path, reason: "events.queue: outside 8…1,000,000") }
        return config
    }

    /// The file at `path`, else `ONEMAP_FIELD`'s, else `config/field.json` here, else the one compiled in.
    public static func load(path: String?) throws -> FieldConfig {
        if let chosen = Configuration.path(Defaults.field, given: path) {
            guard let data = FileManager.default.contents(atPath: chosen) else { throw Failure(path: chosen, reason: "cannot read the file") }
            return try decode(data, path: chosen)
        }
        return try decode(Data(Defaults.field.bytes), path: "config/field.json (compiled in)")
    }

    /// Days to rectify a hazard of `level` (nil: unlevelled).
    public func deadlineDays(level: String?) -> Int {
        level.flatMap { deadlinesDays[$0] } ?? unlevelledDeadlineDays
    }

    /// The live feed's limits.
    public var feedLimits: ChangeFeed.Limits {
        var limits = ChangeFeed.Limits()
        limits.maxSubscribers = events.maxSubscribers
        limits.queue = events.queue
        return limits
    }
}
