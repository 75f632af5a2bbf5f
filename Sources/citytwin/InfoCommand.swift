import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a model's layers, counts, extent and CRS.")

    @Argument(help: "A model folder, its model.json, or a SpatiaLite file.")
    var model: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let m = try reportingInputErrors { try ModelStore.load(model) }
        let summary = try reportingInputErrors { try ModelSummary(m, path: model) }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
    }
}
