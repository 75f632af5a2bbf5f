import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a model between a GeoJSON folder and a SpatiaLite file.",
        discussion: "The form of each side follows its path: a .sqlite/.spatialite/.db file, or a folder with model.json. GeoJSON is written as RFC 7946 (WGS 84) unless --native-crs.")

    @Argument(help: "The model to read.")
    var input: String

    @Argument(help: "Where to write it.")
    var output: String

    @Flag(help: "Replace OUTPUT if it exists.")
    var force = false

    @Flag(help: "Write GeoJSON in the model's own CRS (exact coordinates, with a legacy crs member) instead of WGS 84.")
    var nativeCRS = false

    @Flag(help: "Convert even when validation finds errors.")
    var skipValidation = false

    func run() throws {
        let m = try reportingInputErrors { try ModelStore.load(input) }
        if !skipValidation {
            let errors = m.validate().filter { $0.severity == .error }
            if !errors.isEmpty {
                for e in errors { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
                FileHandle.standardError.write(Data("citytwin: \(input) has \(errors.count) error(s); nothing written (use --skip-validation to convert anyway)\n".utf8))
                throw ExitCode(Exit.invalidModel)
            }
        }
        try reportingInputErrors { try ModelStore.save(m, to: output, overwrite: force, nativeCRS: nativeCRS) }
        print("\(input) → \(output) (\(ModelStore.format(of: output).rawValue))")
    }
}
