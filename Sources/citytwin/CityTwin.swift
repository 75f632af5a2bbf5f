import ArgumentParser
import Foundation
import Geometry

/// The `citytwin` command. Subcommands parse their options, call into the library modules and
/// print; no simulation logic lives here.
@main
struct CityTwin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citytwin",
        abstract: "A digital-twin simulation engine for cities: drainage, flooding and traffic on one city model.",
        version: "0.1.0",
        subcommands: [Info.self, Validate.self, Convert.self, Generate.self, SWMM.self, Flood.self, Sumo.self, Run.self, Compare.self])
}

/// Exit codes: 0 success, 1 the model has errors (validate), 2 bad input (a file that cannot be
/// read, parsed or written), 64 bad command-line usage (ArgumentParser's).
enum Exit {
    static let invalidModel: Int32 = 1
    static let badInput: Int32 = 2
}

/// Runs `body`, turning input errors into one clear line on standard error and exit code 2.
func reportingInputErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as InputError {
        FileHandle.standardError.write(Data("citytwin: \(e)\n".utf8))
        throw ExitCode(Exit.badInput)
    }
}
