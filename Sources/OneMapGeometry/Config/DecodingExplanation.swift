import Foundation

/// Turns a `DecodingError` from a configuration file (style, rules, planning standards,
/// an import mapping) into "member: what is wrong", with members in the file's own
/// snake_case spelling, so every configuration error reads the same way.
public enum DecodingExplanation {
    public static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing member '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(path(context.codingPath))' has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON: \(context.debugDescription)"
                : "'\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `sourceLayer` → `source_layer`.
    public static func snake(_ camel: String) -> String {
        camel.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}
