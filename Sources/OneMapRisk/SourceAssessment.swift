import OneMapStorage

/// A risk source's level and the evidence that set it, so a coloured map can say why.
public struct SourceAssessment: Sendable, Equatable {
    public enum Basis: Sendable, Equatable {
        /// The level the source data gives.
        case given
        /// D = L × E × C.
        case lec(l: Double, e: Double, c: Double, d: Double)
        /// R = L × S.
        case matrix(l: Double, s: Double, r: Double)
    }

    public var level: RiskLevel
    public var basis: Basis

    public init(level: RiskLevel, basis: Basis) {
        self.level = level
        self.basis = basis
    }
}

extension RiskRules {
    /// The level of a `hazards` record under these rules, or nil when the record lacks the
    /// evidence the method needs (no level given, or a factor missing).
    public func assess(_ record: LayerRecord) -> SourceAssessment? {
        func number(_ column: Int) -> Double? { record.value(column).number }
        let given: SourceAssessment? = number(Columns.level).flatMap { Int(exactly: $0) }.flatMap { RiskLevel(rawValue: $0) }
            .map { SourceAssessment(level: $0, basis: .given) }
        let byLEC: SourceAssessment? = {
            guard let l = number(Columns.lecL), let e = number(Columns.lecE), let c = number(Columns.lecC) else { return nil }
            let d = l * e * c
            return SourceAssessment(level: lec.level(d), basis: .lec(l: l, e: e, c: c, d: d))
        }()
        let byMatrix: SourceAssessment? = {
            guard let l = number(Columns.matrixL), let s = number(Columns.matrixS) else { return nil }
            let r = l * s
            return SourceAssessment(level: matrix.level(r), basis: .matrix(l: l, s: s, r: r))
        }()
        switch sourceMethod {
        case .given: return given
        case .lec: return byLEC
        case .matrix: return byMatrix
        case .auto: return given ?? byLEC ?? byMatrix
        }
    }
}

/// Positions of the hazard columns the rules read, resolved once.
private enum Columns {
    static let level = index("level")
    static let lecL = index("lec_l")
    static let lecE = index("lec_e")
    static let lecC = index("lec_c")
    static let matrixL = index("matrix_l")
    static let matrixS = index("matrix_s")

    static func index(_ name: String) -> Int { Layer.hazards.columnIndex(name) }
}
