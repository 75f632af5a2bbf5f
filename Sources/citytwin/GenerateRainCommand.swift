import ArgumentParser
import CityIO
import Foundation
import Geometry
import Report
import Scenario

struct GenerateRain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rain",
        abstract: "Generate a synthetic one-year hourly rain record with Wuhan-like statistics (CSV, mm/h).",
        discussion: """
            Wet days from a monthly two-state Markov chain, daily depths from a mixed exponential, one triangular \
            storm per wet day, monthly totals scaled to Wuhan's means (1260 mm a year). The same seed gives the same \
            file. The record is synthetic: see SyntheticRain and docs/scene-format.md.
            """)

    @Option(help: "Seed of every random choice.")
    var seed: UInt64

    @Option(help: "Where to write the CSV.")
    var out: String = "Scenes/rain/district-synthetic-year.csv"

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    func run() throws {
        try reportingInputErrors {
            if FileManager.default.fileExists(atPath: out), !force {
                throw InputError(.outputExists, "already exists (pass --force to replace it)", at: SourceLocation(file: out))
            }
            let g = SyntheticRain(seed: seed)
            try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(g.csv().utf8), to: out)
            let h = g.hourly()
            let daily = CaptureRatio.daily(hourly: h)
            print(String(format: "synthetic rain seed %llu: %.1f mm in %d wet days (> 0.1 mm), wettest day %.1f mm, wettest hour %.1f mm → %@",
                         seed, h.reduce(0, +), daily.filter { $0 > 0.1 }.count, daily.max() ?? 0, h.max() ?? 0, out))
        }
    }
}
