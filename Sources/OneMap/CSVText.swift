/// CSV for spreadsheets (the call centre's notification list, the supervision list): UTF-8
/// with a byte-order mark so spreadsheet programs read Chinese names, CRLF line ends, and
/// cells that would start a formula (= + - @, other than a plain number) quoted as text.
public enum CSVText {
    public static func cell(_ s: String?) -> String {
        var s = s ?? ""
        if let first = s.first, "=+-@".contains(first), Double(s) == nil { s = "'" + s }
        return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" : s
    }

    public static func document(header: [String], rows: [[String?]]) -> String {
        var out = "\u{FEFF}" + header.joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(cell).joined(separator: ",") + "\r\n" }
        return out
    }
}
