import Foundation
import OneMapGeometry

/// Something a report draws over the one map: an area, a line or a marked place.
public struct MapOverlay: Sendable {
    public var geometry: Geometry
    public var fill: TileStyle.Colour?
    public var outline: TileStyle.Colour?
    public var width: Double
    /// Points are drawn as a numbered or labelled disc of this colour.
    public var marker: TileStyle.Colour?
    public var label: String?

    public init(geometry: Geometry, fill: TileStyle.Colour? = nil, outline: TileStyle.Colour? = nil, width: Double = 2,
                marker: TileStyle.Colour? = nil, label: String? = nil) {
        self.geometry = geometry
        self.fill = fill
        self.outline = outline
        self.width = width
        self.marker = marker
        self.label = label
    }
}

extension TileRenderer {
    /// A PNG map of `box` at the largest zoom (up to 17) at which it fits in
    /// `maxWidth` × `maxHeight` units: the one map's layers as the tiles draw them, the
    /// overlays on top, and a scale bar. `scale` 2 draws every unit as 2 × 2 pixels (sharp
    /// on high-density screens and in print), as `@2x` tiles do. Returns the PNG and its
    /// size in units (pixels ÷ scale), the size to show it at.
    public func renderMap(of box: BoundingBox, maxWidth: Int = 1000, maxHeight: Int = 760, scale: Int = 1,
                          overlays: [MapOverlay] = []) throws -> (png: Data, width: Int, height: Int) {
        guard scale == 1 || scale == 2 else { throw TileError.badScale(scale) }
        guard !box.isEmpty else { throw TileError.drawing("no area to draw") }
        func span(_ z: Int) -> (x: Double, y: Double) {
            let world = 256 * Double(1 << z)
            return ((box.maxX - box.minX) / 360 * world, (TileID.mercatorY(box.minY) - TileID.mercatorY(box.maxY)) * world)
        }
        var zoom = 1
        for z in 1...17 where span(z).x * 1.08 <= Double(maxWidth) && span(z).y * 1.08 <= Double(maxHeight) { zoom = z }
        let size = span(zoom)
        let width = Int((size.x * 1.08).rounded(.up)), height = Int((size.y * 1.08).rounded(.up))
        let world = 256 * Double(1 << zoom)
        let frame = TileFrame(zoom: zoom, originX: (box.minX + 180) / 360 * world - size.x * 0.04,
                              originY: TileID.mercatorY(box.maxY) * world - size.y * 0.04, width: Double(width), height: Double(height))
        let canvas = try Canvas(width: max(1, width) * scale, height: max(1, height) * scale, scale: Double(scale))
        canvas.rectangle(0, 0, Double(width), Double(height))
        canvas.fill(try TileStyle.Colour(hex: "#F4F3EF"))
        draw(frame, on: canvas)
        for overlay in overlays { drawOverlay(overlay, frame, on: canvas) }
        try drawScaleBar(frame, height: Double(height), on: canvas)
        return (try canvas.png(), max(1, width), max(1, height))
    }

    private func drawOverlay(_ overlay: MapOverlay, _ frame: TileFrame, on canvas: Canvas) {
        switch overlay.geometry {
        case .point(let c):
            let p = frame.point(c)
            if let colour = overlay.marker {
                canvas.newPath()
                canvas.circle(p.x, p.y, 10)
                canvas.fill(colour, preserve: true)
                canvas.stroke(style.labels.halo, width: 2.5)
            }
            if let label = overlay.label {
                var labels = style.labels
                labels.size = max(labels.size, 13)
                canvas.label(label, x: p.x, y: p.y, style: labels)
            }
        default:
            frame.trace(overlay.geometry, on: canvas)
            if let fill = overlay.fill { canvas.fill(fill, preserve: overlay.outline != nil) }
            if let outline = overlay.outline { canvas.stroke(outline, width: overlay.width) }
            canvas.newPath()
        }
    }

    /// A bar of a round length (1, 2 or 5 × 10ⁿ m) near 120 px, at the map's centre latitude.
    private func drawScaleBar(_ frame: TileFrame, height: Double, on canvas: Canvas) throws {
        let box = frame.bounds(growingBy: 0)
        let metresPerPixel = 40_075_016.686 * cos(box.center.y * .pi / 180) / frame.world
        let target = 120 * metresPerPixel
        let magnitude = pow(10, (log10(target)).rounded(.down))
        let metres = [5, 2, 1].map { $0 * magnitude }.first { $0 <= target } ?? magnitude
        let pixels = metres / metresPerPixel
        let (x, y) = (16.0, height - 18)
        let ink = try TileStyle.Colour(hex: "#222222")
        canvas.rectangle(x - 4, y - 22, pixels + 8, 30)
        canvas.fill(try TileStyle.Colour(hex: "#FFFFFFCC"))
        canvas.newPath()
        canvas.move(x, y - 6); canvas.line(x, y); canvas.line(x + pixels, y); canvas.line(x + pixels, y - 6)
        canvas.stroke(ink, width: 2)
        var labels = style.labels
        labels.size = 11
        labels.colour = ink
        canvas.label(metres >= 1000 ? "\(Int(metres / 1000)) km" : "\(Int(metres)) m", x: x + pixels / 2, y: y - 13, style: labels)
    }
}
