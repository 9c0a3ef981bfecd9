/// The hstore text GDAL's OSM driver puts the tags it has no column for in:
/// `"oneway"=>"yes","maxspeed"=>"50"` (quotes and backslashes escaped with `\`).
public enum OSMTags {
    /// The tags in the order written; malformed text ends the list where it breaks.
    public static func parse(_ text: String) -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        var chars = text.unicodeScalars.makeIterator()
        func quoted() -> String? {
            // Skip separators to the opening quote, then read to the closing one.
            while let c = chars.next() {
                if c == "\"" { break }
                if c != " " && c != "," { return nil }
            }
            var out = String.UnicodeScalarView()
            while let c = chars.next() {
                if c == "\\" {
                    if let n = chars.next() { out.append(n) }
                    continue
                }
                if c == "\"" { return String(out) }
                out.append(c)
            }
            return nil
        }
        while let key = quoted() {
            guard chars.next() == "=", chars.next() == ">", let value = quoted() else { break }
            tags.append((key, value))
        }
        return tags
    }
}
