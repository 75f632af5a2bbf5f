import Foundation
import Geometry
import Testing
@testable import SimCore

@Suite struct ExchangeFieldsTests {
    let grid = GridSpec(width: 3, height: 2, originX: 0, originY: 0, cellSize: 10)

    @Test func bufferedWritesBecomeVisibleOnCommit() throws {
        var f = ExchangeFields()
        let depth = FieldKey<Raster<Float>>("depth")
        try f.declare(depth, initial: Raster(grid: grid, fill: 0))
        try f.update(depth) { $0[1, 2] = 0.5 }
        #expect(f[depth][1, 2] == 0)
        #expect(try f.pending(depth)[1, 2] == 0.5)
        try f.update(depth) { $0[0, 0] += 0.25 }        // a second write continues from the first
        f.commit()
        #expect(f[depth][1, 2] == 0.5 && f[depth][0, 0] == 0.25)
        f.beginTick()
        #expect(try f.pending(depth) == f[depth])       // kept: the next tick starts from current
    }

    @Test func immediateWritesAreSeenAtOnce() throws {
        var f = ExchangeFields()
        let rain = FieldKey<Raster<Float>>.rainRate
        try f.declare(rain, initial: Raster(grid: grid, fill: 0))
        try f.update(rain) { $0.values = [Float](repeating: 1e-6, count: 6) }
        #expect(f[rain][0, 1] == 1e-6)
        f.commit()
        #expect(f[rain][0, 1] == 1e-6)                  // observers see the tick's rain
        f.beginTick()
        #expect(f[rain][0, 1] == 0)                     // immediateFlux: no writer, no rain
    }

    @Test func entityVectors() throws {
        var f = ExchangeFields()
        try f.declare(.nodeHead, initial: EntityVector(ids: ["J1", "J2", "O1"], fill: 10))
        let j2 = try #require(f[.nodeHead].index(of: "J2"))
        try f.update(.nodeHead) { $0[j2] = 12.5 }
        f.commit()
        #expect(f[.nodeHead][id: "J2"] == 12.5)
        #expect(f[.nodeHead][id: "nope"] == nil)
        let error = try #require(throws: SimError.self) {
            try f.write(.nodeHead, EntityVector(ids: ["J1", "J2"]))
        }
        #expect(error.code == .fieldShape)
    }

    @Test func declarationsMustAgree() throws {
        var f = ExchangeFields()
        try f.declare(FieldKey<Double>("x"), initial: 1)
        try f.declare(FieldKey<Double>("x"), initial: 2)          // same kind and policy: shared
        #expect(f[FieldKey<Double>("x")] == 1)
        let policy = try #require(throws: SimError.self) { try f.declare(FieldKey<Double>("x", policy: .flux), initial: 0) }
        #expect(policy.code == .declarationConflict)
        let kind = try #require(throws: SimError.self) { try f.declare(FieldKey<EntityVector>("x"), initial: EntityVector(ids: [])) }
        #expect(kind.code == .declarationConflict)
        let undeclared = try #require(throws: SimError.self) { try f.write(FieldKey<Double>("y"), 1) }
        #expect(undeclared.code == .undeclared)
        let depth = FieldKey<Raster<Float>>("d")
        try f.declare(depth, initial: Raster(grid: grid, fill: 0))
        let other = GridSpec(width: 2, height: 3, originX: 0, originY: 0, cellSize: 10)
        let shape = try #require(throws: SimError.self) { try f.write(depth, Raster(grid: other, fill: 1)) }
        #expect(shape.code == .fieldShape)
    }

    @Test func fieldDataRoundTripsBitForBit() throws {
        let values: [Float] = [0, -0.0, .nan, .infinity, 1e-38, 3.14159, .leastNonzeroMagnitude]
        let r = Raster(grid: GridSpec(width: 7, height: 1, originX: 1, originY: 2, cellSize: 0.5), values: values, noData: -9999)
        let e = EntityVector(ids: ["a", "b"], values: [.pi, -.infinity])
        let all: [FieldData] = [.raster(r), .entities(e), .scalar(-0.0)]
        let back = try JSONDecoder().decode([FieldData].self, from: JSONEncoder().encode(all))
        guard case .raster(let r2) = back[0], case .entities(let e2) = back[1], case .scalar(let s2) = back[2] else {
            Issue.record("kinds changed: \(back)"); return
        }
        #expect(r2.values.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(r2.grid == r.grid && r2.noData == -9999)
        #expect(e2.ids == e.ids && e2.values.map(\.bitPattern) == e.values.map(\.bitPattern))
        #expect(s2.bitPattern == (-0.0).bitPattern)
    }
}
