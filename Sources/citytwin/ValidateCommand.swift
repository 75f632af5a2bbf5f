import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a model: references, geometry, value ranges, network connectivity.",
        discussion: "Prints each problem as `file:line-or-feature: severity: code message`. Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 when the model cannot be read.")

    @Argument(help: "A model folder, its model.json, or a SpatiaLite file.")
    var model: String

    @Flag(help: "Do not print warnings.")
    var quiet = false

    func run() throws {
        let m = try reportingInputErrors { try ModelStore.load(model) }
        let issues = m.validate()
        let errors = issues.filter { $0.severity == .error }.count
        for i in issues where !(quiet && i.severity == .warning) { print(i) }
        let warnings = issues.count - errors
        let summary = "\(model): \(errors) error(s), \(warnings) warning(s)"
        if errors > 0 {
            FileHandle.standardError.write(Data("\(summary)\n".utf8))
            throw ExitCode(Exit.invalidModel)
        }
        print(summary)
    }
}
