import ArgumentParser
import OneMap

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the layer schema: columns, types and accepted source names (Markdown).")

    func run() throws { print(SchemaDocument.markdown(), terminator: "") }
}
