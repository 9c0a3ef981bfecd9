import Foundation
import Hummingbird
import Logging
import NIOCore
import OneMap
import Synchronization

/// The HTTP service: an Application over a ``OneMapService``.
public enum OneMapServer {
    public typealias Context = OneMapRequestContext

    /// The application serving `service`. `onRunning` hears the bound port (useful with port 0).
    public static func application(_ service: OneMapService, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        let routes = Routes(service: service, router: router)
        let endpoints = routes.endpoints
        // Outermost first: metrics see the final status, after problems became answers.
        router.add(middleware: MetricsMiddleware(metrics: service.metrics, labels: Metrics.labels(endpoints)))
        // CORS outside the problems: an error thrown through Hummingbird's CORS middleware
        // (any request with an Origin header, as every browser POST has) came out wrapped in
        // a type the problem middleware could not read, and a 403 or 404 became a 500.
        router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .ifNoneMatch],
                                              allowMethods: [.get, .head, .options]))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestLogMiddleware())
        routes.register(endpoints)
        let options = service.options
        return Application(
            router: router,
            // Closes connections idle this long, also those that never finish their headers
            // (500 half-open connections used to stay open for good).
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(options.idleTimeout / .nanoseconds(1))))),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "OneMap"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

extension OneMapServer {
    /// Reloads `service`'s tokens file on SIGHUP until the returned source is cancelled.
    public static func reloadTokensOnHangup(_ service: OneMapService, logger: Logger) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global(qos: .utility))
        source.setEventHandler { service.reloadTokens(logger: logger) }
        source.resume()
        return source
    }
}

extension OneMapServer {
    /// Looks at the GeoPackage every `interval` for edits other programs committed (the
    /// CLI, QGIS, ogr2ogr) and applies them, until the returned timer is cancelled. A
    /// failed look is logged and tried again at the next tick; it never stops the server.
    public static func watchEditsFromElsewhere(_ service: OneMapService, logger: Logger,
                                               interval: DispatchTimeInterval = .milliseconds(500)) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "onemap.edits", qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        let lastOverdueLook = Mutex(Date())
        let lastHeartbeat = Mutex(Date())
        timer.setEventHandler {
            // Live-feed listeners hear a comment line every 15 s (idle timeouts, proxies).
            if lastHeartbeat.withLock({ last in
                guard Date().timeIntervalSince(last) >= 15 else { return false }
                last = Date()
                return true
            }) { service.feed.heartbeat() }
            do {
                // Deadlines pass with time: once a minute, redraw hazards that became overdue.
                if lastOverdueLook.withLock({ last in
                    guard Date().timeIntervalSince(last) >= 60 else { return false }
                    last = Date()
                    return true
                }) {
                    let late = try service.live.refreshOverdue()
                    if !late.isEmpty {
                        service.feed.publishEdits(late.map { (Layer.hazards, $0.id, $0.box) }, hint: [])
                        logger.info("overdue hazards redrawn", metadata: ["changed": "\(late.count)"])
                    }
                }
                let applied = try service.reports.applyEditsFromElsewhere()
                if !applied.isEmpty {
                    logger.info("applied edits from elsewhere", metadata: Dictionary(uniqueKeysWithValues: applied.applied.map { ($0.key.tableName, "\($0.value)") }))
                }
            } catch {
                logger.error("reading edits from elsewhere failed", metadata: ["error": "\(error)"])
            }
        }
        timer.resume()
        return timer
    }
}

/// The request context: Hummingbird's core, and the client's address (failed
/// authentications are limited per address).
public struct OneMapRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Logs each request at debug level with its route, status and time (structured).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= .debug else { return try await next(request, context) }
        let started = ContinuousClock.now
        let response = try await next(request, context)
        context.logger.debug("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.3f", Double((ContinuousClock.now - started).components.attoseconds) * 1e-15))",
        ])
        return response
    }
}

/// The routes, grouped by concern in the `Routes+…` files.
///
/// Handlers capture this value for `service` (Sendable); `router` is used only while the
/// routes are registered, before the server starts, hence the unchecked conformance.
struct Routes: @unchecked Sendable {
    let service: OneMapService
    let router: Router<OneMapServer.Context>

    typealias Handler = @Sendable (Request, OneMapServer.Context) async throws -> Response

    /// Every endpoint the service has, each declared once (see ``Endpoint``).
    var endpoints: [Endpoint] {
        featureEndpoints + riskAreaEndpoints + queryEndpoints + riskMapEndpoints + tileEndpoints + routingEndpoints + planningEndpoints + incidentEndpoints + fieldEndpoints + webEndpoints
    }

    /// Registers every endpoint: its handler behind the checks its declaration implies, HEAD
    /// beside each GET, and a 405 naming the allowed methods for the other methods.
    func register(_ endpoints: [Endpoint]) {
        var paths: [String] = []
        var byPath: [String: [Endpoint]] = [:]
        for endpoint in endpoints {
            if byPath[endpoint.routed] == nil { paths.append(endpoint.routed) }
            byPath[endpoint.routed, default: []].append(endpoint)
        }
        for path in paths {
            let group = byPath[path] ?? []
            var handlers: [HTTPRequest.Method: Handler] = [:]
            for endpoint in group { handlers[endpoint.method] = handler(endpoint) }
            resource(path, handlers)
        }
    }

    /// The handler of `endpoint`: authenticates when it is secured, checks the query
    /// against the declaration, then calls the endpoint's own handler.
    func handler(_ endpoint: Endpoint) -> Handler {
        let service = service
        let declared = endpoint.parameters.filter { $0.location == .query }
        return { request, context in
            let author = endpoint.secured ? try service.tokens.writer(of: request, client: Routes.client(context)) : nil
            let params = try Params(request, declared: declared, columnFilters: endpoint.columnFilters, context: context)
            return try await endpoint.handler(Call(request: request, context: context, endpoint: endpoint, params: params, author: author))
        }
    }

    /// Registers `handlers` on `path`, and a 405 naming the allowed methods for the others.
    private func resource(_ path: String, _ handlers: [HTTPRequest.Method: Handler]) {
        for (method, handler) in handlers { router.on(RouterPath(path), method: method, use: handler) }
        if let get = handlers[.get] {
            // HEAD: the GET answer's status and headers without its body.
            router.on(RouterPath(path), method: .head) { request, context in
                let response = try await get(request, context)
                return Response(status: response.status, headers: response.headers)
            }
        }
        let allowed = handlers.keys.sorted { $0.rawValue < $1.rawValue } + (handlers[.get] != nil ? [.head] : [])
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where handlers[method] == nil {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                var problem = Problem(.methodNotAllowed, "Method not allowed",
                                      "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allowed.map(\.rawValue).joined(separator: ", "))")
                problem.allow = allowed
                throw problem
            }
        }
    }

    /// The client's address, without the port (one client opens many connections).
    static func client(_ context: OneMapServer.Context) -> String {
        guard let address = context.remoteAddress else { return "unknown" }
        return address.ipAddress ?? address.description
    }

    /// The scheme and authority the client used, for absolute links.
    /// The service's own address as the client reached it, for links: the Host header, and
    /// https when a reverse proxy that ended TLS says so (X-Forwarded-Proto; docs/DEPLOY.md).
    /// Only the links' scheme depends on the header, so a client that sends it fools only itself.
    static func base(_ request: Request) -> String {
        let forwarded = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value
        let proto = forwarded?.lowercased() == "https" ? "https://" : "http://"
        return proto + (request.head.authority ?? "localhost")
    }
}
