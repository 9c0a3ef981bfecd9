import CGDAL
import Foundation
import OneMapGeometry

/// A vector dataset opened read-only through GDAL/OGR: a Shapefile, KML, an XLSX
/// workbook, an OSM extract, a FlatGeobuf, … Owns its GDAL handle; not `Sendable`
/// (GDAL datasets are not to be shared between threads).
public final class OGRDataset {
    public let path: String
    private let handle: GDALDatasetH

    /// Opens `path` with any vector driver GDAL has.
    /// - Parameter openOptions: driver open options, `NAME=VALUE` (e.g. `ENCODING=` for a
    ///   Shapefile read without recoding, `HEADERS=FORCE` for a workbook).
    public init(path: String, openOptions: [String] = []) throws {
        GDALLibrary.ensure()
        self.path = path
        CPLErrorReset()
        let opened = GDALLibrary.withOptions(openOptions) { list in
            // GDAL takes the list as const char *const *: the same pointers, read-only.
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }, nil)
        }
        guard let opened else {
            throw OGRError.open(path: path, message: GDALLibrary.lastError("no vector driver recognises it"))
        }
        handle = opened
    }

    deinit { GDALClose(handle) }

    /// GDAL's short name of the driver that read the file: "ESRI Shapefile", "KML", "XLSX", "OSM", …
    public var driverName: String {
        guard let driver = GDALGetDatasetDriver(handle) else { return "unknown" }
        return String(cString: GDALGetDriverShortName(driver))
    }

    /// The names of the dataset's layers, in order.
    public var layerNames: [String] {
        (0..<GDALDatasetGetLayerCount(handle)).compactMap { i in
            GDALDatasetGetLayer(handle, i).map { String(cString: OGR_L_GetName($0)) }
        }
    }

    /// The layer called `name`.
    public func layer(named name: String) throws -> OGRLayer {
        guard let layer = GDALDatasetGetLayerByName(handle, name) else {
            throw OGRError.noLayer(path: path, name: name, available: layerNames)
        }
        return OGRLayer(dataset: self, handle: layer)
    }
}

/// The type of an attribute field as OGR declares it.
public enum OGRFieldKind: Sendable, Equatable {
    case integer, real, text, date, other
}

/// An attribute field: its name as the file stores it (bytes, in the file's encoding)
/// and its kind.
public struct OGRField: Sendable, Equatable {
    public var rawName: [UInt8]
    public var kind: OGRFieldKind
}

/// One attribute value as read. Text stays in the file's bytes; the caller decodes it
/// with the encoding it settled on (a Shapefile's `.cpg`, its language byte, `--encoding`).
public enum OGRValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text([UInt8])
}

/// One feature: its id in the file, its geometry (2D, curves linearised) and its
/// attribute values in the order of ``OGRLayer/fields``.
public struct OGRRecord: Sendable {
    public var fid: Int64
    public var geometry: Geometry?
    public var values: [OGRValue]
}

/// The CRS a layer declares.
public enum OGRDeclaredCRS: Sendable, Equatable {
    /// Identified as an EPSG code (from the file, or matched by GDAL with high confidence).
    case epsg(Int)
    /// Not identified: its WKT, which PROJ reads as it is, and its name.
    case wkt(name: String, definition: String)
}
