import CGEOS

/// A GEOS context handle with its error messages captured as Swift errors.
///
/// GEOS contexts must not be shared between threads, so this class is not `Sendable`:
/// make one per task or thread (they are cheap). Every GEOS call in OneMap goes through
/// one, using the reentrant `_r` API only.
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    /// Boxed so the C callback can reach it through its user-data pointer.
    private let messages = MessageBox()

    public init() {
        handle = GEOS_init_r()
        let box = Unmanaged.passUnretained(messages).toOpaque()
        // The older handler type is variadic (printf-style) and Swift cannot implement it;
        // the message handler receives an already formatted string.
        GEOSContext_setErrorMessageHandler_r(handle, { message, userData in
            guard let message, let userData else { return }
            Unmanaged<MessageBox>.fromOpaque(userData).takeUnretainedValue().last = String(cString: message)
        }, box)
    }

    deinit { GEOS_finish_r(handle) }

    /// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
    public static var version: String { String(cString: GEOSversion()) }

    /// The last error GEOS reported on this context, cleared when read.
    func takeError(_ fallback: String) -> GeometryError {
        defer { messages.last = nil }
        return .geos(message: messages.last ?? fallback)
    }

    /// Builds a GEOS geometry from a OneMap geometry (through WKB, which GEOS reads fast).
    func make(_ geometry: Geometry) throws -> GEOSGeometryHandle {
        let wkb = WKBWriter.encode(geometry)
        guard let reader = GEOSWKBReader_create_r(handle) else { throw takeError("cannot create a WKB reader") }
        defer { GEOSWKBReader_destroy_r(handle, reader) }
        let g = wkb.withUnsafeBufferPointer { GEOSWKBReader_read_r(handle, reader, $0.baseAddress, $0.count) }
        guard let g else { throw takeError("cannot read geometry") }
        return GEOSGeometryHandle(context: self, pointer: g)
    }

    /// Reads a geometry from well-known text (WKT).
    public func geometry(fromWKT wkt: String) throws -> Geometry {
        guard let reader = GEOSWKTReader_create_r(handle) else { throw takeError("cannot create a WKT reader") }
        defer { GEOSWKTReader_destroy_r(handle, reader) }
        guard let g = GEOSWKTReader_read_r(handle, reader, wkt) else { throw takeError("cannot parse WKT") }
        return try GEOSGeometryHandle(context: self, pointer: g).toGeometry()
    }
}

private final class MessageBox {
    var last: String?
}

/// An owned GEOS geometry, destroyed with its context's handle when released.
final class GEOSGeometryHandle {
    let context: GEOSContext
    let pointer: OpaquePointer

    init(context: GEOSContext, pointer: OpaquePointer) {
        self.context = context
        self.pointer = pointer
    }

    deinit { GEOSGeom_destroy_r(context.handle, pointer) }

    func toGeometry() throws -> Geometry {
        let h = context.handle
        guard let writer = GEOSWKBWriter_create_r(h) else { throw context.takeError("cannot create a WKB writer") }
        defer { GEOSWKBWriter_destroy_r(h, writer) }
        GEOSWKBWriter_setOutputDimension_r(h, writer, 2)
        var size = 0
        guard let bytes = GEOSWKBWriter_write_r(h, writer, pointer, &size) else { throw context.takeError("cannot write WKB") }
        defer { GEOSFree_r(h, bytes) }
        return try WKBReader.decode(UnsafeBufferPointer(start: bytes, count: size))
    }
}
