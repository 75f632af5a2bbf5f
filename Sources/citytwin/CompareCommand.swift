import ArgumentParser
import Foundation
import Geometry
import Scenario

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two run folders of citytwin run: KPIs side by side with A − B, depth maps and the difference map.")

    @Argument(help: "Run folder A.")
    var runA: String

    @Argument(help: "Run folder B.")
    var runB: String

    @Option(help: "Output folder (default: runs/compare-<A>-<B>).")
    var out: String?

    @Flag(help: "Replace an earlier comparison in the output folder.")
    var force = false

    func run() throws {
        func base(_ p: String) -> String { ((p as NSString).standardizingPath as NSString).lastPathComponent }
        let folder = out ?? "runs/compare-\(base(runA))-\(base(runB))"
        try reportingInputErrors { try RunComparison.write(a: runA, b: runB, to: folder, overwrite: force) }
        let a = try reportingInputErrors { try RunComparison.load(runA) }, b = try reportingInputErrors { try RunComparison.load(runB) }
        for d in RunComparison.differences(a: a.results.kpis, b: b.results.kpis) {
            print("  \(d.group) · \(d.name): A \(KPIFormat.f(d.a)) B \(KPIFormat.f(d.b)) A − B \(KPIFormat.f(d.difference)) \(d.unit)")
        }
        print("report: \((folder as NSString).appendingPathComponent("compare.html"))")
    }
}

enum KPIFormat {
    static func f(_ v: Double) -> String { String(format: "%.4g", v) }
}
