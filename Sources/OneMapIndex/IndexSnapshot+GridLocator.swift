import OneMapGeometry
import OneMapStorage

extension IndexSnapshot {
    /// A ``GridLocator`` over this snapshot's grid cells (those with a code), for deriving
    /// a hazard's `grid_code` the way every writer does.
    public func gridLocator() throws -> GridLocator {
        let state = try state(.grids)
        let code = Layer.grids.columnIndex("code")
        return GridLocator { box in
            var cells: [GridLocator.Cell] = []
            state.forEach(meeting: box) { ref in
                let record = state.record(ref)
                if case .text(let c) = record.value(code) { cells.append(GridLocator.Cell(key: record.id, code: c, geometry: record.geometry)) }
            }
            return cells
        }
    }
}
