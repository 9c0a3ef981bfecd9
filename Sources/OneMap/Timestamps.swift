import Foundation

/// RFC 3339 times without `ISO8601DateFormatter`, whose creation (ICU) cost a third of a
/// features request; the format styles are values, safe to share across threads.
public enum Timestamps {
    private static let plain = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let day = Date.ISO8601FormatStyle().year().month().day()

    public static func now() -> String { plain.format(Date()) }
    /// `date` as the service writes times (ISO 8601 UTC, whole seconds).
    public static func format(_ date: Date) -> String { plain.format(date) }

    /// An instant as RFC 3339 (with or without fractional seconds) or a bare date.
    public static func parse(_ text: String) -> Date? {
        (try? plain.parse(text)) ?? (try? fractional.parse(text)) ?? (try? day.parse(text))
    }
}
