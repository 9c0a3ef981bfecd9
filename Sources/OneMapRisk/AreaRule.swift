/// How an area's level follows from the sources that reach it.
public enum AreaRule: String, Sendable, CaseIterable {
    /// The level of the most severe source (the plans' default).
    case mostSevere = "most_severe"
    /// The weighted density of sources: Σ weight(level) per km² of the area, against
    /// thresholds. Many small sources can make an area orange; one red source in a large
    /// area may not make it red.
    case weightedDensity = "weighted_density"
}

/// The weights and thresholds of ``AreaRule/weightedDensity``.
public struct DensityRule: Sendable, Equatable {
    /// Weight of one source at each level, red first (index = level − 1).
    public var weights: [Double]
    /// Level thresholds in weight per km²: red when the density ≥ redFrom, and so on;
    /// an area reached by some source but below yellowFrom is blue.
    public var redFrom: Double
    public var orangeFrom: Double
    public var yellowFrom: Double

    public init(weights: [Double], redFrom: Double, orangeFrom: Double, yellowFrom: Double) {
        self.weights = weights
        self.redFrom = redFrom
        self.orangeFrom = orangeFrom
        self.yellowFrom = yellowFrom
    }

    public func weight(_ level: RiskLevel) -> Double { weights[level.rawValue - 1] }

    public func level(_ density: Double) -> RiskLevel {
        if density >= redFrom { return .red }
        if density >= orangeFrom { return .orange }
        if density >= yellowFrom { return .yellow }
        return .blue
    }

    /// Ours, not the plans' (they give no density rule): a red source counts as ten blue
    /// ones; 20 per km² is two red sources in a 1 km² cell.
    public static let standard = DensityRule(weights: [10, 5, 2, 1], redFrom: 20, orangeFrom: 10, yellowFrom: 4)
}
