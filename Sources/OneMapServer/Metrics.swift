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

    /// The route label of each router path (Hummingbird's `endpointPath`): the endpoint's
    /// declared template, so ids and tile numbers do not each make a series of their own.
    static func labels(_ endpoints: [Endpoint]) -> [String: String] {
        Dictionary(endpoints.map { (RouterPath($0.routed).description, $0.path) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Times every request into ``Metrics``, after problems have been turned into answers.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics
    /// Router path → route label (from the endpoint declarations); anything else is `(unmatched)`.
    let labels: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.seconds
        metrics.record(route: context.endpointPath.flatMap { labels[$0] } ?? "(unmatched)", method: request.method.rawValue, status: response.status.code, seconds: seconds)
        return response
    }
}
