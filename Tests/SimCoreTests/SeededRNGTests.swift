import Foundation
import Testing
@testable import SimCore

@Suite struct SeededRNGTests {
    /// Blackman & Vigna's reference xoshiro256starstar.c from state {1, 2, 3, 4}, as published in the
    /// `reference` test of rand_xoshiro (rust-random/rngs, xoshiro256starstar.rs).
    @Test func xoshiro256StarStarKnownAnswers() {
        var rng = SeededRNG(state: [1, 2, 3, 4])
        let expected: [UInt64] = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
                                  607988272756665600, 16172922978634559625, 8476171486693032832,
                                  10595114339597558777, 2904607092377533576]
        #expect((0..<10).map { _ in rng.next() } == expected)
    }

    /// SplitMix64 (splitmix64.c) from seed 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64")
    /// and from seed 0.
    @Test func splitMix64KnownAnswers() {
        var x: UInt64 = 1234567
        #expect((0..<5).map { _ in SeededRNG.splitMix64(&x) } ==
                [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821])
        var z: UInt64 = 0
        #expect((0..<4).map { _ in SeededRNG.splitMix64(&z) } ==
                [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC])
        // Seeding takes the first four outputs as the state.
        #expect(SeededRNG(seed: 0).state == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC])
    }

    /// FNV-1a 64-bit reference values (Fowler, Noll & Vo test suite).
    @Test func fnv1aKnownAnswers() {
        #expect(SeededRNG.fnv1a64("") == 0xCBF29CE484222325)
        #expect(SeededRNG.fnv1a64("a") == 0xAF63DC4C8601EC8C)
        #expect(SeededRNG.fnv1a64("foobar") == 0x85944171F73967E8)
    }

    @Test func streamsArePureAndIndependent() {
        let root = SeededRNG(seed: 99)
        var a1 = root.stream(named: "traffic"), a2 = root.stream(named: "traffic"), b = root.stream(named: "rain")
        let xs = (0..<8).map { _ in a1.next() }
        #expect(xs == (0..<8).map { _ in a2.next() })
        #expect(xs != (0..<8).map { _ in b.next() })
        #expect(root == SeededRNG(seed: 99))                     // the parent did not advance
        #expect(root.derive(1) != root.derive(2))
        #expect(SeededRNG(seed: 1).stream(named: "x") != SeededRNG(seed: 2).stream(named: "x"))
    }

    @Test func boundedDraws() {
        var rng = SeededRNG(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let d = rng.nextDouble()
            #expect(d >= 0 && d < 1)
            counts[Int(rng.nextInt(below: 7))] += 1
        }
        // Each bucket expects 10 000 ± 95 (1σ); 6σ bounds.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 570 }, "\(counts)")
    }

    @Test func codableStateContinuesTheSequence() throws {
        var rng = SeededRNG(seed: 11)
        _ = rng.next()
        let copy = try JSONDecoder().decode(SeededRNG.self, from: JSONEncoder().encode(rng))
        var a = rng, b = copy
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SeededRNG.self, from: Data("[0,0,0,0]".utf8)) }
    }
}
