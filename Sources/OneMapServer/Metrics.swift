import Foundation
import Hummingbird
import Synchronization

/// Request counts and latencies per route, method and status, in the Prometheus text
/// format (`/metrics`).
final class Metrics: Sendable {
    /// Latency buckets in seconds (Prometheus `le`).
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: Metrics.buckets.count)
    }

    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let series = Mutex<[Key: Series]>([:])

    func record(route: String, method: String, status: Int, seconds: Double) {
        series.withLock { all in
            var s = all[Key(route: route, method: method, status: status)] ?? Series()
            s.count += 1
            s.sum += seconds
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { s.buckets[i] += 1 }
            all[Key(route: route, method: method, status: status)] = s
        }
    }

    /// The exposition text, with `extra` gauge lines appended.
    func exposition(extra: [String]) -> String {
        let snapshot = series.withLock { $0 }.sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
        var out = "# HELP onemap_http_requests_total HTTP requests answered, by route, method and status.\n# TYPE onemap_http_requests_total counter\n"
        for (key, s) in snapshot { out += "onemap_http_requests_total{\(labels(key))} \(s.count)\n" }
        out += "# HELP onemap_http_request_duration_seconds Time to answer, by route, method and status.\n# TYPE onemap_http_request_duration_seconds histogram\n"
        for (key, s) in snapshot {
            for (i, bound) in Self.buckets.enumerated() {
                out += "onemap_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(s.buckets[i])\n"
            }
            out += "onemap_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(s.count)\n"
            out += "onemap_http_request_duration_seconds_sum{\(labels(key))} \(s.sum)\n"
            out += "onemap_http_request_duration_seconds_count{\(labels(key))} \(s.count)\n"
        }
        return out + extra.joined(separator: "\n") + (extra.isEmpty ? "" : "\n")
    }

    private func labels(_ key: Key) -> String { "route=\"\(key.route)\",method=\"\(key.method)\",status=\"\(key.status)\"" }

    /// The route template a path belongs to, so that ids and tile numbers do not each
    /// make a series of their own.
    static func route(of path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.count {
        case 0: return "/"
        case 2 where parts[0] == "collections": return "/collections/{layer}"
        case 3 where parts[0] == "collections" && parts[2] == "items": return "/collections/{layer}/items"
        case 4 where parts[0] == "collections" && parts[2] == "items": return "/collections/{layer}/items/{id}"
        case 3 where parts[0] == "query" && parts[1] == "grid": return "/query/grid/{code}"
        case 4 where parts[0] == "tiles": return parts[3].contains("@2x") ? "/tiles/{z}/{x}/{y}@2x.png" : "/tiles/{z}/{x}/{y}.png"
        default:
            if parts[0] == "static" { return "/static/…" }
            let known: Set<String> = ["/conformance", "/collections", "/api", "/query/nearest-shelter", "/query/within", "/riskmap",
                                      "/riskmap/versions", "/riskmap/diff", "/riskmap/stats", "/riskmap/legend", "/tiles.json",
                                      "/map", "/health", "/metrics", "/route", "/evacuate", "/evacuation-plan",
                                      "/isochrone", "/coverage/fire", "/plan/audit"]
            let joined = "/" + parts.joined(separator: "/")
            return known.contains(joined) ? joined : "(unmatched)"
        }
    }
}

/// Times every request into ``Metrics``, after problems have been turned into answers.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        metrics.record(route: Metrics.route(of: request.uri.path), method: request.method.rawValue, status: response.status.code, seconds: seconds)
        return response
    }
}
