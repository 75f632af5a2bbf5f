import CityModel
import Foundation
import Testing
@testable import Stormwater

/// The parallel conduit loop gives bit-identical results for any thread count.
@Suite struct DeterminismTests {
    /// A tree of 300 conduits (above the 256-link threshold of the parallel loop) fed at every leaf.
    static func network() -> ([DrainageNode], [DrainageLink], StormwaterProject) {
        var p = Build.project(hours: 0.1)
        var nodes: [DrainageNode] = []
        var links: [DrainageLink] = []
        let branches = 10, perBranch = 30
        nodes.append(Build.node("OUT", .outfall, invert: 0, depth: nil))
        nodes.append(Build.node("M", .junction, invert: 0.2, depth: 4))
        links.append(Build.pipe("MAIN", "M", "OUT", diameter: 2, length: 100))
        for b in 0..<branches {
            for k in 0..<perBranch {
                let id = "N\(b)_\(k)"
                nodes.append(Build.node(id, .junction, invert: 0.3 + Double(perBranch - k) * 0.05, depth: 3))
                let down = k == perBranch - 1 ? "M" : "N\(b)_\(k + 1)"
                links.append(Build.pipe("C\(b)_\(k)", id, down, diameter: 0.6, length: 40))
                p.externalInflows.append(ExternalInflow(node: id, constituent: "FLOW", timeSeries: nil, type: "FLOW",
                                                        seriesToSI: 1, scale: 1, baseline: 0.002 * Double(k % 3 + 1), baselinePattern: nil))
            }
        }
        return (nodes, links, p)
    }

    @Test func threadCountDoesNotChangeResults() throws {
        let (nodes, links, p) = Self.network()
        var one = try StormwaterSimulation(nodes: nodes, links: links, project: p, threads: 1)
        var four = try StormwaterSimulation(nodes: nodes, links: links, project: p, threads: 4)
        one.run(); four.run()
        #expect(one.summary == four.summary)
        #expect(one.router.newFlow == four.router.newFlow)
        #expect(one.summary.outfalls["OUT"]!.totalVolume > 0)
        // Filling transient of the dynamic-wave scheme (junctions store nothing): about 1 %.
        #expect(abs(one.summary.flowRoutingErrorPercent) < 3)
    }
}
