import Foundation
import OneMapGeometry
import OneMapStorage
import OneMapTiles
import Synchronization

/// What changed, as it happens, for every open screen: the server's `/events` stream.
///
/// The feed is the change log read in order. A writer (field reports, incidents, photos)
/// commits, then calls ``publish(_:)``; the feed reads every row after the last one it sent
/// and hands each, as an ``Event`` numbered by its change number, to every subscriber —
/// so no change is skipped or sent out of order, whoever wrote it. A subscriber that comes
/// back with the last number it saw (`Last-Event-ID`) gets what it missed from the log
/// first, then the live changes, with nothing lost between.
///
/// Bounded: at most ``Limits/maxSubscribers`` at once (more are refused), each with a
/// queue of ``Limits/queue`` events; a subscriber whose queue is full is dropped (its
/// stream ends; a browser reconnects with its last number and catches up from the log),
/// never buffered without limit.
public final class ChangeFeed: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxSubscribers = 1000
        /// Events one subscriber may have waiting before it is dropped; a resume sends at
        /// most this many less two missed changes (further back: a `reset`, reload).
        public var queue = 1024
        public init() {}
        var resume: Int { max(1, queue - 2) }
    }

    /// One event of the stream: `id` is the change number (the `Last-Event-ID` to resume from).
    public struct Event: Sendable {
        public let id: Int64
        /// `change`, `edits` (edits other programs committed, not numbered), `reset` (too
        /// much missed: reload), `hello` (the stream's first event: the number it starts at)
        /// or `heartbeat` (a comment line that keeps idle connections open).
        public let name: String
        public let data: JSONValue
        /// The event as Server-Sent Events text, encoded once for every subscriber (500
        /// listeners used to encode the same JSON 500 times).
        public let frame: String

        public init(id: Int64, name: String, data: JSONValue) {
            self.id = id
            self.name = name
            self.data = data
            switch name {
            case "heartbeat": frame = ": keep-alive\n\n"
            // No id: a resuming client keeps the number it sent until the missed changes arrive.
            case "hello": frame = "event: hello\ndata: " + JSONWriter.string(data) + "\n\n"
            default: frame = "id: \(id)\nevent: \(name)\ndata: " + JSONWriter.string(data) + "\n\n"
            }
        }
    }

    /// What a writer knows of its change beyond the log row: the areas it recoloured.
    public struct Hint: Sendable {
        public var recoloured: [LiveOneMap.RecolouredArea]
        public var mapKey: String
        public init(_ update: LiveOneMap.Update) {
            recoloured = update.recolouredAreas
            mapKey = update.mapKey
        }
    }

    public enum FeedError: Error, Equatable, CustomStringConvertible {
        case full(Int)
        public var description: String {
            switch self {
            case .full(let n): "the live feed has its \(n) subscribers; try again later"
            }
        }
    }

    private struct Subscriber {
        var continuation: AsyncStream<Event>.Continuation
    }

    private struct State {
        /// The last change number sent to everyone.
        var through: Int64
        var subscribers: [Int: Subscriber] = [:]
        var next = 0
        var hints: [Int64: Hint] = [:]
        var dropped = 0
    }

    public let store: any LayerStore
    public let limits: Limits
    private let state: Mutex<State>

    public init(store: any LayerStore, limits: Limits = Limits()) throws {
        self.store = store
        self.limits = limits
        state = Mutex(State(through: try store.lastChangeNumber()))
    }

    /// Subscribers now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }
    /// Subscribers dropped for falling behind since start.
    public var droppedCount: Int { state.withLock { $0.dropped } }
    /// The last change number sent.
    public var lastNumber: Int64 { state.withLock { $0.through } }

    /// A new subscriber's stream and its number (for ``unsubscribe(_:)``). With `after`,
    /// the changes after that number come first (at most ``Limits/resume``; further back
    /// the first event is a `reset`).
    public func subscribe(after: Int64?) throws -> (id: Int, stream: AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingOldest(max(3, limits.queue)))
        return try state.withLock { state in
            guard state.subscribers.count < limits.maxSubscribers else { throw FeedError.full(limits.maxSubscribers) }
            let id = state.next
            state.next += 1
            continuation.yield(Event(id: state.through, name: "hello", data: .object([
                JSONMember("change", .number(Double(state.through))), JSONMember("subscribers", .number(Double(state.subscribers.count + 1))),
            ])))
            if let after, after < state.through {
                let missed = try store.changes(after: after, limit: limits.resume + 1).filter { $0.number <= state.through }
                if missed.count > limits.resume || after < 0 {
                    continuation.yield(Event(id: state.through, name: "reset", data: .object([
                        JSONMember("reason", .string("more than \(limits.resume) changes since \(after); reload the map")),
                    ])))
                } else {
                    for entry in missed { continuation.yield(Self.event(entry, hint: state.hints[entry.number])) }
                }
            }
            state.subscribers[id] = Subscriber(continuation: continuation)
            return (id, stream)
        }
    }

    public func unsubscribe(_ id: Int) {
        let gone = state.withLock { $0.subscribers.removeValue(forKey: id) }
        gone?.continuation.finish()
    }

    /// Sends every change committed since the last call to every subscriber. `hint` is what
    /// the writer of change `number` knows beyond the log (the areas it recoloured).
    public func publish(_ number: Int64? = nil, hint: Hint? = nil) {
        state.withLock { state in
            if let number, let hint { Self.keep(hint, for: number, in: &state, window: limits.resume) }
            guard let entries = try? store.changes(after: state.through, limit: 10_000), !entries.isEmpty else { return }
            for entry in entries {
                Self.send(Self.event(entry, hint: state.hints[entry.number]), to: &state)
                state.through = entry.number
            }
        }
    }

    /// Keeps what the applier of change `number` knows beyond the log (a replica applying
    /// another's change), for when the change is published.
    public func hint(_ number: Int64, _ hint: Hint) {
        state.withLock { Self.keep(hint, for: number, in: &$0, window: limits.resume) }
    }

    private static func keep(_ hint: Hint, for number: Int64, in state: inout State, window: Int) {
        state.hints[number] = hint
        // Hints are for the resume window only.
        if state.hints.count > window { state.hints = state.hints.filter { $0.key > number - Int64(window) } }
    }

    /// Edits other programs committed (QGIS, the CLI): not in the change log, so not
    /// numbered; sent to the live subscribers with the features they touched.
    public func publishEdits(_ touched: [(layer: Layer, id: String, box: BoundingBox?)], hint: [LiveOneMap.RecolouredArea]) {
        guard !touched.isEmpty else { return }
        state.withLock { state in
            let boxes = touched.compactMap(\.box) + hint.map(\.box)
            let event = Event(id: state.through, name: "edits", data: .object([
                JSONMember("features", .array(touched.map { .object([JSONMember("layer", .string($0.layer.tableName)), JSONMember("id", .string($0.id))]) })),
                JSONMember("areas", .array(hint.map(\.json))),
                JSONMember("tiles", Self.tiles(boxes)),
            ]))
            Self.send(event, to: &state)
        }
    }

    /// A comment line to every subscriber, so idle connections stay open through proxies
    /// and idle timeouts (and a gone subscriber is noticed).
    public func heartbeat() {
        state.withLock { state in Self.send(Event(id: state.through, name: "heartbeat", data: .null), to: &state) }
    }

    private static func send(_ event: Event, to state: inout State) {
        for (id, subscriber) in state.subscribers {
            switch subscriber.continuation.yield(event) {
            case .enqueued: continue
            case .dropped, .terminated:
                // Behind by a whole queue (or gone): drop it; it resumes from the log.
                subscriber.continuation.finish()
                state.subscribers[id] = nil
                state.dropped += 1
            @unknown default: continue
            }
        }
    }

    /// A change-log row as an event: the feature (after, or before for a delete), where it
    /// is, the areas recoloured and the tiles to draw again.
    static func event(_ entry: ChangeLog.Entry, hint: Hint?) -> Event {
        // A layer loaded in bulk: every screen reads the map again.
        if entry.operation == .reload {
            return Event(id: entry.number, name: "reset", data: .object([
                JSONMember("change", .number(Double(entry.number))), JSONMember("layer", .string(entry.layer)),
                JSONMember("reason", .string("\(entry.layer) was loaded again by \(entry.author); reload the map")),
            ]))
        }
        // A photo changes no drawing: no tiles to draw again.
        var boxes: [BoundingBox] = entry.operation == .attach ? [] : [entry.before, entry.after].compactMap { $0?.geometry.boundingBox }
        boxes += hint?.recoloured.map(\.box) ?? []
        var members = [
            JSONMember("change", .number(Double(entry.number))), JSONMember("at", .string(entry.changedAt)),
            JSONMember("layer", .string(entry.layer)), JSONMember("id", .string(entry.featureID)),
            JSONMember("operation", .string(entry.operation.rawValue)), JSONMember("author", .string(entry.author)),
        ]
        if let feature = entry.after ?? entry.before { members.append(JSONMember("feature", GeoJSONWriter.encode(feature))) }
        members.append(JSONMember("areas", .array(hint?.recoloured.map(\.json) ?? [])))
        if let key = hint?.mapKey { members.append(JSONMember("map", .string(key))) }
        members.append(JSONMember("tiles", tiles(boxes)))
        return Event(id: entry.number, name: "change", data: .object(members))
    }

    /// Symbols and halos reach this far past a feature's box, in 256ths of a tile.
    static let symbolMargin = 24.0

    /// The tiles to draw again: the changed boxes' union, and per zoom 0–20 the column and
    /// row ranges covering it (grown by a symbol's reach).
    static func tiles(_ boxes: [BoundingBox]) -> JSONValue {
        var union = BoundingBox.empty
        for box in boxes { union.extend(box) }
        guard !union.isEmpty else { return .null }
        let ranges: [JSONValue] = (0...TileID.maxZoom).map { z in
            let r = TileID.tileRange(union, zoom: z, margin: symbolMargin)
            return .object([
                JSONMember("z", .number(Double(z))),
                JSONMember("x", .array([.number(Double(r.x.lowerBound)), .number(Double(r.x.upperBound))])),
                JSONMember("y", .array([.number(Double(r.y.lowerBound)), .number(Double(r.y.upperBound))])),
            ])
        }
        return .object([
            JSONMember("bbox", .array([union.minX, union.minY, union.maxX, union.maxY].map(JSONValue.number))),
            JSONMember("ranges", .array(ranges)),
        ])
    }
}
