import OneMapGeometry

/// A closed set of values with the spellings source data uses for each.
public struct Vocabulary: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public var canonical: String
        public var meaning: String
        /// Other spellings, compared after lower-casing.
        public var aliases: [String]
    }

    public let terms: [Term]
    /// Whether canonical values are integers (stored as INTEGER).
    public let isNumeric: Bool
    /// Lower-cased canonical values and aliases → term index, built once: matching runs
    /// for every value of every imported feature.
    private let index: [String: Int]

    init(terms: [Term], isNumeric: Bool) {
        self.terms = terms
        self.isNumeric = isNumeric
        var index: [String: Int] = [:]
        // Lower-case both sides: "Ⅱ".lowercased() is "ⅱ", so aliases are folded too.
        for (i, term) in terms.enumerated().reversed() {
            for spelling in [term.canonical] + term.aliases { index[spelling.lowercased()] = i }
        }
        self.index = index
    }

    func match(_ value: JSONValue) -> Term? {
        let text: String
        switch value {
        case .string(let s):
            if let i = index[s] { return terms[i] }  // the common case: already canonical
            text = s.trimmingCharacters(in: .whitespaces).lowercased()
        case .number(let n) where n == n.rounded() && abs(n) < 1e15: text = String(Int64(n))
        default: return nil
        }
        return index[text].map { terms[$0] }
    }

    /// Risk level, most severe first: 1 red 重大 (major), 2 orange 较大 (significant),
    /// 3 yellow 一般 (general), 4 blue 低 (low).
    public static let riskLevel = Vocabulary(
        terms: [
            Term(canonical: "1", meaning: "red, 重大, major", aliases: ["red", "major", "重大", "重大风险", "红", "红色", "i", "Ⅰ"]),
            Term(canonical: "2", meaning: "orange, 较大, significant", aliases: ["orange", "significant", "较大", "较大风险", "橙", "橙色", "ii", "Ⅱ"]),
            Term(canonical: "3", meaning: "yellow, 一般, general", aliases: ["yellow", "general", "一般", "一般风险", "黄", "黄色", "iii", "Ⅲ"]),
            Term(canonical: "4", meaning: "blue, 低, low", aliases: ["blue", "low", "低", "低风险", "较低", "蓝", "蓝色", "iv", "Ⅳ"]),
        ], isNumeric: true)

    /// The hidden-hazard lifecycle: 排查→登记→治理→销号.
    public static let hazardStatus = Vocabulary(
        terms: [
            Term(canonical: "registered", meaning: "found and registered (排查, 登记)", aliases: ["open", "new", "reported", "登记", "已登记", "排查", "待整改"]),
            Term(canonical: "rectifying", meaning: "being rectified (治理, 整改)", aliases: ["in_progress", "rectification", "治理", "整改", "整改中", "治理中"]),
            Term(canonical: "closed", meaning: "rectified and closed (销号)", aliases: ["done", "resolved", "销号", "已销号", "已整改", "关闭"]),
        ], isNumeric: false)

    /// Earthquake shelter class (GB 21734-2008): I ≥ 30 days, II 10–30 days, III < 10 days.
    public static let shelterClass = Vocabulary(
        terms: [
            Term(canonical: "I", meaning: "class I, ≥ 30 days", aliases: ["1", "Ⅰ", "Ⅰ类", "i类", "一类", "class i"]),
            Term(canonical: "II", meaning: "class II, 10–30 days", aliases: ["2", "Ⅱ", "Ⅱ类", "ii类", "二类", "class ii"]),
            Term(canonical: "III", meaning: "class III, < 10 days", aliases: ["3", "Ⅲ", "Ⅲ类", "iii类", "三类", "class iii"]),
        ], isNumeric: false)

    /// Shelter kind (GB 50413-2007): emergency (500 m), fixed (2–3 km), central.
    public static let shelterKind = Vocabulary(
        terms: [
            Term(canonical: "emergency", meaning: "紧急避难场所, ≥ 1 m²/person, 500 m", aliases: ["紧急", "紧急避难场所"]),
            Term(canonical: "fixed", meaning: "固定避难场所, ≥ 2 m²/person, 2–3 km", aliases: ["固定", "固定避难场所"]),
            Term(canonical: "central", meaning: "中心避难场所", aliases: ["中心", "中心避难场所"]),
        ], isNumeric: false)

    /// Whether a shelter or facility can be used now.
    public static let operationalStatus = Vocabulary(
        terms: [
            Term(canonical: "open", meaning: "in service", aliases: ["active", "available", "开放", "启用", "正常"]),
            Term(canonical: "full", meaning: "in service, at capacity", aliases: ["已满"]),
            Term(canonical: "closed", meaning: "out of service", aliases: ["inactive", "关闭", "停用"]),
            Term(canonical: "planned", meaning: "planned, not built", aliases: ["proposed", "规划", "拟建", "在建"]),
        ], isNumeric: false)
}
