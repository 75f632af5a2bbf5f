import Foundation
import SimCore

/// Writes a line to stderr (progress and errors; stdout carries only the JSON result).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A failure that ends the benchmark with a message.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A JSON value whose objects keep their keys in the order written.
enum JSON {
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    var rendered: String {
        switch self {
        case .number(let x):
            guard x.isFinite else { return "null" }
            return String(format: "%.6g", x)
        case .integer(let i):
            return String(i)
        case .string(let s):
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        case .array(let items):
            return "[" + items.map(\.rendered).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSON.string($0.0).rendered + ":" + $0.1.rendered }.joined(separator: ",") + "}"
        }
    }
}

/// `--name value` options with integer values.
struct Options {
    private var values: [String: Int] = [:]

    /// Parses `args`, accepting only the names in `known`.
    init(_ args: [String], known: Set<String>) throws {
        var i = 0
        while i < args.count {
            let key = args[i]
            guard key.hasPrefix("--"), known.contains(String(key.dropFirst(2))) else {
                throw BenchmarkError("unknown option \(key); options: \(known.sorted().map { "--\($0)" }.joined(separator: " "))")
            }
            guard i + 1 < args.count, let v = Int(args[i + 1].replacingOccurrences(of: "_", with: "")) else {
                throw BenchmarkError("option \(key) needs an integer value")
            }
            values[String(key.dropFirst(2))] = v
            i += 2
        }
    }

    func int(_ name: String, default d: Int) -> Int { values[name] ?? d }
}

/// A measured time: wall-clock seconds on the monotonic clock, and this thread's CPU seconds
/// (which exclude time spent waiting for a core when other processes compete for them).
struct Timing: CustomStringConvertible {
    var seconds = Double.infinity
    var cpuSeconds = Double.infinity

    var description: String {
        String(format: "%.4f s (cpu %.4f s)", seconds, cpuSeconds)
    }

    /// Keeps the smaller of each.
    mutating func merge(_ o: Timing) {
        seconds = min(seconds, o.seconds)
        cpuSeconds = min(cpuSeconds, o.cpuSeconds)
    }

    /// Times one run of `body`.
    static func measure(_ body: () throws -> Void) rethrows -> Timing {
        let clock = ContinuousClock()
        let cpu0 = threadCPUSeconds()
        let d = try clock.measure(body)
        return Timing(seconds: durationSeconds(d), cpuSeconds: threadCPUSeconds() - cpu0)
    }
}

/// The best (smallest) wall and CPU times of `repetitions` runs of `body`, and the value the last
/// run returned.
func bestOf<T>(_ repetitions: Int, _ body: () throws -> T) rethrows -> (timing: Timing, value: T) {
    var best = Timing()
    var value: T?
    for _ in 0..<repetitions {
        best.merge(try Timing.measure { value = try body() })
    }
    return (best, value!)
}

/// A duration in seconds.
func durationSeconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// CPU time used by the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// SplitMix64 (Steele, Lea and Flood 2014), stepped by SimCore's `SeededRNG.splitMix64`: seeded, so every run sees the same data.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 { SeededRNG.splitMix64(&state) }

    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * (Double(next() >> 11) * 0x1p-53) }
}
