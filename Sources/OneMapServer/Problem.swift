import Foundation
import Hummingbird
import NIOHTTP1
import OneMap

/// An RFC 9457 problem: what went wrong with a request, as `application/problem+json`
/// with the right status. Every refusal the service makes is one of these.
public struct Problem: Error, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// The methods a path takes (405 answers carry them in `Allow`).
    var allow: [HTTPRequest.Method] = []
    /// Seconds a client should wait before trying again (429 and 503 answers carry `Retry-After`).
    var retryAfter: Int?
    /// Members beside the standard ones (a 412's `current_version`).
    var extra: [JSONMember] = []
    /// A 412's `ETag`: the current version.
    var eTag: String?

    public init(_ status: HTTPResponse.Status, _ title: String, _ detail: String) {
        self.status = status
        self.title = title
        self.detail = detail
    }

    static func badParameter(_ name: String, _ reason: String) -> Problem {
        Problem(.badRequest, "Bad parameter", "\(name): \(reason)")
    }

    static func notFound(_ detail: String) -> Problem { Problem(.notFound, "Not found", detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONValue.object([
            JSONMember("type", .string("about:blank")),
            JSONMember("title", .string(title)),
            JSONMember("status", .number(Double(status.code))),
            JSONMember("detail", .string(detail)),
            JSONMember("instance", .string(request.uri.path)),
        ] + extra)
        var response = Reply.json(body, status: status, contentType: "application/problem+json")
        if !allow.isEmpty { response.headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let eTag { response.headers[.eTag] = eTag }
        return response
    }
}

/// Turns whatever a handler throws into a problem answer: the library's own errors by
/// their meaning (a bad parameter is 400, an unknown feature 404), Hummingbird's by their
/// status, and anything unexpected into a 500 that is logged (and never crashes the server).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch {
            var problem = Self.problem(for: error)
            if let http = error as? HTTPError, http.status == .notFound, http.body == nil {
                problem.detail = "no resource at \(request.uri.path); the landing page / lists what there is"
            }
            if problem.status == .internalServerError {
                context.logger.error("unexpected error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return try problem.response(from: request, context: context)
        }
    }

    /// Each refusal of a field report by its meaning; no default, so a new case must be placed.
    static func reportProblem(_ error: ReportError) -> Problem {
        switch error {
        case .notCreatable, .readOnly:
            var problem = Problem(.methodNotAllowed, "Method not allowed", error.description)
            problem.allow = [.get]
            return problem
        case .unknownFeature: return Problem(.notFound, "Not found", error.description)
        case .duplicateID: return Problem(.conflict, "Conflict", error.description)
        case .forbidden: return Problem(.forbidden, "Forbidden", error.description)
        case .stale(_, _, let current):
            // The current version, so a device that queued a step offline can show the worker
            // what changed and let them decide, rather than guess.
            var problem = Problem(.preconditionFailed, "Precondition failed", error.description)
            problem.extra = [JSONMember("current_version", .string(current))]
            problem.eTag = "\"\(current)\""
            return problem
        case .requestKeyReused: return Problem(.unprocessableContent, "Idempotency key reused", error.description)
        case .invalidRequestKey: return Problem(.badRequest, "Bad parameter", error.description)
        case .lifecycle, .levelLowered, .statusRequired: return Problem(.unprocessableContent, "Invalid lifecycle step", error.description)
        case .invalidGeometry, .tooManyVertices: return Problem(.unprocessableContent, "Invalid geometry", error.description)
        case .invalidID, .serverOwned, .notReportable, .cannotMove, .invalidValue: return Problem(.unprocessableContent, "Invalid report", error.description)
        }
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let error as QueryError:
            switch error {
            case .unknownGrid, .unknownFeature: return Problem(.notFound, "Not found", error.description)
            case .layerNotLoaded: return Problem(.notFound, "Not found", error.description)
            case .duplicateFeature: return Problem(.conflict, "Conflict", error.description)
            case .invalidFeature: return Problem(.unprocessableContent, "Invalid feature", error.description)
            default: return Problem(.badRequest, "Bad request", error.description)
            }
        case let error as ReportError:
            return reportProblem(error)
        case let error as IncidentError:
            switch error {
            case .unknownIncident: return Problem(.notFound, "Not found", error.description)
            case .unknownKind, .unknownHazard, .invalid: return Problem(.unprocessableContent, "Invalid incident", error.description)
            case .duplicateID: return Problem(.conflict, "Conflict", error.description)
            case .forbidden: return Problem(.forbidden, "Forbidden", error.description)
            case .lifecycle, .closed: return Problem(.conflict, "Not allowed now", error.description)
            }
        case let error as FieldReports.PhotoError:
            switch error {
            case .tooLarge: return Problem(.contentTooLarge, "Photo too large", error.description)
            case .notAnImage: return Problem(.unprocessableContent, "Not a photo", error.description)
            case .tooMany: return Problem(.conflict, "Too many photos", error.description)
            case .unknownPhoto: return Problem(.notFound, "Not found", error.description)
            }
        case let error as StorageError:
            switch error {
            case .unavailable:
                var problem = Problem(.serviceUnavailable, "Store unavailable", error.description)
                problem.retryAfter = 5
                return problem
            case .conflict: return Problem(.conflict, "Conflict", error.description)
            default: return Problem(.internalServerError, "Internal error", "the service failed to answer; the error is in its log")
            }
        case let error as WorkError:
            var problem = Problem(.serviceUnavailable, "Service busy", error.description)
            switch error {
            case .busy(_, _, let seconds): problem.retryAfter = seconds
            case .overBudget: problem.retryAfter = 30
            }
            return problem
        case let error as MappingError:
            return Problem(.unprocessableContent, "Invalid feature", error.description)
        case let error as GeometryError:
            return Problem(.unprocessableContent, "Invalid geometry", "\(error)")
        case let error as JSONSyntaxError:
            return Problem(.badRequest, "Malformed JSON", error.description)
        case let error as RiskError:
            return Problem(.unprocessableContent, "Cannot colour", error.description)
        case let error as RiskVersionError:
            return Problem(.notFound, "Not found", error.description)
        case let error as RoutingError:
            switch error {
            case .badBarrier: return Problem(.unprocessableContent, "Invalid area to avoid", error.description)
            case .tooFarFromRoads: return Problem(.unprocessableContent, "Too far from the roads", error.description)
            default: return Problem(.notFound, "No route", error.description)
            }
        case let error as Planner.PlanError:
            switch error {
            case .unknownNeed: return Problem(.badRequest, "Bad request", error.description)
            default: return Problem(.unprocessableContent, "Cannot plan", error.description)
            }
        case let error as TileError:
            return Problem(.badRequest, "Bad tile request", error.description)
        case let error as HTTPParserError:
            // Bad chunk sizes, a body shorter than its Content-Length, …: the client's fault.
            return Problem(.badRequest, "Malformed request", "the request is not well-formed HTTP/1.1: \(error)")
        case let error as HTTPError:
            return Problem(error.status, error.status.reasonPhrase, error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError:
            let detail = error.status == .contentTooLarge ? "the request body is larger than the service accepts" : "\(error)"
            return Problem(error.status, error.status.reasonPhrase, detail)
        default:
            return Problem(.internalServerError, "Internal error", "the service failed to answer; the error is in its log")
        }
    }
}
