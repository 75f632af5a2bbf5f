import Foundation
import Testing
@testable import SimCore

@Suite struct LedgerTests {
    @Test func bookingAndMeasuredStores() throws {
        var ledger = Ledger()
        let rain = try ledger.open("rain", .inflow, of: .water)
        let pond = try ledger.open("ponded", .storage, of: .water, initial: 5)
        let pipes = try ledger.open("pipes", .storage, of: .water, initial: 2)
        let outfall = try ledger.open("outfall", .outflow, of: .water)
        ledger.book(10, from: rain, to: pond)
        ledger.book(4, from: pond, to: pipes)
        ledger.book(3, from: pipes, to: outfall)
        var b = ledger.balance(of: .water)
        #expect(b.inflow == 10 && b.outflow == 3 && b.storedInitial == 7 && b.storedCurrent == 14)
        #expect(b.volumeIn == 17 && b.absoluteError == 0 && b.relativeError == 0)
        #expect(ledger[pond].current == 11 && ledger[pond].error == 0)

        // The pond's process measures 10.83 m³: 0.17 m³ went missing.
        ledger.setStored(10.83, in: pond)
        b = ledger.balance(of: .water)
        #expect(abs(b.absoluteError - 0.17) < 1e-12)
        #expect(abs(b.relativeError - 0.01) < 1e-12)
        #expect(abs(ledger[pond].error - 0.17) < 1e-12)
        #expect(throws: SimError.self) { try ledger.checkBalance(at: .zero) }
        try ledger.register(.water, tolerance: .init(absolute: 0, relative: 0.02))
        try ledger.checkBalance(at: .zero)
    }

    @Test func accountsAreSharedAndKindsChecked() throws {
        var ledger = Ledger()
        let a = try ledger.open("network", .storage, of: .water)
        let b = try ledger.open("network", .storage, of: .water)
        #expect(a == b)
        #expect(throws: SimError.self) { try ledger.open("network", .outflow, of: .water) }
        #expect(throws: SimError.self) { try ledger.open("x", .inflow, of: Quantity("water", unit: "ft³")) }
        let cars = try ledger.open("on road", .storage, of: .vehicles)
        #expect(ledger.account("on road", of: .vehicles) == cars)
        #expect(ledger.account("on road", of: .water) == nil)
    }

    @Test func reportRoundTripsAndPrints() throws {
        var ledger = Ledger()
        let src = try ledger.open("inserted", .inflow, of: .vehicles)
        let net = try ledger.open("network", .storage, of: .vehicles)
        let dst = try ledger.open("arrived", .outflow, of: .vehicles)
        ledger.book(12, from: src, to: net)
        ledger.book(9, from: net, to: dst)
        let report = ledger.report(at: SimTime(seconds: 60))
        let q = try #require(report.quantities.first)
        #expect(q.inflow == 12 && q.outflow == 9 && q.storedCurrent == 3 && q.absoluteError == 0)
        let back = try JSONDecoder().decode(LedgerReport.self, from: JSONEncoder().encode(report))
        #expect(back == report)
        #expect(report.description.contains("arrived: 9.0"))
        // The ledger itself round-trips, account handles still work after decoding.
        var copy = try JSONDecoder().decode(Ledger.self, from: JSONEncoder().encode(ledger))
        #expect(copy == ledger)
        copy.book(1, from: net, to: dst)
        #expect(copy[dst].received == 10)
    }
}
