import CGDAL
import Foundation
import OneMapGeometry

/// A vector layer of an ``OGRDataset``, read feature by feature.
public struct OGRLayer {
    /// Keeps the dataset (and so this layer's handle) alive.
    let dataset: OGRDataset
    let handle: OGRLayerH

    public var name: String { String(cString: OGR_L_GetName(handle)) }

    /// Whether the layer has a geometry column (a workbook sheet or a plain table has none).
    public var hasGeometry: Bool { OGR_L_GetGeomType(handle) != wkbNone }

    /// The attribute fields, in order.
    public var fields: [OGRField] {
        guard let definition = OGR_L_GetLayerDefn(handle) else { return [] }
        return (0..<OGR_FD_GetFieldCount(definition)).compactMap { i in
            guard let field = OGR_FD_GetFieldDefn(definition, i) else { return nil }
            let kind: OGRFieldKind
            switch OGR_Fld_GetType(field) {
            case OFTInteger, OFTInteger64: kind = .integer
            case OFTReal: kind = .real
            case OFTString: kind = .text
            case OFTDate, OFTDateTime: kind = .date
            default: kind = .other
            }
            let name = OGR_Fld_GetNameRef(field)
            return OGRField(rawName: name.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? [], kind: kind)
        }
    }

    /// The number of features, when the driver knows it without a full scan.
    public var cheapFeatureCount: Int? {
        let n = OGR_L_GetFeatureCount(handle, 0)
        return n >= 0 ? Int(exactly: n) : nil
    }

    /// The layer's CRS: an EPSG code when the file names one or GDAL matches one with
    /// confidence ≥ 90 %, else the CRS's WKT; nil when the file declares none.
    public var declaredCRS: OGRDeclaredCRS? {
        guard let own = OGR_L_GetSpatialRef(handle), let srs = OSRClone(own) else { return nil }
        defer { OSRRelease(srs) }
        if let code = Self.epsgCode(srs) { return .epsg(code) }
        // An ESRI .prj names no authority; ask GDAL for the EPSG entry it describes.
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>? = nil
        if let matches = OSRFindMatches(srs, nil, &count, &confidences) {
            defer {
                OSRFreeSRSArray(matches)
                VSIFree(confidences)
            }
            if count > 0, let confidences, confidences[0] >= 90, let best = matches[0], let code = Self.epsgCode(best) {
                return .epsg(code)
            }
        }
        var wkt: UnsafeMutablePointer<CChar>? = nil
        guard OSRExportToWkt(srs, &wkt) == OGRERR_NONE, let wkt else { return nil }
        defer { VSIFree(wkt) }
        let name = OSRGetName(srs).map { String(cString: $0) } ?? "unnamed CRS"
        return .wkt(name: name, definition: String(cString: wkt))
    }

    private static func epsgCode(_ srs: OGRSpatialReferenceH) -> Int? {
        guard let authority = OSRGetAuthorityName(srs, nil), String(cString: authority).uppercased() == "EPSG",
            let code = OSRGetAuthorityCode(srs, nil)
        else { return nil }
        return Int(String(cString: code))
    }

    /// Restricts reading to the features meeting an OGR SQL condition on attributes.
    public func setAttributeFilter(_ condition: String) throws {
        CPLErrorReset()
        guard OGR_L_SetAttributeFilter(handle, condition) == OGRERR_NONE else {
            throw OGRError.io(path: dataset.path, message: GDALLibrary.lastError("GDAL refuses the condition \"\(condition)\""))
        }
    }

    /// Calls `body` with every feature in file order.
    public func forEach(_ body: (OGRRecord) throws -> Void) throws {
        CPLErrorReset()
        OGR_L_ResetReading(handle)
        let fieldKinds = fields.map(\.kind)
        var wkb: [UInt8] = []
        while let feature = OGR_L_GetNextFeature(handle) {
            defer { OGR_F_Destroy(feature) }
            let geometry = try Self.geometry(of: feature, buffer: &wkb, path: dataset.path)
            var values: [OGRValue] = []
            values.reserveCapacity(fieldKinds.count)
            for (i, kind) in fieldKinds.enumerated() {
                values.append(Self.value(feature, Int32(i), kind))
            }
            try body(OGRRecord(fid: OGR_F_GetFID(feature), geometry: geometry, values: values))
        }
        // A driver that stops on a broken record ends the loop early; say so.
        if CPLGetLastErrorType() == CE_Failure {
            throw OGRError.io(path: dataset.path, message: "reading layer \(name) stopped: \(GDALLibrary.lastError("unknown error"))")
        }
    }

    /// The feature's geometry in 2D with curves made linear, decoded from ISO WKB.
    private static func geometry(of feature: OGRFeatureH, buffer: inout [UInt8], path: String) throws -> Geometry? {
        guard var g = OGR_F_GetGeometryRef(feature) else { return nil }
        var linear: OGRGeometryH? = nil
        defer { if let linear { OGR_G_DestroyGeometry(linear) } }
        if OGR_G_HasCurveGeometry(g, 1) != 0, let made = OGR_G_GetLinearGeometry(g, 0, nil) {
            linear = made
            g = made
        }
        // KML and GPX carry heights; the layers are 2D. The feature owns g: flattening it is fine.
        OGR_G_FlattenTo2D(g)
        if OGR_G_IsEmpty(g) != 0 { return nil }
        let size = Int(OGR_G_WkbSize(g))
        if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
        let error = buffer.withUnsafeMutableBufferPointer { OGR_G_ExportToIsoWkb(g, wkbNDR, $0.baseAddress) }
        guard error == OGRERR_NONE else {
            throw OGRError.io(path: path, message: "feature \(OGR_F_GetFID(feature)): GDAL cannot write its geometry as WKB")
        }
        return try WKBReader.decode(buffer.prefix(size))
    }

    private static func value(_ feature: OGRFeatureH, _ i: Int32, _ kind: OGRFieldKind) -> OGRValue {
        guard OGR_F_IsFieldSetAndNotNull(feature, i) != 0 else { return .null }
        switch kind {
        case .integer: return .integer(OGR_F_GetFieldAsInteger64(feature, i))
        case .real: return .real(OGR_F_GetFieldAsDouble(feature, i))
        case .date:
            var year: Int32 = 0, month: Int32 = 0, day: Int32 = 0, hour: Int32 = 0, minute: Int32 = 0, tz: Int32 = 0
            var second: Float = 0
            guard OGR_F_GetFieldAsDateTimeEx(feature, i, &year, &month, &day, &hour, &minute, &second, &tz) != 0 else { break }
            return .text(Array(ISODate.text(year: year, month: month, day: day, hour: hour, minute: minute, second: second, tzFlag: tz).utf8))
        case .text, .other: break
        }
        guard let text = OGR_F_GetFieldAsString(feature, i) else { return .null }
        return .text(Array(UnsafeRawBufferPointer(start: text, count: strlen(text))))
    }
}

/// OGR's broken-down date and time as ISO 8601 text.
enum ISODate {
    /// - Parameter tzFlag: OGR's: 0 unknown, 1 local time, 100 UTC, 100 ± n quarter hours.
    static func text(year: Int32, month: Int32, day: Int32, hour: Int32, minute: Int32, second: Float, tzFlag: Int32) -> String {
        let date = String(format: "%04d-%02d-%02d", year, month, day)
        if hour == 0 && minute == 0 && second == 0 && tzFlag <= 1 { return date }
        var text = date + String(format: "T%02d:%02d:%02d", hour, minute, Int32(second.rounded(.down).clamped(0, 60)))
        if tzFlag == 100 {
            text += "Z"
        } else if tzFlag > 1 {
            let quarters = tzFlag - 100
            let minutes = abs(quarters) * 15
            text += (quarters < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        return text
    }
}

extension Float {
    fileprivate func clamped(_ low: Float, _ high: Float) -> Float { Swift.min(Swift.max(self, low), high) }
}
