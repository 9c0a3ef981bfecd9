import Crypto
import Foundation
import OneMapGeometry
import OneMapStorage

/// Photos of hazards (and of incident reports): checked by their bytes, stripped of
/// metadata, stored in the GeoPackage by the Related Tables Extension with a change-log
/// row in the same transaction. Who may add a hazard's photo is who may change the hazard:
/// a grid worker in their grid, planners and admins anywhere; an incident report's photos
/// are the commanders', planners' and admins'.
extension FieldReports {
    /// What a photo may be.
    public struct PhotoLimits: Sendable, Equatable {
        public var maxBytes = 10 * 1024 * 1024
        public var maxPerFeature = 50
        public init() {}
        public init(_ config: FieldConfig) {
            maxBytes = config.photos.maxBytes
            maxPerFeature = config.photos.maxPerFeature
        }
    }

    public enum PhotoError: Error, Equatable, CustomStringConvertible {
        /// The photo's size when known (from Content-Length), else nil.
        case tooLarge(Int?, limit: Int)
        case notAnImage(String)
        case tooMany(Int)
        case unknownPhoto(String, position: Int)

        public var description: String {
            switch self {
            case .tooLarge(let n, let limit):
                (n.map { "the photo is \(Self.megabytes($0))" } ?? "the photo is larger than \(Self.megabytes(limit))")
                    + "; photos may be at most \(Self.megabytes(limit)) — send a smaller one (most phones can share a reduced size)"
            case .notAnImage(let reason): "the photo must be a JPEG or PNG image: \(reason)"
            case .tooMany(let limit): "this already has \(limit) photos, the most one feature takes"
            case .unknownPhoto(let what, let position): "\(what) has no photo \(position)"
            }
        }

        static func megabytes(_ n: Int) -> String { String(format: "%.1f MB", Double(n) / 1_048_576) }
    }

    /// What an accepted photo did.
    public struct AcceptedPhoto: Sendable {
        public var photo: MediaTables.Photo
        /// Its place in the feature's list (1 for the first), what `…/media/{n}` takes.
        public var position: Int
        public var change: Int64
        public var replayed = false
    }

    /// Where a photo goes: a hazard, or report `sequence` of an incident.
    public enum PhotoTarget: Sendable, Equatable {
        case hazard(String)
        case incidentReport(incident: String, sequence: Int)

        var relation: MediaTables.Relation { owner.relation }

        /// The store's name for it.
        var owner: PhotoOwner {
            switch self {
            case .hazard(let id): .hazard(id)
            case .incidentReport(let incident, let sequence): .incidentReport(incident: incident, sequence: sequence)
            }
        }

        /// The change log's layer and feature id for it.
        var logged: (layer: String, id: String) {
            switch self {
            case .hazard(let id): (Layer.hazards.tableName, id)
            case .incidentReport(let incident, let sequence): (IncidentTables.reports.name, "\(incident)/\(sequence)")
            }
        }

        var what: String {
            switch self {
            case .hazard(let id): "hazard '\(id)'"
            case .incidentReport(let incident, let sequence): "report \(sequence) of incident '\(incident)'"
            }
        }
    }

    /// Stores `bytes` as a photo of `target`, sent by `author`. With `requestKey`, the same
    /// upload sent again answers the first and stores nothing.
    public func attachPhoto(_ bytes: [UInt8], to target: PhotoTarget, by author: Author, limits: PhotoLimits, requestKey: String? = nil) throws -> AcceptedPhoto {
        guard bytes.count <= limits.maxBytes else { throw PhotoError.tooLarge(bytes.count, limit: limits.maxBytes) }
        return try lock.withLock { _ in
            let logged = target.logged
            if let requestKey {
                try Self.checkRequestKey(requestKey)
                if let entry = try store.change(author: author.name, requestKey: requestKey) {
                    guard entry.layer == logged.layer, entry.featureID == logged.id, entry.operation == .attach,
                          let position = entry.after?.properties.first(where: { $0.key == "position" })?.value.numberValue.flatMap({ Int(exactly: $0) }) else {
                        throw ReportError.requestKeyReused(requestKey, reason: "\(entry.operation.rawValue) of \(entry.layer) '\(entry.featureID)' (change \(entry.number))")
                    }
                    let photos = try list(target)
                    guard photos.indices.contains(position - 1) else { throw PhotoError.unknownPhoto(target.what, position: position) }
                    return AcceptedPhoto(photo: photos[position - 1], position: position, change: entry.number, replayed: true)
                }
            }
            let place = try permitPhoto(target, by: author)
            let image: ImageBytes
            do {
                image = try ImageBytes.read(bytes)
            } catch let error as ImageBytes.Failure {
                throw PhotoError.notAnImage(error.description)
            }
            let now = Timestamps.now()
            var photo = MediaTables.Photo(
                contentType: image.contentType, bytes: image.stripped.count, width: image.width, height: image.height,
                sha256: SHA256.hash(data: image.stripped).map { String(format: "%02x", $0) }.joined(),
                takenAt: image.takenAt, longitude: image.longitude, latitude: image.latitude, uploadedBy: author.name, uploadedAt: now)
            // The photo's place where it was taken (EXIF), else the feature's.
            let geometry: Geometry = if let lon = image.longitude, let lat = image.latitude { .point(Coordinate(lon, lat)) } else { place }
            let described = photo
            let outcome = try store.attach(image.stripped, photo: photo, to: target.owner, limit: limits.maxPerFeature) { number, position in
                var numbered = described
                numbered.number = number
                return ChangeLog.Entry(
                    changedAt: now, author: author.name, role: author.role.rawValue, authorGrid: author.grid, layer: logged.layer, featureID: logged.id,
                    operation: .attach, before: nil,
                    after: Feature(id: "\(MediaTables.media)/\(number)", geometry: geometry, properties: Self.describe(numbered, position: position)),
                    requestKey: requestKey)
            }
            let (number, position, change): (Int64, Int, Int64)
            switch outcome {
            case .stored(let n, let p, let c): (number, position, change) = (n, p, c)
            case .full: throw PhotoError.tooMany(limits.maxPerFeature)
            case .noOwner: throw Self.unknownOwner(target)
            }
            photo.number = number
            feed?.publish(change)
            return AcceptedPhoto(photo: photo, position: position, change: change)
        }
    }

    /// The photos of `target`, in the order they were stored.
    public func photos(of target: PhotoTarget) throws -> [MediaTables.Photo] {
        try list(target)
    }

    /// Photo `position` (1 for the first) of `target`: its bytes and type.
    public func photo(_ position: Int, of target: PhotoTarget) throws -> (data: [UInt8], contentType: String) {
        if let found = try store.photoData(of: target.owner, position: position) { return found }
        _ = try list(target)  // an unknown owner is a 404 of its own
        throw PhotoError.unknownPhoto(target.what, position: position)
    }

    private func list(_ target: PhotoTarget) throws -> [MediaTables.Photo] {
        guard let photos = try store.photos(of: target.owner) else { throw Self.unknownOwner(target) }
        return photos
    }

    /// An unknown hazard or report is a 404.
    private static func unknownOwner(_ target: PhotoTarget) -> any Error {
        switch target {
        case .hazard(let id): ReportError.unknownFeature(.hazards, id: id)
        case .incidentReport(let incident, let sequence): IncidentError.unknownIncident("\(incident) (report \(sequence))")
        }
    }

    /// Checks that `author` may add a photo to `target`; returns where the target is.
    private func permitPhoto(_ target: PhotoTarget, by author: Author) throws -> Geometry {
        switch target {
        case .hazard(let id):
            let snapshot = live.index.snapshot
            guard let hazard = snapshot.feature(.hazards, id: id) else { throw ReportError.unknownFeature(.hazards, id: id) }
            try permit(author, .hazards, geometry: hazard.geometry, snapshot: snapshot, what: "add a photo to this hazard")
            return hazard.geometry
        case .incidentReport(let incident, _):
            guard author.mayCommand else {
                throw ReportError.forbidden("\(author.name) is a grid worker; photos of incident reports are added by commanders, planners and admins")
            }
            let place = try store.rows(of: IncidentTables.incidents, where: "id", equals: .text(incident)).first?.geometry
            guard let place else { throw IncidentError.unknownIncident(incident) }
            return place
        }
    }

    public static func describe(_ photo: MediaTables.Photo, position: Int) -> [JSONMember] {
        func t(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return [
            JSONMember("position", .number(Double(position))), JSONMember("media_id", .number(Double(photo.number))),
            JSONMember("content_type", .string(photo.contentType)), JSONMember("bytes", .number(Double(photo.bytes))),
            JSONMember("width", photo.width.map { .number(Double($0)) } ?? .null), JSONMember("height", photo.height.map { .number(Double($0)) } ?? .null),
            JSONMember("sha256", .string(photo.sha256)), JSONMember("taken_at", t(photo.takenAt)),
            JSONMember("longitude", photo.longitude.map(JSONValue.number) ?? .null), JSONMember("latitude", photo.latitude.map(JSONValue.number) ?? .null),
            JSONMember("uploaded_by", .string(photo.uploadedBy)), JSONMember("uploaded_at", .string(photo.uploadedAt)),
        ]
    }
}
