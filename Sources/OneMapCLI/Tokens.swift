import ArgumentParser
import Foundation
import OneMap

/// `onemap tokens`: the write tokens of a service, kept as SHA-256 hashes.
struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make, list and revoke write tokens (the file keeps only their SHA-256 hashes, mode 0600).",
        discussion: "A running `onemap serve --tokens F` reads the file again on SIGHUP (kill -HUP PID): new and revoked tokens apply without a restart.",
        subcommands: [Add.self, List.self, Revoke.self, Migrate.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token for a holder and print it once (it cannot be shown again).")

        @Option(help: "The tokens file (made when missing).")
        var file: String
        @Option(help: "Who holds it (shown in the change log).")
        var name: String
        @Option(help: "grid_worker, planner or admin.")
        var role: String
        @Option(help: "A grid worker's grid code (they write only inside it).")
        var grid: String?

        func run() throws {
            guard let role = Author.Role(rawValue: role) else {
                throw ValidationError("--role: '\(role)' is not one of \(Author.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var book = try Tokens.load(file, missingIsEmpty: true)
            let token = try Tokens.checked { try book.add(name: name, role: role, grid: grid) }
            try Tokens.checked { try book.save() }
            print(token)
            FileHandle.standardError.write(Data("token for \(name) (\(role.rawValue)\(grid.map { ", grid \($0)" } ?? "")) added to \(file); it is shown only now\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the holders (never the tokens, which the file does not have).")

        @Option(help: "The tokens file.")
        var file: String

        func run() throws {
            let book = try Tokens.load(file)
            print(["name", "role", "grid", "created_at", "revoked_at", "sha256"].joined(separator: "\t"))
            for entry in book.entries {
                print([entry.name, entry.role.rawValue, entry.grid ?? "", entry.createdAt ?? "", entry.revokedAt ?? "", String(entry.sha256.prefix(12))]
                    .joined(separator: "\t"))
            }
            if book.loadedVersion < TokenFile.schemaVersion {
                FileHandle.standardError.write(Data("\(file) holds plain tokens (version \(book.loadedVersion)); `onemap tokens migrate --file \(file)` keeps only hashes\n".utf8))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a holder's token (kept in the file, marked with the time).")

        @Option(help: "The tokens file.")
        var file: String
        @Option(help: "Whose token.")
        var name: String

        func run() throws {
            var book = try Tokens.load(file)
            try Tokens.checked { try book.revoke(name: name) }
            try Tokens.checked { try book.save() }
            FileHandle.standardError.write(Data("revoked the token of \(name) in \(file); `kill -HUP` the server to apply it now\n".utf8))
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rewrite a version 1 file (plain tokens) keeping only their hashes; the tokens stay valid.")

        @Option(help: "The tokens file.")
        var file: String

        func run() throws {
            let book = try Tokens.load(file)
            try Tokens.checked { try book.save() }
            FileHandle.standardError.write(Data("\(file): \(book.entries.count) tokens kept as SHA-256 hashes (version \(TokenFile.schemaVersion), mode 0600)\n".utf8))
        }
    }

    static func load(_ file: String, missingIsEmpty: Bool = false) throws -> TokenFile {
        try checked { try TokenFile.load(path: file, missingIsEmpty: missingIsEmpty) }
    }

    /// Token file errors as usage errors (the message names the file and the entry).
    static func checked<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as TokenFileError { throw ValidationError(error.description) }
    }
}
