import Foundation
import GRDB
import OneMapGeometry

extension WriteSession {
    /// Derives hazards' `grid_code` from the grids in the file (``GridLocator``), in this
    /// transaction: for hazards without one, and with `recheck` also for hazards whose
    /// code names no grid the file has (after grids were loaded or replaced). A code the
    /// source gave that names a grid is kept. Returns how many hazards changed.
    @discardableResult
    public func deriveHazardGridCodes(recheck: Bool) throws -> Int {
        guard try db.tableExists(Layer.hazards.tableName), try db.tableExists(Layer.grids.tableName) else { return 0 }
        let rtree = "rtree_grids_geom"
        let hasIndex = try db.tableExists(rtree)
        let candidatesSQL = hasIndex
            ? "SELECT g.id, g.code, g.geom FROM grids g JOIN \(rtree) r ON r.id = g.fid WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND g.code IS NOT NULL"
            : "SELECT id, code, geom FROM grids WHERE code IS NOT NULL AND ? IS NOT NULL AND ? IS NOT NULL AND ? IS NOT NULL AND ? IS NOT NULL"
        let candidates = try db.makeStatement(sql: candidatesSQL)
        let db = self.db
        let locator = GridLocator { box in
            try Row.fetchAll(candidates, arguments: [box.maxX, box.minX, box.maxY, box.minY]).compactMap { row -> GridLocator.Cell? in
                guard let id: String = row[0], let code: String = row[1], let blob: Data = row[2] else { return nil }
                return GridLocator.Cell(key: id, code: code, geometry: try GeoPackageBinary.decode([UInt8](blob)))
            }
        }
        let condition = recheck ? "grid_code IS NULL OR grid_code NOT IN (SELECT code FROM grids WHERE code IS NOT NULL)" : "grid_code IS NULL"
        var changes: [(fid: Int64, code: String?)] = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT fid, geom, grid_code FROM hazards WHERE \(condition)")
        while let row = try cursor.next() {
            guard let fid: Int64 = row[0], let blob: Data = row[1] else { continue }
            let code = try locator.code(of: try GeoPackageBinary.decode([UInt8](blob)))
            let old: String? = row[2]
            if code != old { changes.append((fid, code)) }
        }
        guard !changes.isEmpty else { return 0 }
        // Many derived codes are one `reload` in the edit journal, not a row per hazard.
        let journal = EditJournal.triggers(.hazards).first { $0.name.hasSuffix("_update") }
        let quiet = changes.count > 100 ? try journal.flatMap { t in try db.triggerExists(t.name) ? t : nil } : nil
        if let quiet { try db.execute(sql: "DROP TRIGGER \(quiet.name)") }
        let update = try db.makeStatement(sql: "UPDATE hazards SET grid_code = ? WHERE fid = ?")
        for change in changes { try update.execute(arguments: [change.code, change.fid]) }
        if let quiet {
            try db.execute(sql: quiet.sql)
            try db.execute(sql: "INSERT INTO onemap_edits (layer, feature_id, operation) VALUES ('hazards', NULL, 'reload')")
        }
        return changes.count
    }
}
