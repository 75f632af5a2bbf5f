import Foundation
import Testing
import Geometry
@testable import CityIO

/// A fresh temporary folder per test, removed afterwards.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "citytwin-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] }
}

@Suite struct AsciiGridTests {
    let dir = TempDir()

    static let sample = """
        ncols         4
        nrows         3
        xllcorner     529000
        yllcorner     3380000.5
        cellsize      5
        NODATA_value  -9999
        12.5 12.75 13 -9999
        11 11.25 -0.5 14
        10 1e-3 3.25e2 15

        """

    @Test func readsTheSample() throws {
        let r = try AsciiGrid.read(path: dir.write("a.asc", Self.sample))
        #expect(r.grid == GridSpec(width: 4, height: 3, originX: 529000, originY: 3380000.5, cellSize: 5))
        #expect(r.noData == -9999)
        #expect(r.values == [12.5, 12.75, 13, -9999, 11, 11.25, -0.5, 14, 10, 0.001, 325, 15])
        #expect(r[0, 3] == -9999 && r[2, 1] == 0.001)
        // Row 0 is north: the cell centre of (0, 0) is half a cell below the top edge.
        #expect(r.grid.center(row: 0, col: 0) == Coordinate(529002.5, 3380013))
        #expect(r.value(at: Coordinate(529017, 3380014)) == nil)   // the no-data cell
    }

    @Test func headerInAnyOrderAndCaseWithCentres() throws {
        let text = "CELLSIZE 2\r\nyllcenter 1\r\nNROWS 2\r\nXllCenter 1\r\nncols 2\r\n1 2\r\n3 4\r\n"
        let r = try AsciiGrid.read(path: dir.write("b.asc", text))
        #expect(r.grid == GridSpec(width: 2, height: 2, originX: 0, originY: 0, cellSize: 2))
        #expect(r.noData == nil)
        #expect(r.values == [1, 2, 3, 4])
    }

    @Test func roundTripIsLossless() throws {
        var g = SystemRandomNumberGenerator()
        var values = (0..<(37 * 23)).map { _ in Double.random(in: -500...5000, using: &g) }
        values[0] = -9999; values[5] = 0.1; values[6] = 1e-300; values[7] = -0.0; values[8] = 123456789012345680
        values[9] = 7; values[10] = -42; values[11] = .leastNonzeroMagnitude; values[12] = .greatestFiniteMagnitude
        let r = Raster(grid: GridSpec(width: 37, height: 23, originX: 529026.4536021, originY: 3380536.174129, cellSize: 0.3),
                       values: values, noData: -9999)
        let p = dir.file("r.asc")
        try AsciiGrid.write(r, to: p)
        let back = try AsciiGrid.read(path: p)
        #expect(back.grid == r.grid && back.noData == r.noData)
        #expect(back.values.map(\.bitPattern) == r.values.map(\.bitPattern))
        try AsciiGrid.write(back, to: p)                                   // overwrite in place
        #expect(try String(contentsOfFile: p, encoding: .utf8).hasPrefix("ncols         37\nnrows         23\nxllcorner     529026.4536021\n"))
        #expect(dir.contents == ["r.asc"])                                  // no temporary left
    }

    @Test(arguments: [
        // (text, code, line, words)
        ("nrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n5\n", ErrorCode.badRasterHeader, 5, "lacks ncols"),
        ("ncols 1\nnrows 1\nxllcorner 0\ncellsize 1\n5\n", .badRasterHeader, 5, "lacks yllcorner or yllcenter"),
        ("ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\n", .badRasterHeader, 5, "lacks cellsize (the file ends here)"),
        ("ncols 1\nnrows 1\nNCOLS 1\n", .badRasterHeader, 3, "duplicate header key 'NCOLS' (first on line 1)"),
        ("ncols 1\nxllcorner 0\nxllcenter 0\n", .badRasterHeader, 3, "conflicts with xllcorner on line 2"),
        ("ncols 1\nnrows abc\n", .badRasterHeader, 2, "'abc' of nrows is not a finite number"),
        ("ncols 1.5\n", .badRasterHeader, 1, "ncols must be a positive integer"),
        ("ncols 0\n", .badRasterHeader, 1, "ncols must be a positive integer"),
        ("ncols\n", .badRasterHeader, 1, "'ncols' has no value"),
        ("ncols 1 2\n", .badRasterHeader, 1, "unexpected '2' after the value of ncols"),
        ("ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize -1\n1 2\n", .badRasterHeader, 5, "cellsize must be positive"),
        ("ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\ndx 1\n1 2\n", .badRasterHeader, 6, "unknown header key 'dx'"),
        ("ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value nan\n1 2\n", .badRasterHeader, 6, "NODATA_value is not a finite number"),
    ])
    func headerErrors(text: String, code: ErrorCode, line: Int, words: String) {
        let p = dir.write("h.asc", text)
        let e = #expect(throws: InputError.self) { try AsciiGrid.read(path: p) }
        #expect(e?.code == code)
        #expect(e?.location == SourceLocation(file: p, line: line), "\(e?.description ?? "")")
        #expect(e?.message.contains(words) == true, "\(e?.message ?? "nil") lacks \(words)")
    }

    static let header = "ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 1\n"   // data starts on line 6

    @Test(arguments: [
        ("1 2 3\n4 5\n7 8 9\n", 7, "row 1 has 2 values, expected ncols = 3"),
        ("1 2 3\n4 5 6 6.5\n7 8 9\n", 7, "row 1 has more than ncols = 3 values (column 4 is '6.5')"),
        ("1 2 3\n4 5 6\n", 8, "the file ends after 2 of nrows = 3 rows"),
        ("1 2 3\n4 5 6\n7 8 9\n10 11 12\n", 9, "more data rows than nrows = 3"),
        ("1 2 3\n4 5 6\n7 NaN 9\n", 8, "column 2 of row 2: 'NaN' is not a finite number"),
        ("1 2 3\n4 5 6\n7 8 -inf\n", 8, "column 3 of row 2: '-inf' is not a finite number"),
        ("1 2 3\n4 5 1e999\n7 8 9\n", 7, "column 3 of row 1: '1e999' is not a finite number"),
        ("1 2 x3\n4 5 6\n7 8 9\n", 6, "column 3 of row 0: 'x3' is not a number"),
        ("1 2,5 3\n", 6, "column 2 of row 0: '2,5' is not a number"),
        ("1 2 0x10\n", 6, "'0x10' is not a number"),
        ("1 2 3\n\n\n4 5 6\n7 8 9e\n", 10, "'9e' is not a number"),
    ])
    func valueErrors(data: String, line: Int, words: String) {
        let p = dir.write("v.asc", Self.header + data)
        let e = #expect(throws: InputError.self) { try AsciiGrid.read(path: p) }
        #expect(e?.code == .rasterValue)
        #expect(e?.location == SourceLocation(file: p, line: line), "\(e?.description ?? "")")
        #expect(e?.message.contains(words) == true, "\(e?.message ?? "nil") lacks \(words)")
    }

    @Test func hugeHeaderFailsWithoutAllocating() {
        let p = dir.write("big.asc", "ncols 2000000000\nnrows 2000000000\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n")
        let e = #expect(throws: InputError.self) { try AsciiGrid.read(path: p) }
        #expect(e?.code == .rasterValue)
        #expect(e?.message.contains("row 0 has 2 values, expected ncols = 2000000000") == true, "\(e?.message ?? "")")
    }

    @Test func missingFile() {
        let e = #expect(throws: InputError.self) { try AsciiGrid.read(path: dir.file("nope.asc")) }
        #expect(e?.code == .fileNotFound)
        #expect(e?.location?.file == dir.file("nope.asc"))
    }

    @Test func nanIsRefusedAndNothingIsWritten() {
        var r = Raster(grid: GridSpec(width: 3, height: 2, originX: 0, originY: 0, cellSize: 1), fill: 1.0)
        r[1, 2] = .nan
        let p = dir.file("nan.asc")
        let e = #expect(throws: InputError.self) { try AsciiGrid.write(r, to: p) }
        #expect(e?.code == .rasterValue)
        #expect(e?.message.contains("row 1, column 3 is nan") == true, "\(e?.message ?? "")")
        #expect(dir.contents.isEmpty)
    }

    @Test func failedWriteLeavesNoFileBehind() throws {
        // The target is a folder: the rename fails after the temporary file was written.
        let target = dir.file("taken.asc")
        try FileManager.default.createDirectory(atPath: target + "/inner", withIntermediateDirectories: true)
        let r = Raster(grid: GridSpec(width: 2, height: 2, originX: 0, originY: 0, cellSize: 1), fill: 3.0)
        let e = #expect(throws: InputError.self) { try AsciiGrid.write(r, to: target) }
        #expect(e?.code == .writeFailed)
        #expect(dir.contents == ["taken.asc"])
        // A missing folder: nothing is created anywhere.
        let f = #expect(throws: InputError.self) { try AsciiGrid.write(r, to: dir.file("no/such/dir.asc")) }
        #expect(f?.code == .writeFailed)
        #expect(dir.contents == ["taken.asc"])
        // An existing file survives a failed replacement untouched.
        let keep = dir.write("keep.asc", "old")
        var bad = r; bad[0, 0] = .infinity
        #expect(throws: InputError.self) { try AsciiGrid.write(bad, to: keep) }
        #expect(try String(contentsOfFile: keep, encoding: .utf8) == "old")
    }

    @Test func numberParserAgreesWithSwift() {
        var g = SystemRandomNumberGenerator()
        var samples = ["0", "-0", "+1", "1.", ".5", "0.1", "1e5", "1E-5", "123456789012345678901234567890", "0.000000000000000000000000123",
                       "9007199254740993", "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "00012.5000", "-7.25e+2"]
        for _ in 0..<3000 {
            let v = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF)
            samples.append(v.description)
            samples.append(String(Double.random(in: -1e4...1e4, using: &g)))
            samples.append(String(format: "%.3f", Double.random(in: -1e4...1e4, using: &g)))
            // 16–19 significant digits with exponents within ±27: the extended-precision path.
            let digits = String(UInt64.random(in: 1_000_000_000_000_000...UInt64.max, using: &g)).prefix(Int.random(in: 16...19, using: &g))
            samples.append("\(digits)e\(Int.random(in: -27...8, using: &g))")
        }
        // Halfway cases between adjacent doubles, written out exactly (2^53 + 1, and 1 + 2^-53 at 19 digits).
        samples += ["9007199254740993", "1.000000000000000111", "1.000000000000000112", "1.000000000000000110"]
        for text in samples {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { parseDouble($0, 0..<$0.count) }
            #expect(parsed?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for bad in ["", "-", ".", "e5", "1e", "1e+", "1..2", "1-2", "0x10", "1,5", "nanx"] {
            let bytes = Array(bad.utf8)
            #expect(bytes.withUnsafeBufferPointer { parseDouble($0, 0..<$0.count) } == nil, "\(bad)")
        }
    }

    @Test func largeGridReadsAndWrites() throws {
        // 1000 × 1000 in the debug test build; `ctbench`-style timing belongs to release builds.
        let n = 1000
        let values = (0..<(n * n)).map { Double($0 % 9973) * 0.01 + 20 }
        let r = Raster(grid: GridSpec(width: n, height: n, originX: 0, originY: 0, cellSize: 1), values: values)
        let p = dir.file("big.asc")
        let t0 = Date()
        try AsciiGrid.write(r, to: p)
        let t1 = Date()
        let back = try AsciiGrid.read(path: p)
        let t2 = Date()
        #expect(back.values == values)
        print("AsciiGrid 1000×1000 (debug build): write \(t1.timeIntervalSince(t0)) s, read \(t2.timeIntervalSince(t1)) s")
    }
}
