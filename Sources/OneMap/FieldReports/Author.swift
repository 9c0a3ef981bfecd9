/// Who makes an edit: a token holder over HTTP, or the person at the command line.
public struct Author: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// Writes only inside their own grid; moves hazards forward through the lifecycle.
        case gridWorker = "grid_worker"
        /// Writes anywhere; may reopen hazards and lower levels.
        case planner
        case admin
        /// Creates incidents and reports on them; may report a shelter's occupancy and
        /// status anywhere; hazards are the grid workers' and planners'.
        case commander
    }

    public var name: String
    public var role: Role
    /// The grid code a grid worker answers for.
    public var grid: String?

    public init(name: String, role: Role, grid: String? = nil) {
        self.name = name
        self.role = role
        self.grid = grid
    }

    /// Planners and admins: anywhere, any lifecycle step.
    public var isSupervisor: Bool { role == .planner || role == .admin }
    /// Commanders, planners and admins: create incidents and report on them.
    public var mayCommand: Bool { role != .gridWorker }
}
