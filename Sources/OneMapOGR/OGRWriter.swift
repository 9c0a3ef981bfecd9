import CGDAL
import Foundation
import OneMapGeometry

/// Writes one vector layer to a new file through a GDAL driver (GPKG, ESRI Shapefile,
/// CSV, XLSX, LIBKML, GeoJSON, …), feature by feature inside one transaction where the
/// driver has them. Not `Sendable`; close with ``finish()``.
public final class OGRWriter {
    public struct Field: Sendable {
        public var name: String
        public var kind: OGRFieldKind
        public init(_ name: String, _ kind: OGRFieldKind) {
            self.name = name
            self.kind = kind
        }
    }

    /// The CRS a file declares: an EPSG code, or none (GCJ-02 and BD-09 have no code).
    public enum DeclaredCRS: Sendable {
        case epsg(Int)
        case none
    }

    public let path: String
    private var dataset: GDALDatasetH?
    private let layer: OGRLayerH
    private let definition: OGRFeatureDefnH
    private let fields: [Field]
    private var transaction = false
    public private(set) var written = 0

    /// - Parameters:
    ///   - driver: GDAL's short name ("GPKG", "ESRI Shapefile", "CSV", "XLSX", "LIBKML", "GeoJSON").
    ///   - geometry: nil for a table without geometry (XLSX).
    ///   - datasetOptions, layerOptions: creation options, `NAME=VALUE`.
    public init(path: String, driver: String, layerName: String, crs: DeclaredCRS, geometry: Bool, fields: [Field],
                datasetOptions: [String] = [], layerOptions: [String] = []) throws {
        GDALLibrary.ensure()
        self.path = path
        self.fields = fields
        CPLErrorReset()
        guard let gdalDriver = GDALGetDriverByName(driver) else { throw OGRError.io(path: path, message: "GDAL has no \(driver) driver") }
        let created = GDALLibrary.withOptions(datasetOptions) { GDALCreate(gdalDriver, path, 0, 0, 0, GDT_Unknown, $0) }
        guard let created else { throw OGRError.io(path: path, message: GDALLibrary.lastError("cannot create the file")) }
        dataset = created
        var srs: OGRSpatialReferenceH?
        if case .epsg(let code) = crs {
            srs = OSRNewSpatialReference(nil)
            OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
            guard OSRImportFromEPSG(srs, Int32(truncatingIfNeeded: code)) == OGRERR_NONE else {
                OSRRelease(srs)
                GDALClose(created)
                throw OGRError.io(path: path, message: "GDAL does not know EPSG:\(code)")
            }
        }
        defer { if let srs { OSRRelease(srs) } }
        let made = GDALLibrary.withOptions(layerOptions) { GDALDatasetCreateLayer(created, layerName, srs, geometry ? wkbUnknown : wkbNone, $0) }
        guard let made else {
            GDALClose(created)
            throw OGRError.io(path: path, message: GDALLibrary.lastError("cannot create layer \(layerName)"))
        }
        layer = made
        for field in fields {
            let type: OGRFieldType = switch field.kind {
            case .integer: OFTInteger64
            case .real: OFTReal
            case .text, .date, .other: OFTString
            }
            let definition = OGR_Fld_Create(field.name, type)
            defer { OGR_Fld_Destroy(definition) }
            guard OGR_L_CreateField(made, definition, 1) == OGRERR_NONE else {
                GDALClose(created)
                throw OGRError.io(path: path, message: GDALLibrary.lastError("cannot create field \(field.name)"))
            }
        }
        guard let defn = OGR_L_GetLayerDefn(made) else {
            GDALClose(created)
            throw OGRError.io(path: path, message: "no layer definition")
        }
        definition = defn
        // One transaction for the whole layer where the driver has them (GeoPackage):
        // thousands of times faster than a commit per feature.
        transaction = GDALDatasetStartTransaction(created, 0) == OGRERR_NONE
    }

    deinit { if let dataset { GDALClose(dataset) } }

    /// Writes one feature: `values` in the order of the fields given at creation.
    public func write(_ geometry: Geometry?, _ values: [OGRValue]) throws {
        guard let feature = OGR_F_Create(definition) else { throw OGRError.io(path: path, message: "cannot create a feature") }
        defer { OGR_F_Destroy(feature) }
        for (i, value) in values.enumerated() where i < fields.count {
            let index = Int32(i)
            switch value {
            case .null: OGR_F_SetFieldNull(feature, index)
            case .integer(let n): OGR_F_SetFieldInteger64(feature, index, n)
            case .real(let d): OGR_F_SetFieldDouble(feature, index, d)
            case .text(let bytes):
                var terminated = bytes
                terminated.append(0)
                terminated.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { OGR_F_SetFieldString(feature, index, $0.baseAddress) }
                }
            }
        }
        if let geometry {
            var wkb = WKBWriter.encode(geometry)
            var g: OGRGeometryH?
            let error = wkb.withUnsafeMutableBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &g, Int32(truncatingIfNeeded: $0.count)) }
            guard error == OGRERR_NONE, let g else { throw OGRError.io(path: path, message: "GDAL cannot read a \(geometry.typeName) as WKB") }
            OGR_F_SetGeometryDirectly(feature, g)
        }
        CPLErrorReset()
        guard OGR_L_CreateFeature(layer, feature) == OGRERR_NONE else {
            throw OGRError.io(path: path, message: GDALLibrary.lastError("cannot write feature \(written + 1)"))
        }
        written += 1
    }

    /// Commits and closes the file; only then is it complete.
    public func finish() throws {
        guard let dataset else { return }
        if transaction, GDALDatasetCommitTransaction(dataset) != OGRERR_NONE {
            throw OGRError.io(path: path, message: GDALLibrary.lastError("cannot commit"))
        }
        CPLErrorReset()
        GDALClose(dataset)
        self.dataset = nil
        if CPLGetLastErrorType() == CE_Failure { throw OGRError.io(path: path, message: GDALLibrary.lastError("closing failed")) }
    }
}
