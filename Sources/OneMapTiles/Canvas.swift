import CCairo
import Foundation

/// A cairo image surface and its drawing context: the only Swift that calls cairo.
/// One canvas per tile and thread.
final class Canvas {
    let surface: OpaquePointer
    let cr: OpaquePointer
    let width: Int
    let height: Int

    /// A transparent `pixels`² ARGB canvas on which one unit is `scale` pixels.
    convenience init(pixels: Int, scale: Double) throws(TileError) {
        try self.init(width: pixels, height: pixels, scale: scale)
    }

    /// A transparent ARGB canvas of `width` × `height` pixels; one unit is `scale` pixels.
    init(width: Int, height: Int, scale: Double) throws(TileError) {
        self.width = width
        self.height = height
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw .drawing("cairo could not create a \(width) × \(height) px surface") }
        self.surface = surface
        guard let cr = cairo_create(surface), cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw .drawing("cairo could not create a context")
        }
        self.cr = cr
        cairo_scale(cr, scale, scale)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func setColour(_ c: TileStyle.Colour, opacity: Double = 1) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha * opacity)
    }

    func move(_ x: Double, _ y: Double) { cairo_move_to(cr, x, y) }
    func line(_ x: Double, _ y: Double) { cairo_line_to(cr, x, y) }
    func close() { cairo_close_path(cr) }
    func newPath() { cairo_new_path(cr) }
    func circle(_ x: Double, _ y: Double, _ r: Double) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, r, 0, 2 * .pi)
    }
    func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) { cairo_rectangle(cr, x, y, w, h) }

    /// Even-odd so that holes in polygons stay open.
    func fill(_ c: TileStyle.Colour, preserve: Bool = false) {
        setColour(c)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        if preserve { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
    }

    /// `dash`: on and off lengths in units (empty: solid).
    func stroke(_ c: TileStyle.Colour, width: Double, preserve: Bool = false, dash: [Double] = []) {
        setColour(c)
        cairo_set_line_width(cr, width)
        // Lengths must be positive and not all zero, or cairo puts the context in error.
        let pattern = dash.allSatisfy { $0.isFinite && $0 >= 0 } && dash.contains { $0 > 0 } ? dash : []
        pattern.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(clamping: pattern.count), 0) }
        if preserve { cairo_stroke_preserve(cr) } else { cairo_stroke(cr) }
        if !pattern.isEmpty { cairo_set_dash(cr, nil, 0, 0) }
    }

    /// The size of `text` in the label font.
    func measure(_ text: String, font: String, size: Double) -> (width: Double, height: Double) {
        cairo_select_font_face(cr, font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return (extents.x_advance, extents.height)
    }

    /// `text` centred on (x, y) (or starting at x), with a halo so it reads on any fill.
    func label(_ text: String, x: Double, y: Double, style: TileStyle.Labels, alignLeft: Bool = false) {
        let size = measure(text, font: style.font, size: style.size)
        cairo_new_path(cr)
        cairo_move_to(cr, alignLeft ? x : x - size.width / 2, y + size.height / 2)
        cairo_text_path(cr, text)
        if style.haloWidth > 0 { stroke(style.halo, width: style.haloWidth, preserve: true) }
        fill(style.colour)
    }

    /// The canvas as PNG bytes.
    func png() throws(TileError) -> Data {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw .drawing("cairo gave no pixels") }
        return try PNGWriter.encode(pixels: UnsafeRawPointer(data), width: width, height: height,
                                    stride: Int(cairo_image_surface_get_stride(surface)))
    }

    /// Whether nothing was drawn (every pixel fully transparent).
    var isBlank: Bool {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return true }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for row in 0..<height {
            let line = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
            for i in 0..<width where line[i] != 0 { return false }
        }
        return true
    }
}

/// A decoded PNG image: straight (not premultiplied) RGBA per pixel. Decoding goes
/// through cairo's libpng reader, so tests check tiles with a real decoder.
public struct RasterImage: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGBA bytes.
    public let rgba: [UInt8]

    public init(png: Data) throws(TileError) {
        let source = PNGSource(png)
        let surface = cairo_image_surface_create_from_png_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
            return Unmanaged<PNGSource>.fromOpaque(closure).takeUnretainedValue().read(into: data, count: Int(length))
                ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR
        }, Unmanaged.passUnretained(source).toOpaque())
        defer { cairo_surface_destroy(surface) }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .drawing("not a PNG image: \(String(cString: cairo_status_to_string(cairo_surface_status(surface))))")
        }
        cairo_surface_flush(surface)
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let format = cairo_image_surface_get_format(surface)
        var out = [UInt8](repeating: 0, count: width * height * 4)
        if let data = cairo_image_surface_get_data(surface) {
            for y in 0..<height {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    let p = row[x]
                    let a = format == CAIRO_FORMAT_ARGB32 ? UInt8(p >> 24) : 255
                    func straight(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (c & 0xFF) * 255 / UInt32(a))) }
                    let i = (y * width + x) * 4
                    out[i] = straight(p >> 16)
                    out[i + 1] = straight(p >> 8)
                    out[i + 2] = straight(p)
                    out[i + 3] = a
                }
            }
        }
        rgba = out
    }

    /// The pixel at column x, row y (from the top left) as (r, g, b, a).
    public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }
}

private final class PNGSource {
    let bytes: Data
    var offset = 0
    init(_ bytes: Data) { self.bytes = Data(bytes) }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        guard offset + count <= bytes.count else { return false }
        bytes.copyBytes(to: buffer, from: offset..<(offset + count))
        offset += count
        return true
    }
}
