import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry
import Scenario

/// `citytwin generate …`: synthetic inputs. Today one generator: the demo district.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate synthetic inputs (the demo district, a one-year rain record).",
        subcommands: [GenerateDistrict.self, GenerateRain.self])
}

struct GenerateDistrict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district",
        abstract: "Generate a demo city district: terrain with a river, streets with signals, buildings, parcels, a storm sewer.",
        discussion: """
            The same seed and options give the same model, byte for byte. The output's form follows its path: \
            a .sqlite file or a model folder. Folders are written with GeoJSON in the model's CRS (EPSG:4547, \
            exact coordinates) unless --wgs84. See docs/demo-district.md.
            """)

    @Option(help: "Seed of every random choice.")
    var seed: UInt64

    @Option(help: "Side of the square district (km), 0.5–5.")
    var size: Double = 2

    @Option(help: "Terrain cell size (m), 2–25.")
    var cellSize: Double = 10

    @Option(help: "Where to write the model (a folder, or a .sqlite file).")
    var out: String = "Models/district"

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    @Flag(help: "Write folder GeoJSON as RFC 7946 WGS 84 instead of the model's CRS.")
    var wgs84 = false

    func run() throws {
        let options = DistrictOptions(seed: seed, size: size, cellSize: cellSize)
        let model = try reportingInputErrors { try DistrictGenerator.generate(options) }
        let errors = model.validate().filter { $0.severity == .error }
        if !errors.isEmpty {
            for e in errors.prefix(20) { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
            FileHandle.standardError.write(Data("citytwin: the generated district has \(errors.count) validation error(s); nothing written\n".utf8))
            throw ExitCode(Exit.invalidModel)
        }
        try reportingInputErrors { try ModelStore.save(model, to: out, overwrite: force, nativeCRS: !wgs84) }
        let counts = Layer.allCases.map { "\($0.rawValue) \(model.count(of: $0))" }.joined(separator: ", ")
        print("district seed \(seed), \(size) km × \(size) km, \(cellSize) m terrain → \(out) (\(ModelStore.format(of: out).rawValue))")
        print(counts)
    }
}
