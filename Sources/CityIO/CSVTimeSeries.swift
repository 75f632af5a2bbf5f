import CityModel
import Foundation
import Geometry

/// Time series as CSV: one time column, then one column per series.
///
/// ```
/// time,rain [mm/h],inflow [m3/s]
/// 0,0,0.5
/// 300,12.5,0.5
/// 600,30,
/// ```
///
/// **Header.** The first column is `time` (or `time [s]`); every other column is `name [unit]`
/// (the unit is the last bracketed group and may be left out, giving an empty unit). Names are
/// trimmed and must be unique. Fields may be quoted as in RFC 4180 (`"a, b [m]"`, `""` for a quote);
/// quoted fields cannot span lines.
///
/// **Time column**, one format for the whole file, chosen by the first data row:
/// - `seconds` — a number, e.g. `300` or `1.5`;
/// - `duration` — `H:MM` or `H:MM:SS[.fff]` from zero (hours may exceed 24): `0:05` is 300 s;
/// - `dateTime` — ISO-8601 `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]]` (no offset means UTC);
///   times become seconds from the first row, which is returned as the `epoch`.
///
/// **Values.** Numbers, with an empty cell meaning "no sample of this series at this time", so
/// series in one file may have different time stamps. NaN and infinities are refused.
///
/// **Errors** are `InputError`s located at the file and line: `.syntax` for a bad header or a row
/// with the wrong number of fields; `.badValue` for a time that is not in the file's time format,
/// a time not after the previous row's, or a value that is not a finite number (the message names
/// the column, 1-based, and its series).
///
/// **Writing** puts the union of all series' times in the time column, leaves cells empty where a
/// series has no sample, formats numbers with their shortest round-trip text, and writes atomically
/// (temporary file in the same folder, then rename). read(write(x)) gives back exactly `x` for
/// seconds and durations; for date-times it does so when the first time is 0 and the epoch is a
/// whole second (otherwise the same instants come back relative to the first row).
/// Reading and writing are O(rows × columns) (plus O(n log n) to merge the times on writing).
public enum CSVTimeSeries {
    /// The format of the time column.
    public enum TimeColumn: String, Hashable, Codable, Sendable {
        /// Seconds, as numbers.
        case seconds
        /// `H:MM:SS[.fff]` from zero.
        case duration
        /// ISO-8601 UTC date-times, `2024-06-01T08:30:00Z`, from an epoch.
        case dateTime
    }

    /// The content of a time-series CSV file.
    public struct Table: Hashable, Sendable {
        /// One series per data column, in file order; times in seconds from the epoch (or from 0).
        public var series: [TimeSeries]
        /// The instant of time 0 for a `dateTime` file (its first row); nil otherwise.
        public var epoch: Date?
        /// The format the time column was written in.
        public var timeColumn: TimeColumn

        public init(series: [TimeSeries], epoch: Date? = nil, timeColumn: TimeColumn = .seconds) {
            self.series = series; self.epoch = epoch; self.timeColumn = timeColumn
        }
    }

    /// The time series in the CSV file at `path`, each given `interpolation` (the format does not
    /// carry it).
    public static func read(path: String, interpolation: TimeSeries.Interpolation = .linear) throws -> Table {
        let bytes = try FileBytes.contents(of: path)
        return try bytes.withUnsafeBufferPointer { buf in
            var r = CSVReader(s: buf, path: path)
            return try r.table(interpolation: interpolation)
        }
    }

    /// Writes `series` to `path` atomically, with the time column in the given format. `epoch`
    /// (required for `.dateTime`, whole seconds for a lossless round trip) is the instant of time 0.
    /// - Throws: `.badValue` for a non-finite value, a negative time in `.duration`, duplicate
    ///   names, or `.dateTime` without an epoch (nothing is written then); `.writeFailed`.
    public static func write(_ series: [TimeSeries], to path: String, timeColumn: TimeColumn = .seconds, epoch: Date? = nil) throws {
        let loc = SourceLocation(file: path)
        var seen = Set<String>()
        for s in series {
            let name = s.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw InputError(.badValue, "a series has an empty name", at: loc) }
            guard seen.insert(name).inserted else { throw InputError(.badValue, "two series are named '\(name)'", at: loc) }
            if let i = s.values.firstIndex(where: { !$0.isFinite }) {
                throw InputError(.badValue, "series '\(name)' has value \(s.values[i]) at time \(s.times[i]) s; CSV holds finite numbers only", at: loc)
            }
            for i in s.times.indices where !s.times[i].isFinite || (i > 0 && !(s.times[i] > s.times[i - 1])) {
                throw InputError(.badValue, "series '\(name)': time \(s.times[i]) s is not finite and after the previous one", at: loc)
            }
        }
        let times = Array(Set(series.flatMap(\.times))).sorted()
        var epochSeconds: Int64 = 0
        switch timeColumn {
        case .seconds: break
        case .duration:
            if let t = times.first, t < 0 { throw InputError(.badValue, "time \(t) s is negative; durations start at 0:00", at: loc) }
        case .dateTime:
            guard let epoch else { throw InputError(.badValue, "date-time output needs an epoch", at: loc) }
            let e = epoch.timeIntervalSince1970.rounded(.down)
            guard abs(e) < 1e15 else { throw InputError(.badValue, "epoch \(epoch) is out of range", at: loc) }
            epochSeconds = Int64(e)
            if let t = times.first, Double(epochSeconds) + t < -62_135_596_800 {
                throw InputError(.badValue, "time \(t) s falls before year 1", at: loc)
            }
        }
        let epochFraction = (epoch?.timeIntervalSince1970 ?? 0) - Double(epochSeconds)

        var out = [UInt8]()
        out.reserveCapacity(32 + times.count * (12 + 10 * series.count))
        out.append(contentsOf: "time".utf8)
        for s in series {
            out.append(UInt8(ascii: ","))
            let name = s.name.trimmingCharacters(in: .whitespaces)
            var head = name
            if !s.unit.isEmpty { head += " [\(s.unit)]" } else if name.hasSuffix("]") { head += " []" }
            appendField(head, to: &out)
        }
        out.append(0x0A)
        var next = [Int](repeating: 0, count: series.count)       // merge cursor per series
        for t in times {
            switch timeColumn {
            case .seconds: appendShortest(t, to: &out)
            case .duration: out.append(contentsOf: durationText(t).utf8)
            case .dateTime: out.append(contentsOf: dateTimeText(epochSeconds: epochSeconds, offset: epochFraction + t).utf8)
            }
            for (k, s) in series.enumerated() {
                out.append(UInt8(ascii: ","))
                if next[k] < s.times.count, s.times[next[k]] == t {
                    appendShortest(s.values[next[k]], to: &out)
                    next[k] += 1
                }
            }
            out.append(0x0A)
        }
        try FileBytes.writeAtomically(out, to: path)
    }

    // MARK: Formatting helpers

    private static func appendField(_ f: String, to out: inout [UInt8]) {
        if f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: f.replacingOccurrences(of: "\"", with: "\"\"").utf8)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: f.utf8)
        }
    }

    /// `t` (≥ 0) split into whole seconds and an exact fraction in [0, 1), the fraction as text
    /// after the decimal point ("" for none).
    static func splitSeconds(_ t: Double) -> (whole: Int64, fraction: String) {
        let w = t.rounded(.down)
        let f = t - w                                       // exact
        return (Int64(w), f == 0 ? "" : String(plainDecimal(f).dropFirst()))   // ".25"
    }

    /// A plain decimal (no exponent) shortest text of `f` in (0, 1): `0.25`, `0.00001`.
    static func plainDecimal(_ f: Double) -> String {
        let d = f.description
        guard let e = d.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return d }
        let exp = Int(d[d.index(after: e)...])!                        // negative for f < 1
        let digits = d[..<e].filter { $0 != "." }
        return "0." + String(repeating: "0", count: -exp - 1) + digits
    }

    static func durationText(_ t: Double) -> String {
        let (w, frac) = splitSeconds(t)
        let h = w / 3600, m = w / 60 % 60, s = w % 60
        return "\(h):" + (m < 10 ? "0" : "") + "\(m):" + (s < 10 ? "0" : "") + "\(s)" + frac
    }

    static func dateTimeText(epochSeconds: Int64, offset: Double) -> String {
        let (w, frac) = splitSeconds(offset)
        let total = epochSeconds + w
        let days = total >= 0 ? total / 86400 : -((-total + 86399) / 86400)
        let secs = total - days * 86400
        let (y, mo, d) = CivilCalendar.civil(fromDays: days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = y >= 0 && y < 10000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        return "\(year)-\(two(mo))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))\(frac)Z"
    }
}

// MARK: - Reader

private struct CSVReader {
    let s: UnsafeBufferPointer<UInt8>
    let path: String
    var i = 0
    var line = 0

    init(s: UnsafeBufferPointer<UInt8>, path: String) {
        self.s = s; self.path = path
        if s.count >= 3, s[0] == 0xEF, s[1] == 0xBB, s[2] == 0xBF { i = 3 }    // UTF-8 BOM
    }

    func error(_ code: ErrorCode, _ message: String) -> InputError {
        InputError(code, message, at: SourceLocation(file: path, line: line))
    }

    /// The next non-blank line (without its CR/LF), or nil at the end; sets `line`.
    mutating func nextLine() -> Range<Int>? {
        while i < s.count {
            line += 1
            let start = i
            while i < s.count, s[i] != 0x0A { i += 1 }
            var end = i
            if i < s.count { i += 1 }
            if end > start, s[end - 1] == 0x0D { end -= 1 }
            var k = start
            while k < end, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
            if k < end { return start..<end }
        }
        return nil
    }

    /// Splits a line into field texts as byte ranges; quoted fields are decoded into strings.
    func split(_ r: Range<Int>) throws -> [Field] {
        var out: [Field] = []
        var k = r.lowerBound
        while true {
            while k < r.upperBound, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
            if k < r.upperBound, s[k] == UInt8(ascii: "\"") {
                var bytes: [UInt8] = []
                k += 1
                var closed = false
                while k < r.upperBound {
                    if s[k] == UInt8(ascii: "\"") {
                        if k + 1 < r.upperBound, s[k + 1] == UInt8(ascii: "\"") { bytes.append(s[k]); k += 2; continue }
                        closed = true; k += 1; break
                    }
                    bytes.append(s[k]); k += 1
                }
                guard closed else { throw error(.syntax, "field \(out.count + 1) has an unclosed quote") }
                while k < r.upperBound, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
                out.append(.quoted(String(decoding: bytes, as: UTF8.self)))
                if k == r.upperBound { return out }
                guard s[k] == UInt8(ascii: ",") else { throw error(.syntax, "field \(out.count) has text after its closing quote") }
                k += 1
            } else {
                let start = k
                while k < r.upperBound, s[k] != UInt8(ascii: ",") { k += 1 }
                var end = k
                while end > start, s[end - 1] == 0x20 || s[end - 1] == 0x09 { end -= 1 }
                out.append(.plain(start..<end))
                if k == r.upperBound { return out }
                k += 1
                if k == r.upperBound { out.append(.plain(k..<k)); return out }
            }
        }
    }

    enum Field { case plain(Range<Int>), quoted(String) }

    func text(_ f: Field) -> String {
        switch f {
        case .plain(let r): String(decoding: UnsafeBufferPointer(rebasing: s[r]), as: UTF8.self)
        case .quoted(let q): q
        }
    }

    func shown(_ f: Field) -> String {
        let t = text(f)
        return t.count > 40 ? String(t.prefix(40)) + "…" : t
    }

    /// "name [unit]" → (name, unit); the unit is the last bracketed group at the end.
    static func nameAndUnit(_ h: String) -> (String, String) {
        let t = h.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("]"), let open = t.lastIndex(of: "[") else { return (t, "") }
        let unit = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        return (String(t[..<open]).trimmingCharacters(in: .whitespaces), unit)
    }

    mutating func table(interpolation: TimeSeries.Interpolation) throws -> CSVTimeSeries.Table {
        guard let headerLine = nextLine() else { line = max(line, 1); throw error(.syntax, "the file is empty (expected a header 'time,<name> [<unit>],…')") }
        let header = try split(headerLine)
        let (timeName, timeUnit) = Self.nameAndUnit(text(header[0]))
        guard timeName.lowercased() == "time", timeUnit.isEmpty || timeUnit == "s" else {
            throw error(.syntax, "the first column must be 'time', found '\(shown(header[0]))'")
        }
        var names: [String] = [], units: [String] = []
        for (k, f) in header.enumerated().dropFirst() {
            let (name, unit) = Self.nameAndUnit(text(f))
            guard !name.isEmpty else { throw error(.syntax, "column \(k + 1) has no name") }
            if let j = names.firstIndex(of: name) { throw error(.syntax, "column \(k + 1) repeats the name '\(name)' of column \(j + 2)") }
            names.append(name); units.append(unit)
        }
        let n = names.count
        var times = [[Double]](repeating: [], count: n), values = [[Double]](repeating: [], count: n)
        var format: CSVTimeSeries.TimeColumn?
        var first: (whole: Int64, fraction: Double) = (0, 0)
        var previous: (time: Double, line: Int)?
        var epoch: Date?

        while let r = nextLine() {
            let f = try split(r)
            guard f.count == n + 1 else {
                throw error(.syntax, "\(f.count) fields, expected \(n + 1) as in the header")
            }
            // Time.
            let tText = text(f[0])
            let kind = format ?? Self.detect(tText)
            let t: Double
            switch kind {
            case .seconds:
                guard let v = number(f[0]), v.isFinite else { throw timeError(f[0], kind) }
                t = v
            case .duration:
                guard let d = Self.duration(tText) else { throw timeError(f[0], kind) }
                t = Double(d.whole) + d.fraction
            case .dateTime:
                guard let d = Self.dateTime(tText) else { throw timeError(f[0], kind) }
                if format == nil {
                    first = d
                    epoch = Date(timeIntervalSince1970: Double(d.whole) + d.fraction)
                }
                t = Double(d.whole - first.whole) + (d.fraction - first.fraction)
            }
            format = kind
            if let p = previous, !(t > p.time) {
                throw error(.badValue, "time '\(shown(f[0]))' (\(t) s) is not after the previous row's (\(p.time) s, line \(p.line))")
            }
            previous = (t, line)
            // Values.
            for k in 0..<n {
                let cell = f[k + 1]
                if case .plain(let range) = cell, range.isEmpty { continue }
                if case .quoted(let q) = cell, q.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                guard let v = number(cell) else {
                    throw error(.badValue, "column \(k + 2) ('\(names[k])'): '\(shown(cell))' is not a number")
                }
                guard v.isFinite else {
                    throw error(.badValue, "column \(k + 2) ('\(names[k])'): '\(shown(cell))' is not a finite number (leave the cell empty for no sample)")
                }
                times[k].append(t); values[k].append(v)
            }
        }
        let series = (0..<n).map {
            TimeSeries(name: names[$0], unit: units[$0], times: times[$0], values: values[$0], interpolation: interpolation)
        }
        return CSVTimeSeries.Table(series: series, epoch: epoch, timeColumn: format ?? .seconds)
    }

    func timeError(_ f: Field, _ kind: CSVTimeSeries.TimeColumn) -> InputError {
        let expected = switch kind {
        case .seconds: "a number of seconds, like the first row's"
        case .duration: "a duration H:MM[:SS], like the first row's"
        case .dateTime: "an ISO-8601 date-time, like the first row's"
        }
        return error(.badValue, "time '\(shown(f))' is not \(expected)")
    }

    func number(_ f: Field) -> Double? {
        switch f {
        case .plain(let r): return parseDouble(s, r)
        case .quoted(let q):
            var b = Array(q.trimmingCharacters(in: .whitespaces).utf8)
            return b.withUnsafeMutableBufferPointer { parseDouble(UnsafeBufferPointer($0), 0..<$0.count) }
        }
    }

    /// The time format of a first-row time cell.
    static func detect(_ t: String) -> CSVTimeSeries.TimeColumn {
        let u = Array(t.utf8)
        if u.count >= 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") { return .dateTime }
        if u.contains(UInt8(ascii: ":")) { return .duration }
        return .seconds
    }

    /// Digits in `u[k..<k+n]` as a number, or nil.
    static func digits(_ u: [UInt8], _ k: Int, _ n: Int) -> Int64? {
        guard k + n <= u.count, n > 0 else { return nil }
        var v: Int64 = 0
        for j in k..<(k + n) {
            let d = u[j] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }

    /// `.fff` at `u[k...]` as an exact fraction, with the index after it.
    static func fraction(_ u: [UInt8], _ k: Int) -> (Double, Int)? {
        guard k < u.count, u[k] == UInt8(ascii: ".") else { return (0, k) }
        var e = k + 1
        while e < u.count, u[e] &- 0x30 < 10 { e += 1 }
        guard e > k + 1 else { return nil }
        let text = [UInt8(ascii: "0")] + u[k..<e]
        guard let f = text.withUnsafeBufferPointer({ parseDouble($0, 0..<$0.count) }) else { return nil }
        return (f, e)
    }

    /// `H:MM` or `H:MM:SS[.fff]`.
    static func duration(_ t: String) -> (whole: Int64, fraction: Double)? {
        let u = Array(t.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon <= 12,
              let h = digits(u, 0, colon), let m = digits(u, colon + 1, 2), m < 60 else { return nil }
        var whole = h * 3600 + m * 60
        var k = colon + 3
        var frac = 0.0
        if k < u.count {
            guard u[k] == UInt8(ascii: ":"), let sec = digits(u, k + 1, 2), sec < 60 else { return nil }
            whole += sec
            guard let (f, e) = fraction(u, k + 3) else { return nil }
            frac = f; k = e
        }
        return k == u.count ? (whole, frac) : nil
    }

    /// ISO-8601 `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]]` as seconds since 1970 (UTC).
    static func dateTime(_ t: String) -> (whole: Int64, fraction: Double)? {
        let u = Array(t.utf8)
        guard u.count >= 10, let y = digits(u, 0, 4), u[4] == UInt8(ascii: "-"), let mo = digits(u, 5, 2), u[7] == UInt8(ascii: "-"),
              let d = digits(u, 8, 2), (1...12).contains(mo), d >= 1 else { return nil }
        let monthDays: [Int64] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        guard d <= (mo == 2 && !leap ? 28 : monthDays[Int(mo - 1)]) else { return nil }
        var whole = CivilCalendar.days(fromCivil: y, mo, d) * 86400
        var frac = 0.0
        var k = 10
        if k < u.count, u[k] == UInt8(ascii: "T") || u[k] == UInt8(ascii: "t") || u[k] == UInt8(ascii: " ") {
            guard let h = digits(u, k + 1, 2), h < 24, k + 3 < u.count, u[k + 3] == UInt8(ascii: ":"),
                  let mi = digits(u, k + 4, 2), mi < 60 else { return nil }
            whole += h * 3600 + mi * 60
            k += 6
            if k < u.count, u[k] == UInt8(ascii: ":") {
                guard let sec = digits(u, k + 1, 2), sec < 61 else { return nil }
                whole += sec
                guard let (f, e) = fraction(u, k + 3) else { return nil }
                frac = f; k = e
            }
            if k < u.count, u[k] == UInt8(ascii: "Z") || u[k] == UInt8(ascii: "z") {
                k += 1
            } else if k < u.count, u[k] == UInt8(ascii: "+") || u[k] == UInt8(ascii: "-") {
                let sign: Int64 = u[k] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = digits(u, k + 1, 2), oh <= 14 else { return nil }
                k += 3
                var om: Int64 = 0
                if k < u.count {
                    if u[k] == UInt8(ascii: ":") { k += 1 }
                    guard let m = digits(u, k, 2), m < 60 else { return nil }
                    om = m; k += 2
                }
                whole -= sign * (oh * 3600 + om * 60)
            }
        }
        return k == u.count ? (whole, frac) : nil
    }
}
