/// One vocabulary for zones, points and options: the same names in GET parameters, POST
/// bodies and (with dashes) CLI flags. A point is `lon` and `lat` (the query point) or a
/// named `lon,lat` pair (`from`, `to`, `centre`); in a body, `[lon, lat]`. A danger zone
/// is `zone` (a GeoJSON polygon, in bodies) or `centre` and `radius` (metres). Options are
/// snake_case words: `min_room`, `max_minutes`, `max_distance`, `max_sites`,
/// `safety_distance`, `avoid=red`.
enum Vocabulary {
    /// The vocabulary in a paragraph, for `/api`'s description (the README has it as a table).
    static let summary = """
        One vocabulary everywhere: the query point is lon and lat; a start or end is from=lon,lat and to=lon,lat in GET, \
        "from": [lon, lat] in bodies; a danger zone is centre=lon,lat with radius (metres) in GET, and in bodies "zone" \
        (a GeoJSON Polygon or MultiPolygon) or "centre": [lon, lat] with "radius", not both; avoid=red (GET) and \
        "avoid": "red" (bodies) also avoid the red cells; options are snake_case (min_room, max_minutes, max_distance, \
        max_sites, safety_distance), the CLI's flags the same words with dashes. Bodies are decoded strictly: unknown \
        members are a 422 naming them, unknown parameters a 400; earlier names (\(renamed.keys.sorted().joined(separator: ", "))) \
        are refused with the name to write.
        """

    /// Names earlier versions took, with what to write now: refused with that hint, never
    /// ignored (a danger zone given under an old name must not be dropped silently).
    static let renamed: [String: String] = [
        "zoneLon": "give the danger zone as centre=lon,lat and radius=METRES",
        "zoneLat": "give the danger zone as centre=lon,lat and radius=METRES",
        "zoneRadius": "give the danger zone as centre=lon,lat and radius=METRES",
        "minRoom": "write min_room",
        "minCapacity": "write min_room (free room: capacity − occupancy)",
        "maxDistance": "write max_distance",
        "maxMinutes": "write max_minutes",
        "maxSites": "write max_sites",
        "safetyDistance": "write safety_distance",
        "avoid_red": "write \"avoid\": \"red\", as GET /route?avoid=red",
        "center": "write centre",
    ]
}
