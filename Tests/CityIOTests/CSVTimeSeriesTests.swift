import CityModel
import Foundation
import Geometry
import Testing
@testable import CityIO

@Suite struct CSVTimeSeriesTests {
    let dir = TempDir()

    @Test func readsSecondsWithUnitsAndGaps() throws {
        let p = dir.write("s.csv", "time,rain [mm/h],inflow [m3/s],note\n0,0,0.5,1\n300,12.5,,2\n600,30,0.25,\n")
        let t = try CSVTimeSeries.read(path: p, interpolation: .step)
        #expect(t.timeColumn == .seconds && t.epoch == nil)
        #expect(t.series == [
            TimeSeries(name: "rain", unit: "mm/h", times: [0, 300, 600], values: [0, 12.5, 30], interpolation: .step),
            TimeSeries(name: "inflow", unit: "m3/s", times: [0, 600], values: [0.5, 0.25], interpolation: .step),
            TimeSeries(name: "note", unit: "", times: [0, 300], values: [1, 2], interpolation: .step),
        ])
    }

    @Test func readsDurations() throws {
        let p = dir.write("d.csv", "Time [s],depth [m]\r\n0:00,1\r\n0:05,2\r\n1:00:30.25,3\r\n36:00:00,4\r\n")
        let t = try CSVTimeSeries.read(path: p)
        #expect(t.timeColumn == .duration && t.epoch == nil)
        #expect(t.series[0].times == [0, 300, 3630.25, 129_600])
    }

    @Test func readsISODateTimesFromTheFirstRow() throws {
        let p = dir.write("i.csv", """
            time,rain [mm/h]
            2024-06-01T08:00:00Z,1
            2024-06-01T08:05:00.5Z,2
            2024-06-01 16:10+08:00,3
            2024-06-02T00:00:00-01:30,4
            2024-06-03,5

            """)
        let t = try CSVTimeSeries.read(path: p)
        #expect(t.timeColumn == .dateTime)
        #expect(t.epoch == ISO8601DateFormatter().date(from: "2024-06-01T08:00:00Z"))
        let expected: [Double] = [0, 300.5, 600, 16 * 3600 + 1800 + 1 * 3600, 40 * 3600]
        #expect(t.series[0].times == expected)
    }

    @Test func quotedHeaders() throws {
        let p = dir.write("q.csv", "time,\"flow, north [m3/s]\",\"say \"\"hi\"\" [-]\"\n0,1,2\n")
        let t = try CSVTimeSeries.read(path: p)
        #expect(t.series.map(\.name) == ["flow, north", "say \"hi\""])
        #expect(t.series.map(\.unit) == ["m3/s", "-"])
        let q = dir.file("q2.csv")
        try CSVTimeSeries.write(t.series, to: q)
        #expect(try CSVTimeSeries.read(path: q).series == t.series)
    }

    static func randomSeries() -> [TimeSeries] {
        var g = SystemRandomNumberGenerator()
        func times(_ n: Int, step: Double) -> [Double] {
            var t = 0.0
            return (0..<n).map { i in defer { t += step * Double.random(in: 0.5...1.5, using: &g) }; return i == 0 ? 0 : t }
        }
        let a = times(200, step: 60)
        var b = a.enumerated().filter { $0.offset % 3 != 1 }.map(\.element)       // a gappy subset
        b.append(a.last! + 0.1)
        return [
            TimeSeries(name: "rain", unit: "mm/h", times: a, values: a.map { _ in Double.random(in: 0..<100, using: &g) }),
            TimeSeries(name: "head", unit: "m", times: b, values: b.map { _ in -Double.random(in: 0..<1e-3, using: &g) }),
            TimeSeries(name: "count", unit: "", times: [0, 0.1, 1e-5 + 7200], values: [1, -0.0, 3e300]),
        ]
    }

    @Test(arguments: [CSVTimeSeries.TimeColumn.seconds, .duration, .dateTime])
    func roundTripIsLossless(format: CSVTimeSeries.TimeColumn) throws {
        let series = Self.randomSeries()
        let epoch = Date(timeIntervalSince1970: 1_717_228_800)      // 2024-06-01T08:00:00Z
        let p = dir.file("rt.csv")
        try CSVTimeSeries.write(series, to: p, timeColumn: format, epoch: epoch)
        let back = try CSVTimeSeries.read(path: p)
        #expect(back.timeColumn == format)
        #expect(back.epoch == (format == .dateTime ? epoch : nil))
        #expect(back.series.count == series.count)
        for (x, y) in zip(back.series, series) {
            #expect(x.name == y.name && x.unit == y.unit)
            #expect(x.times.map(\.bitPattern) == y.times.map(\.bitPattern), "\(x.name) times")
            #expect(x.values.map(\.bitPattern) == y.values.map(\.bitPattern), "\(x.name) values")
        }
        #expect(dir.contents == ["rt.csv"])
    }

    @Test func writtenText() throws {
        let s = [TimeSeries(name: "rain", unit: "mm/h", times: [0, 90.5, 3600], values: [0, 1.5, 2]),
                 TimeSeries(name: "x", unit: "", times: [90.5], values: [1e-05])]
        let p = dir.file("w.csv")
        try CSVTimeSeries.write(s, to: p)
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "time,rain [mm/h],x\n0,0,\n90.5,1.5,1e-05\n3600,2,\n")
        try CSVTimeSeries.write(s, to: p, timeColumn: .duration)
        #expect(try String(contentsOfFile: p, encoding: .utf8).contains("\n0:01:30.5,1.5,1e-05\n1:00:00,2,\n"))
        try CSVTimeSeries.write(s, to: p, timeColumn: .dateTime, epoch: Date(timeIntervalSince1970: 86400 * 365))
        #expect(try String(contentsOfFile: p, encoding: .utf8).contains("\n1971-01-01T00:01:30.5Z,1.5,1e-05\n1971-01-01T01:00:00Z,2,\n"))
        #expect(CSVTimeSeries.plainDecimal(1e-05) == "0.00001" && CSVTimeSeries.plainDecimal(1.25e-7) == "0.000000125")
    }

    @Test func calendarArithmeticMatchesFoundation() throws {
        var g = SystemRandomNumberGenerator()
        let f = ISO8601DateFormatter()
        for _ in 0..<500 {
            let whole = Int64.random(in: -2_000_000_000...4_000_000_000, using: &g)
            let text = CSVTimeSeries.dateTimeText(epochSeconds: whole, offset: 0)
            #expect(f.date(from: text)?.timeIntervalSince1970 == Double(whole), "\(text)")
        }
    }

    @Test(arguments: [
        // (file text, code, line, words)
        ("", ErrorCode.syntax, 1, "the file is empty"),
        ("when,rain\n0,1\n", .syntax, 1, "the first column must be 'time', found 'when'"),
        ("time [h],rain\n0,1\n", .syntax, 1, "the first column must be 'time'"),
        ("time,rain,rain [m]\n", .syntax, 1, "column 3 repeats the name 'rain' of column 2"),
        ("time,,b\n", .syntax, 1, "column 2 has no name"),
        ("time,\"a\n", .syntax, 1, "unclosed quote"),
        ("time,a,b\n0,1,2\n60,1\n", .syntax, 3, "2 fields, expected 3 as in the header"),
        ("time,a,b\n0,1,2\n\n60,1,2,3\n", .syntax, 4, "4 fields, expected 3"),
        ("time,a\n0,1\n60,2\n60,3\n", .badValue, 4, "time '60' (60.0 s) is not after the previous row's (60.0 s, line 3)"),
        ("time,a\n0,1\n60,2\n30,3\n", .badValue, 4, "is not after the previous row's"),
        ("time,a\n0,1\n0:01,2\n", .badValue, 3, "time '0:01' is not a number of seconds"),
        ("time,a\n0:00,1\n0:61,2\n", .badValue, 3, "time '0:61' is not a duration"),
        ("time,a\n2024-06-01T00:00Z,1\n2024-02-30T00:00Z,2\n", .badValue, 3, "is not an ISO-8601 date-time"),
        ("time,a\n2024-06-01T00:00Z,1\n61,2\n", .badValue, 3, "time '61' is not an ISO-8601 date-time"),
        ("time,a,b\n0,1,2\n60,1,abc\n", .badValue, 3, "column 3 ('b'): 'abc' is not a number"),
        ("time,a,b\n0,1,2\n60,NaN,2\n", .badValue, 3, "column 2 ('a'): 'NaN' is not a finite number"),
        ("time,a\n0,1\ninf,2\n", .badValue, 3, "time 'inf' is not a number of seconds"),
    ])
    func errors(text: String, code: ErrorCode, line: Int, words: String) {
        let p = dir.write("e.csv", text)
        let e = #expect(throws: InputError.self) { try CSVTimeSeries.read(path: p) }
        #expect(e?.code == code)
        #expect(e?.location == SourceLocation(file: p, line: line), "\(e?.description ?? "")")
        #expect(e?.message.contains(words) == true, "\(e?.message ?? "nil") lacks \(words)")
    }

    @Test func refusedWritesLeaveNothingBehind() throws {
        let nan = [TimeSeries(name: "a", unit: "m", times: [0, 1], values: [1, .nan])]
        let p = dir.file("out.csv")
        let e = #expect(throws: InputError.self) { try CSVTimeSeries.write(nan, to: p) }
        #expect(e?.code == .badValue)
        let twins = [TimeSeries(name: "a", unit: "m"), TimeSeries(name: "a ", unit: "s")]
        #expect(throws: InputError.self) { try CSVTimeSeries.write(twins, to: p) }
        #expect(throws: InputError.self) { try CSVTimeSeries.write([TimeSeries(name: "a", unit: "")], to: p, timeColumn: .dateTime) }
        let negative = [TimeSeries(name: "a", unit: "", times: [-1], values: [0])]
        #expect(throws: InputError.self) { try CSVTimeSeries.write(negative, to: p, timeColumn: .duration) }
        #expect(dir.contents.isEmpty)
        // The target is a folder: the rename fails and the temporary file is removed.
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: p + "/x", withIntermediateDirectories: false)
        let w = #expect(throws: InputError.self) { try CSVTimeSeries.write(Self.randomSeries(), to: p) }
        #expect(w?.code == .writeFailed)
        #expect(dir.contents == ["out.csv"])
    }

    @Test func missingFile() {
        let e = #expect(throws: InputError.self) { try CSVTimeSeries.read(path: dir.file("none.csv")) }
        #expect(e?.code == .fileNotFound)
    }
}
