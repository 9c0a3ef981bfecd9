import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage
import OneMapWork

/// Draws the one map's raster tiles with cairo: risk areas as semi-transparent fills with
/// outlines, hazards by level, shelters and facilities as symbols, Chinese labels at high
/// zooms. A value: a new map revision makes a new renderer (``with(snapshot:risk:)``).
public struct TileRenderer: Sendable {
    public let style: TileStyle
    /// Hazards, shelters and facilities come from here.
    public let snapshot: IndexSnapshot
    /// The coloured areas; nil draws no areas.
    public let risk: RiskModel?
    /// Ids of the open hazards past their rectification deadline: drawn with a ring.
    public let overdue: Set<String>
    /// A label point inside each area (GEOS point-on-surface), computed once per area set.
    private let anchors: [Coordinate?]
    /// The roads as low zooms draw them, shared by the renderers of later revisions (it
    /// rebuilds a zoom only when the roads themselves changed).
    private let generalised: RoadGeneralisation
    /// This map version's areas merged per level, for low zooms (made on first use).
    private let merged: MergedAreas

    public init(style: TileStyle, snapshot: IndexSnapshot, risk: RiskModel?, overdue: Set<String> = []) {
        self.style = style
        self.snapshot = snapshot
        self.risk = risk
        self.overdue = overdue
        let context = GEOSContext()
        anchors = risk?.areas.map { try? context.pointOnSurface($0.geometry) } ?? []
        generalised = RoadGeneralisation()
        merged = MergedAreas()
    }

    private init(style: TileStyle, snapshot: IndexSnapshot, risk: RiskModel?, overdue: Set<String>, anchors: [Coordinate?],
                 generalised: RoadGeneralisation, merged: MergedAreas) {
        self.style = style
        self.snapshot = snapshot
        self.risk = risk
        self.overdue = overdue
        self.anchors = anchors
        self.generalised = generalised
        self.merged = merged
    }

    /// The same renderer over a later snapshot and map with the same areas (the label
    /// points are kept).
    public func with(snapshot: IndexSnapshot, risk: RiskModel?) -> TileRenderer {
        TileRenderer(style: style, snapshot: snapshot, risk: risk, overdue: overdue,
                     anchors: risk?.areas.count == anchors.count ? anchors : TileRenderer(style: style, snapshot: snapshot, risk: risk).anchors,
                     generalised: generalised, merged: MergedAreas())
    }

    /// Builds the generalised roads of every zoom below `roads.generalise_below_zoom` (from
    /// the first zoom any road class shows) now, rather than on the first tile of each:
    /// a server does this in the background after it starts. Returns, per zoom, the
    /// distinct pixel segments kept and the seconds it took.
    @discardableResult
    public func prepareGeneralisedRoads() -> [(zoom: Int, segments: Int, seconds: Double)] {
        let s = style.roads
        let first = ([s.other] + Array(s.classes.values)).map(\.minZoom).min() ?? 0
        guard first < s.generaliseBelowZoom else { return [] }
        return (max(0, first)..<min(s.generaliseBelowZoom, TileID.maxZoom + 1)).compactMap { zoom in
            let started = ContinuousClock.now
            guard let level = generalised.level(snapshot, zoom: zoom, style: s) else { return nil }
            let elapsed = ContinuousClock.now - started
            return (zoom, level.segments, elapsed.seconds)
        }
    }

    /// The same renderer with another set of overdue hazards.
    public func with(overdue: Set<String>) -> TileRenderer {
        TileRenderer(style: style, snapshot: snapshot, risk: risk, overdue: overdue, anchors: anchors, generalised: generalised, merged: merged)
    }

    /// The tile as PNG, 256 px (scale 1) or 512 px (scale 2, `@2x`); `base` false leaves
    /// out the roads and administrative boundaries under the risk colours ("risk only").
    public func render(_ tile: TileID, scale: Int = 1, base: Bool = true) throws -> Data {
        try draw(tile, scale: scale, base: base).png()
    }

    /// The largest distance in 256-px tile units that a symbol, halo or label reaches
    /// from its feature: how far beyond the tile features are fetched, so symbols that
    /// straddle an edge are drawn on both sides.
    public var reach: Double {
        let radius = max(style.hazards.radius.red, style.hazards.radius.orange, style.hazards.radius.yellow, style.hazards.radius.blue)
        return max(radius + style.hazards.strokeWidth + style.hazards.overdue.gap + style.hazards.overdue.width, style.shelters.size, style.facilities.size) + 2
    }

    func draw(_ tile: TileID, scale: Int, base: Bool = true) throws -> Canvas {
        guard scale == 1 || scale == 2 else { throw TileError.badScale(scale) }
        let canvas = try Canvas(pixels: 256 * scale, scale: Double(scale))
        draw(TileFrame(tile), on: canvas, base: base)
        return canvas
    }

    /// Draws the map's layers in `frame` on `canvas`: the base (roads, boundaries) first,
    /// under the risk colours, unless `base` is false.
    func draw(_ frame: TileFrame, on canvas: Canvas, base: Bool = true) {
        let box = frame.bounds(growingBy: reach)
        if base {
            drawRoads(on: canvas, frame, box)
            drawBoundaries(on: canvas, frame, box)
        }
        drawAreas(on: canvas, frame, box)
        drawHazards(on: canvas, frame, box, zoom: frame.zoom)
        drawShelters(on: canvas, frame, box, zoom: frame.zoom)
        drawFacilities(on: canvas, frame, box, zoom: frame.zoom)
        drawLabels(on: canvas, frame, zoom: frame.zoom)
    }

    /// Roads by class, minor ones first so that major ones cross over them; all casings
    /// before any fill, so a junction reads as one road.
    private func drawRoads(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox) {
        let s = style.roads
        if s.generalised(at: frame.zoom), let level = generalised.level(snapshot, zoom: frame.zoom, style: s) {
            drawGeneralisedRoads(level, on: canvas, frame)
            return
        }
        let byWidth = lines(.roads, styledBy: Columns.roadClass, s.line(for:), frame, box)
        guard !byWidth.isEmpty else { return }
        for road in byWidth where road.line.dash == nil {
            frame.trace(road.geometry, on: canvas)
            canvas.stroke(s.casing, width: s.width(of: road.line, zoom: frame.zoom) + 2 * s.casingWidth)
        }
        for road in byWidth {
            frame.trace(road.geometry, on: canvas)
            canvas.stroke(road.line.colour, width: s.width(of: road.line, zoom: frame.zoom), dash: road.line.dash ?? [])
        }
    }

    /// Roads from their generalised level: each style's segments near the frame as one
    /// path, casings of all solid styles first, then the styles narrowest first.
    private func drawGeneralisedRoads(_ level: RoadGeneralisation.Level, on canvas: Canvas, _ frame: TileFrame) {
        let s = style.roads
        let margin = reach + s.casingWidth + 16
        let minX = frame.originX - margin, maxX = frame.originX + frame.width + margin
        let minY = frame.originY - margin, maxY = frame.originY + frame.height + margin
        // Segments are filed by their first end and reach at most 128 px from it.
        let cellRange = (x: RoadGeneralisation.pixel((minX / 256).rounded(.down)) - 1...RoadGeneralisation.pixel((maxX / 256).rounded(.down)) + 1,
                         y: RoadGeneralisation.pixel((minY / 256).rounded(.down)) - 1...RoadGeneralisation.pixel((maxY / 256).rounded(.down)) + 1)
        // The segments of each style that may show in the frame, as one path each.
        func trace(_ slot: Int) -> Bool {
            canvas.newPath()
            var any = false
            func add(_ flat: [Int32]) {
                var i = 0
                while i + 3 < flat.count {
                    let x1 = Double(flat[i]), y1 = Double(flat[i + 1]), x2 = Double(flat[i + 2]), y2 = Double(flat[i + 3])
                    i += 4
                    guard max(x1, x2) >= minX, min(x1, x2) <= maxX, max(y1, y2) >= minY, min(y1, y2) <= maxY else { continue }
                    canvas.move(x1 - frame.originX, y1 - frame.originY)
                    canvas.line(x2 - frame.originX, y2 - frame.originY)
                    any = true
                }
            }
            for y in cellRange.y {
                for x in cellRange.x {
                    if let cell = level.cells[RoadGeneralisation.Cell(x: x, y: y)], slot < cell.count { add(cell[slot]) }
                }
            }
            if slot < level.long.count { add(level.long[slot]) }
            return any
        }
        for (slot, line) in level.lines.enumerated() where line.dash == nil {
            if trace(slot) { canvas.stroke(s.casing, width: s.width(of: line, zoom: frame.zoom) + 2 * s.casingWidth) }
        }
        for (slot, line) in level.lines.enumerated() {
            if trace(slot) { canvas.stroke(line.colour, width: s.width(of: line, zoom: frame.zoom), dash: line.dash ?? []) }
        }
    }

    /// Outlines of administrative units by level, finer levels first, each over a light
    /// halo so that it reads on any fill.
    private func drawBoundaries(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox) {
        let s = style.adminBoundaries
        for unit in lines(.adminUnits, styledBy: Columns.adminLevel, s.line(for:), frame, box) {
            frame.trace(unit.geometry, on: canvas)
            if let halo = s.halo { canvas.stroke(halo, width: unit.line.width + 2, preserve: true) }
            canvas.stroke(unit.line.colour, width: unit.line.width, dash: unit.line.dash ?? [])
        }
    }

    /// The features of `layer` meeting `box` whose line (chosen by the text in `column`)
    /// shows at the frame's zoom, narrowest first.
    private func lines(_ layer: Layer, styledBy column: Int, _ line: (String?) -> TileStyle.Line, _ frame: TileFrame,
                       _ box: BoundingBox) -> [(line: TileStyle.Line, geometry: Geometry)] {
        var found: [(line: TileStyle.Line, geometry: Geometry)] = []
        snapshot.forEachCandidate(layer, meeting: box) { record in
            let text: String? = if case .text(let text) = record.value(column) { text } else { nil }
            let chosen = line(text)
            guard frame.zoom >= chosen.minZoom else { return }
            found.append((chosen, record.geometry))
        }
        return found.sorted { $0.line.width < $1.line.width }
    }

    private func drawAreas(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox) {
        guard let risk, frame.zoom >= style.riskAreas.minZoom else { return }
        let slots = risk.areas(meeting: box)
        let s = style.riskAreas
        // Low zooms: each level's union, clipped to the tile and traced to the pixel; the
        // areas no source reaches keep their own outlines.
        let parts = s.merged(at: frame.zoom) ? merged.parts(of: risk) : nil
        if let parts {
            for part in parts where part.box.intersects(box) {
                frame.traceClipped(part.geometry, on: canvas)
                canvas.fill(s.fill[part.level], preserve: true)
                canvas.stroke(s.outline[part.level], width: s.outlineWidth)
            }
        }
        for slot in slots {
            let level = risk.assessments[slot].level
            if parts != nil && level != nil { continue }
            guard level != nil || s.uncolouredOutline != nil else { continue }
            frame.trace(risk.areas[slot].geometry, on: canvas)
            if let level {
                canvas.fill(s.fill[level], preserve: true)
                canvas.stroke(s.outline[level], width: s.outlineWidth)
            } else if let outline = s.uncolouredOutline {
                canvas.stroke(outline, width: s.outlineWidth)
            }
        }
    }

    private func drawHazards(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox, zoom: Int) {
        let s = style.hazards
        let first = RiskLevel.allCases.filter { Double(zoom) >= s.minZoom[$0] }
        guard !first.isEmpty else { return }
        let rules = risk?.rules ?? .standard
        var points: [(RiskLevel, Double, Double, Bool)] = []
        snapshot.forEachCandidate(.hazards, meeting: box) { record in
            guard record.value(Columns.hazardStatus) != .text("closed"), let level = rules.assess(record)?.level,
                  Double(zoom) >= s.minZoom[level] else { return }
            let late = !overdue.isEmpty && overdue.contains(record.id)
            switch record.geometry {
            case .point(let c):
                let p = frame.point(c)
                points.append((level, p.x, p.y, late))
            case .multiPoint(let cs):
                for c in cs { let p = frame.point(c); points.append((level, p.x, p.y, late)) }
            case .lineString, .multiLineString:
                if late {
                    frame.trace(record.geometry, on: canvas)
                    canvas.stroke(s.overdue.colour, width: s.lineWidth + 2 * s.overdue.width)
                }
                frame.trace(record.geometry, on: canvas)
                canvas.stroke(s.colour[level], width: s.lineWidth)
            default:
                frame.trace(record.geometry, on: canvas)
                canvas.fill(s.colour[level].withAlpha(s.polygonFillOpacity), preserve: true)
                canvas.stroke(late ? s.overdue.colour : s.colour[level], width: late ? s.overdue.width : max(1, s.lineWidth / 2))
            }
        }
        // Less severe first, so red symbols end up on top. Thinned below `thin_below_zoom`:
        // one symbol of a level and ring per cell as wide as its radius.
        let thin = s.thinned(at: zoom)
        var placed = Set<ThinCell>()
        for (level, x, y, late) in points.sorted(by: { $0.0 > $1.0 }) {
            if thin {
                let cell = max(1, s.radius[level])
                let key = ThinCell(level: level, late: late, x: RoadGeneralisation.pixel((x / cell).rounded(.down)),
                                   y: RoadGeneralisation.pixel((y / cell).rounded(.down)))
                guard placed.insert(key).inserted else { continue }
            }
            if late {
                canvas.circle(x, y, s.radius[level] + s.overdue.gap + s.overdue.width / 2)
                canvas.stroke(s.overdue.colour, width: s.overdue.width)
            }
            canvas.circle(x, y, s.radius[level])
            canvas.fill(s.colour[level], preserve: true)
            canvas.stroke(s.stroke, width: s.strokeWidth)
        }
    }

    /// A thinning cell: a symbol's level, ring and cell.
    private struct ThinCell: Hashable {
        var level: RiskLevel
        var late: Bool
        var x: Int32
        var y: Int32
    }

    private func drawShelters(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox, zoom: Int) {
        let s = style.shelters
        guard zoom >= s.minZoom else { return }
        snapshot.forEachCandidate(.shelters, meeting: box) { record in
            let status: String? = if case .text(let text) = record.value(Columns.shelterStatus) { text } else { nil }
            let symbol = s.symbol(status: status)
            if case .point = record.geometry {} else {
                frame.trace(record.geometry, on: canvas)
                canvas.fill(symbol == s.symbol ? s.areaFill : symbol.fill.withAlpha(s.areaFill.alpha), preserve: true)
                canvas.stroke(symbol.fill, width: 1.5)
            }
            let p = frame.point(Self.anchor(record.geometry))
            Self.symbol(symbol, at: p, size: s.size, stroke: s.stroke, on: canvas)
        }
    }

    private func drawFacilities(on canvas: Canvas, _ frame: TileFrame, _ box: BoundingBox, zoom: Int) {
        let s = style.facilities
        guard zoom >= s.minZoom else { return }
        snapshot.forEachCandidate(.facilities, meeting: box) { record in
            let kind = record.value(Columns.facilityKind).description
            Self.symbol(s.kinds[kind] ?? s.other, at: frame.point(Self.anchor(record.geometry)), size: s.size, stroke: s.stroke, on: canvas)
        }
    }

    private func drawLabels(on canvas: Canvas, _ frame: TileFrame, zoom: Int) {
        let s = style.labels
        if let risk, zoom >= s.areasFrom {
            // Labels reach further than symbols: fetch with room for a long name.
            for slot in risk.areas(meeting: frame.bounds(growingBy: 160)) {
                guard let anchor = anchors[slot], let name = risk.areas[slot].name else { continue }
                let p = frame.point(anchor)
                canvas.label(name, x: p.x, y: p.y, style: s)
            }
        }
        guard zoom >= s.pointsFrom else { return }
        let box = frame.bounds(growingBy: 160)
        for (layer, size, column) in [(Layer.shelters, style.shelters.size, Columns.shelterName),
                                      (.facilities, style.facilities.size, Columns.facilityName)] {
            snapshot.forEachCandidate(layer, meeting: box) { record in
                guard case .text(let name) = record.value(column) else { return }
                let p = frame.point(Self.anchor(record.geometry))
                canvas.label(name, x: p.x, y: p.y + size / 2 + s.size * 0.8, style: s)
            }
        }
    }

    /// Where a feature's symbol goes: the point itself, else the mean of its first ring.
    static func anchor(_ geometry: Geometry) -> Coordinate {
        if case .point(let c) = geometry { return c }
        var sx = 0.0, sy = 0.0, n = 0.0
        geometry.forEachCoordinate { c in sx += c.x; sy += c.y; n += 1 }
        return n > 0 ? Coordinate(sx / n, sy / n) : Coordinate(0, 0)
    }

    static func symbol(_ symbol: TileStyle.Symbol, at p: (x: Double, y: Double), size: Double, stroke: TileStyle.Colour, on canvas: Canvas) {
        let r = size / 2
        canvas.newPath()
        switch symbol.shape {
        case .circle: canvas.circle(p.x, p.y, r)
        case .square: canvas.rectangle(p.x - r, p.y - r, size, size)
        case .diamond:
            canvas.move(p.x, p.y - r); canvas.line(p.x + r, p.y); canvas.line(p.x, p.y + r); canvas.line(p.x - r, p.y); canvas.close()
        case .triangle:
            canvas.move(p.x, p.y - r); canvas.line(p.x + r, p.y + r * 0.8); canvas.line(p.x - r, p.y + r * 0.8); canvas.close()
        case .cross:
            let t = r / 3
            canvas.move(p.x - t, p.y - r)
            for (dx, dy) in [(t, -r), (t, -t), (r, -t), (r, t), (t, t), (t, r), (-t, r), (-t, t), (-r, t), (-r, -t), (-t, -t)] {
                canvas.line(p.x + dx, p.y + dy)
            }
            canvas.close()
        case .star:
            for i in 0..<10 {
                let angle = Double(i) * .pi / 5 - .pi / 2, radius = i % 2 == 0 ? r : r * 0.45
                let (x, y) = (p.x + radius * cos(angle), p.y + radius * sin(angle))
                if i == 0 { canvas.move(x, y) } else { canvas.line(x, y) }
            }
            canvas.close()
        }
        canvas.fill(symbol.fill, preserve: true)
        canvas.stroke(stroke, width: 1.2)
    }
}

/// Where lon/lat lands on a window of the Web Mercator world at one zoom, in 256-px-tile
/// units from the window's top-left corner: one tile, or a whole report map.
struct TileFrame {
    let zoom: Int
    let world: Double
    let originX: Double
    let originY: Double
    let width: Double
    let height: Double

    init(_ tile: TileID) {
        self.init(zoom: tile.z, originX: Double(tile.x) * 256, originY: Double(tile.y) * 256, width: 256, height: 256)
    }

    init(zoom: Int, originX: Double, originY: Double, width: Double, height: Double) {
        self.zoom = zoom
        world = 256 * Double(1 << zoom)
        self.originX = originX
        self.originY = originY
        self.width = width
        self.height = height
    }

    func point(_ c: Coordinate) -> (x: Double, y: Double) {
        ((c.x + 180) / 360 * world - originX, TileID.mercatorY(c.y) * world - originY)
    }

    /// The window's lon/lat box grown by `units` on every side.
    func bounds(growingBy units: Double) -> BoundingBox {
        func lon(_ px: Double) -> Double { px / world * 360 - 180 }
        func lat(_ py: Double) -> Double { TileID.latitude(min(1, max(0, py / world))) }
        return BoundingBox(minX: max(-180, lon(originX - units)), minY: lat(originY + height + units),
                           maxX: min(180, lon(originX + width + units)), maxY: lat(originY - units))
    }

    /// Makes the rings or lines of `geometry` the canvas's path.
    func trace(_ geometry: Geometry, on canvas: Canvas) {
        canvas.newPath()
        append(geometry, to: canvas)
    }

    /// How far outside the frame clipped rings run, in 256-px units: more than any solid
    /// outline's half width, so the edges a clip adds are never seen.
    static let clipMargin = 16.0

    /// Makes the polygon rings of `geometry` the canvas's path, each clipped to the frame
    /// grown by ``clipMargin`` (Sutherland–Hodgman: what lies inside is the same region, the
    /// even-odd parity of every visible pixel unchanged) and traced to the pixel (a vertex
    /// within half a unit of the last one kept is skipped). For fills and solid outlines
    /// only: a dash pattern would restart where the clip moved the ring's start.
    func traceClipped(_ geometry: Geometry, on canvas: Canvas) {
        canvas.newPath()
        let lo = -Self.clipMargin, hiX = width + Self.clipMargin, hiY = height + Self.clipMargin
        func ring(_ coordinates: [Coordinate]) {
            var points = coordinates.map(point)
            if points.count > 1, points[0] == points[points.count - 1] { points.removeLast() }
            // Clip against each edge of the grown frame in turn.
            for edge in 0..<4 {
                guard !points.isEmpty else { return }
                func inside(_ p: (x: Double, y: Double)) -> Bool {
                    switch edge {
                    case 0: p.x >= lo
                    case 1: p.x <= hiX
                    case 2: p.y >= lo
                    default: p.y <= hiY
                    }
                }
                func cross(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> (x: Double, y: Double) {
                    switch edge {
                    case 0, 1:
                        let x = edge == 0 ? lo : hiX
                        return (x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x))
                    default:
                        let y = edge == 2 ? lo : hiY
                        return (a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y)
                    }
                }
                var clipped: [(x: Double, y: Double)] = []
                clipped.reserveCapacity(points.count + 4)
                var previous = points[points.count - 1]
                for current in points {
                    switch (inside(previous), inside(current)) {
                    case (true, true): clipped.append(current)
                    case (true, false): clipped.append(cross(previous, current))
                    case (false, true):
                        clipped.append(cross(previous, current))
                        clipped.append(current)
                    case (false, false): break
                    }
                    previous = current
                }
                points = clipped
            }
            guard points.count >= 3 else { return }
            var last = points[0]
            canvas.move(last.x, last.y)
            for p in points.dropFirst() where abs(p.x - last.x) >= 0.5 || abs(p.y - last.y) >= 0.5 {
                canvas.line(p.x, p.y)
                last = p
            }
            canvas.close()
        }
        func rings(_ geometry: Geometry) {
            switch geometry {
            case .polygon(let list): list.forEach(ring)
            case .multiPolygon(let polygons): polygons.forEach { $0.forEach(ring) }
            case .geometryCollection(let parts): parts.forEach(rings)
            default: break
            }
        }
        rings(geometry)
    }

    private func append(_ geometry: Geometry, to canvas: Canvas) {
        func ring(_ coordinates: [Coordinate], closed: Bool) {
            for (i, c) in coordinates.enumerated() {
                let p = point(c)
                if i == 0 { canvas.move(p.x, p.y) } else { canvas.line(p.x, p.y) }
            }
            if closed { canvas.close() }
        }
        switch geometry {
        case .point, .multiPoint: break
        case .lineString(let cs): ring(cs, closed: false)
        case .multiLineString(let lines): lines.forEach { ring($0, closed: false) }
        case .polygon(let rings): rings.forEach { ring($0, closed: true) }
        case .multiPolygon(let polygons): polygons.forEach { $0.forEach { ring($0, closed: true) } }
        case .geometryCollection(let parts): parts.forEach { append($0, to: canvas) }
        }
    }
}

extension TileStyle.Colour {
    func withAlpha(_ alpha: Double) -> TileStyle.Colour {
        var c = self
        c.alpha = alpha
        return c
    }
}

enum Columns {
    static let hazardStatus = Layer.hazards.columnIndex("status")
    static let shelterName = Layer.shelters.columnIndex("name")
    static let shelterStatus = Layer.shelters.columnIndex("status")
    static let facilityName = Layer.facilities.columnIndex("name")
    static let facilityKind = Layer.facilities.columnIndex("kind")
    static let roadClass = Layer.roads.columnIndex("road_class")
    static let adminLevel = Layer.adminUnits.columnIndex("level")
}
