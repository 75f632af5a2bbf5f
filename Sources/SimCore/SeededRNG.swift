/// A fast, deterministic pseudo-random generator: xoshiro256** (Blackman & Vigna, "Scrambled
/// linear pseudorandom number generators", ACM TOMS 47(4), 2021), seeded through SplitMix64
/// (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
///
/// Period 2²⁵⁶ − 1; one `next()` costs a few nanoseconds. The state is four 64-bit words and is
/// `Codable`, so a generator saved in a snapshot continues exactly where it stopped.
///
/// **Streams.** Each process draws from its own stream, `engineRNG.stream(named: process.name)`,
/// derived purely from the run seed and the name (the parent does not advance), so results for a
/// seed do not depend on the order processes were added or on how much another process drew.
/// Use `stream(named:)` or `derive(_:)` again for sub-streams (one per vehicle, per ensemble member).
///
/// Only the draws defined here (`next()`, `nextDouble()`, `nextInt(below:)`) are guaranteed stable
/// across Swift versions; the standard library's `Double.random(in:using:)` may change its mapping.
public struct SeededRNG: RandomNumberGenerator, Hashable, Codable, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four state words (s0…s3). Never all zero.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator seeded from `seed`: the state is the first four SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = Self.splitMix64(&sm); s1 = Self.splitMix64(&sm); s2 = Self.splitMix64(&sm); s3 = Self.splitMix64(&sm)
    }

    /// A generator with an explicit state (for reference vectors and restoring).
    ///
    /// - Precondition: four words, not all zero.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "SeededRNG: state must be 4 words, not all zero")
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
    }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode([UInt64].self)
        guard s.count == 4, s.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "SeededRNG state must be 4 words, not all zero"))
        }
        s0 = s[0]; s1 = s[1]; s2 = s[2]; s3 = s[3]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(state)
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1), with 53 random bits.
    @inlinable public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in 0..<`bound` without modulo bias (Lemire, "Fast random integer generation
    /// in an interval", ACM TOMACS 29(1), 2019).
    ///
    /// - Precondition: `bound > 0`.
    public mutating func nextInt(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "SeededRNG.nextInt(below:): bound must be positive")
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// An independent generator for `name`, a pure function of this generator's state and the name
    /// (this generator does not advance). Names are hashed with 64-bit FNV-1a over their UTF-8 bytes.
    public func stream(named name: String) -> SeededRNG { derive(Self.fnv1a64(name)) }

    /// An independent generator for `index`, a pure function of this generator's state and the index
    /// (this generator does not advance): SplitMix64 seeding from a SplitMix64 mix of the state words
    /// and the index.
    public func derive(_ index: UInt64) -> SeededRNG {
        var h = index
        for w in [s0, s1, s2, s3] { h = Self.mix(h ^ w) &+ 0x9E37_79B9_7F4A_7C15 }
        return SeededRNG(seed: Self.mix(h))
    }

    /// One SplitMix64 step: advances `x` by the golden gamma and returns the mixed output.
    @inlinable public static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        return mix(x)
    }

    /// SplitMix64's output function (a variant of MurmurHash3's finaliser).
    @inlinable public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 64-bit FNV-1a of the UTF-8 bytes of `s` (stable across runs and platforms, unlike `Hasher`).
    public static func fnv1a64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

@inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
