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
        /// The store is not a GeoPackage: photos are kept in GeoPackage files only so far.
        case notStored(location: String)

        public var description: String {
            switch self {
            case .tooLarge(let n, let limit):
                (n.map { "the photo is \(Self.megabytes($0))" } ?? "the photo is larger than \(Self.megabytes(limit))")
                    + "; photos may be at most \(Self.megabytes(limit)) — send a smaller one (most phones can share a reduced size)"
            case .notAnImage(let reason): "the photo must be a JPEG or PNG image: \(reason)"
            case .tooMany(let limit): "this already has \(limit) photos, the most one feature takes"
            case .unknownPhoto(let what, let position): "\(what) has no photo \(position)"
            case .notStored(let location): "photos are kept in a GeoPackage store; this server's store is \(location) (PostGIS), which does not take them yet"
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

        var relation: MediaTables.Relation {
            switch self {
            case .hazard: MediaTables.hazards
            case .incidentReport: MediaTables.incidentReports
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
                if let entry = try photoStore().read({ try $0.change(author: author.name, requestKey: requestKey) }) {
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
            let (number, position, change) = try photoStore().write { session -> (Int64, Int, Int64) in
                let fid = try baseFID(target, session.reader)
                let count = try session.reader.photos(of: target.relation, baseFID: fid).count
                guard count < limits.maxPerFeature else { throw PhotoError.tooMany(limits.maxPerFeature) }
                let number = try session.attach(image.stripped, photo: photo, to: target.relation, baseFID: fid)
                photo.number = number
                // The photo's place where it was taken (EXIF), else the feature's.
                let geometry: Geometry = if let lon = image.longitude, let lat = image.latitude { .point(Coordinate(lon, lat)) } else { place }
                let described = Feature(id: "\(MediaTables.media)/\(number)", geometry: geometry, properties: Self.describe(photo, position: count + 1))
                let change = try session.append(ChangeLog.Entry(
                    changedAt: now, author: author.name, role: author.role.rawValue, authorGrid: author.grid, layer: logged.layer,
                    featureID: logged.id, operation: .attach, before: nil, after: described, requestKey: requestKey))
                return (number, count + 1, change)
            }
            photo.number = number
            feed?.publish(change)
            return AcceptedPhoto(photo: photo, position: position, change: change)
        }
    }

    /// The GeoPackage photos are kept in.
    private func photoStore() throws -> GeoPackage {
        guard let geoPackage else { throw PhotoError.notStored(location: store.location) }
        return geoPackage
    }

    /// The photos of `target`, in the order they were stored.
    public func photos(of target: PhotoTarget) throws -> [MediaTables.Photo] {
        try list(target)
    }

    /// Photo `position` (1 for the first) of `target`: its bytes and type.
    public func photo(_ position: Int, of target: PhotoTarget) throws -> (data: [UInt8], contentType: String) {
        try photoStore().read { session in
            let fid = try baseFID(target, session)
            guard let found = try session.photoData(of: target.relation, baseFID: fid, position: position) else {
                throw PhotoError.unknownPhoto(target.what, position: position)
            }
            return found
        }
    }

    private func list(_ target: PhotoTarget) throws -> [MediaTables.Photo] {
        try photoStore().read { session in try session.photos(of: target.relation, baseFID: try baseFID(target, session)) }
    }

    /// The base row's `fid`; an unknown hazard or report is a 404.
    private func baseFID(_ target: PhotoTarget, _ session: ReadSession) throws -> Int64 {
        switch target {
        case .hazard(let id):
            guard let fid = try session.fid(in: Layer.hazards.tableName, id: id) else { throw ReportError.unknownFeature(.hazards, id: id) }
            return fid
        case .incidentReport(let incident, let sequence):
            guard let fid = try session.incidentReportFID(incident: incident, sequence: sequence) else {
                throw IncidentError.unknownIncident("\(incident) (report \(sequence))")
            }
            return fid
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
            let place = try photoStore().read { session -> Geometry? in
                guard try session.has(IncidentTables.incidents) else { return nil }
                return try session.rows(of: IncidentTables.incidents, where: "id", equals: .text(incident)).first?.geometry
            }
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
