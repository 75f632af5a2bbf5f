// ctbench: side-by-side benchmarks of CityTwin against reference engines.
//
//     ctbench NAME [options]     run one benchmark
//     ctbench --list             print the benchmark names, one per line
//
// Each benchmark prints exactly one JSON object on stdout; progress goes to stderr.
import Foundation

/// The benchmarks, by the name given on the command line.
let benchmarks: [(name: String, run: ([String]) throws -> JSON)] = [
    ("spatial-index", SpatialIndexBenchmark.run),
    ("swmm", SWMMBenchmark.run),
    ("flood", FloodBenchmark.run),
    ("traffic", TrafficBenchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--list" {
    for b in benchmarks { print(b.name) }
    exit(0)
}
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    let known = benchmarks.map(\.name).joined(separator: ", ")
    printError("usage: ctbench NAME [options]; known names: \(known)")
    exit(2)
}
do {
    let result = try benchmark.run(Array(arguments.dropFirst()))
    print(result.rendered)
} catch {
    printError("ctbench \(name): \(error)")
    exit(1)
}
