import CityModel
import Foundation
import Geometry

/// Reads bytes from a file in fixed-size chunks, counting lines, so that JSON of any size is parsed
/// with bounded memory.
final class ByteSource {
    private let file: UnsafeMutablePointer<FILE>?
    private var buffer: [UInt8]
    private var pos = 0
    private var end = 0
    private var data: [UInt8]?          // in-memory source
    let path: String
    /// 1-based line of the next byte.
    private(set) var line = 1

    init(path: String, chunk: Int = 1 << 20) throws {
        self.path = path
        guard let f = fopen(path, "rb") else {
            throw InputError(errno == ENOENT ? .fileNotFound : .unreadableFile,
                             "cannot open: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
        }
        file = f
        buffer = [UInt8](repeating: 0, count: chunk)
    }

    init(bytes: [UInt8], name: String) {
        path = name; file = nil; buffer = bytes; end = bytes.count
    }

    deinit { if let file { fclose(file) } }

    private func refill() -> Bool {
        guard let file else { return false }
        end = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        pos = 0
        return end > 0
    }

    /// The next byte without consuming it, nil at the end.
    @inline(__always) func peek() -> UInt8? {
        if pos < end { return buffer[pos] }
        return refill() ? buffer[pos] : nil
    }

    @inline(__always) func next() -> UInt8? {
        guard let b = peek() else { return nil }
        pos += 1
        if b == 0x0A { line += 1 }
        return b
    }

    /// Skips JSON white space.
    func skipSpace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { _ = next() }
    }

    func location() -> SourceLocation { SourceLocation(file: path, line: line) }
}

/// A JSON parser over a `ByteSource`, producing `JSONValue`s. Syntax errors name the file and line.
struct JSONStreamParser {
    let src: ByteSource
    var maxDepth = 512

    init(_ src: ByteSource) { self.src = src }

    func fail(_ message: String) -> InputError { InputError(.syntax, "malformed JSON: \(message)", at: src.location()) }

    func expect(_ c: UInt8) throws {
        src.skipSpace()
        guard let b = src.next() else { throw fail("unexpected end of file, expected '\(Character(UnicodeScalar(c)))'") }
        guard b == c else { throw fail("expected '\(Character(UnicodeScalar(c)))', found '\(Character(UnicodeScalar(b)))'") }
    }

    /// Consumes `c` if it is the next non-space byte.
    func accept(_ c: UInt8) -> Bool {
        src.skipSpace()
        if src.peek() == c { _ = src.next(); return true }
        return false
    }

    func parseValue(depth: Int = 0) throws -> JSONValue {
        guard depth < maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        src.skipSpace()
        guard let b = src.peek() else { throw fail("unexpected end of file, expected a value") }
        switch b {
        case UInt8(ascii: "{"):
            _ = src.next()
            var o: [String: JSONValue] = [:]
            if accept(UInt8(ascii: "}")) { return .object(o) }
            repeat {
                let k = try parseKey()
                o[k] = try parseValue(depth: depth + 1)
            } while accept(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
            return .object(o)
        case UInt8(ascii: "["):
            _ = src.next()
            var a: [JSONValue] = []
            if accept(UInt8(ascii: "]")) { return .array(a) }
            repeat { a.append(try parseValue(depth: depth + 1)) } while accept(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
            return .array(a)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Character(UnicodeScalar(b)))'")
        }
    }

    /// A member name and its colon.
    func parseKey() throws -> String {
        src.skipSpace()
        guard src.peek() == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
        let k = try parseString()
        try expect(UInt8(ascii: ":"))
        return k
    }

    func literal(_ word: String) throws {
        for c in word.utf8 {
            guard src.next() == c else { throw fail("expected '\(word)'") }
        }
    }

    func parseNumber() throws -> Double {
        var bytes: [UInt8] = []
        while let b = src.peek(), (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x65 || b == 0x45 {
            bytes.append(b); _ = src.next()
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw fail("'\(text)' is not a number") }
        return d
    }

    func parseString() throws -> String {
        _ = src.next() // opening quote
        var bytes: [UInt8] = []
        while true {
            guard let b = src.next() else { throw fail("unterminated string") }
            switch b {
            case UInt8(ascii: "\""): return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = src.next() else { throw fail("unterminated string") }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var u = try hex4()
                    if (0xD800..<0xDC00).contains(u) {
                        guard src.next() == UInt8(ascii: "\\"), src.next() == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                        let lo = try hex4()
                        guard (0xDC00..<0xE000).contains(lo) else { throw fail("unpaired surrogate") }
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    guard let scalar = UnicodeScalar(u) else { throw fail("bad \\u escape") }
                    bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("bad escape '\\\(Character(UnicodeScalar(e)))'")
                }
            case 0..<0x20: throw fail("control character in string")
            default: bytes.append(b)
            }
        }
    }

    func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = src.next(), let d = Character(UnicodeScalar(b)).hexDigitValue else { throw fail("bad \\u escape") }
            v = v * 16 + UInt32(d)
        }
        return v
    }

    /// Requires that nothing but white space follows.
    func expectEnd() throws {
        src.skipSpace()
        if let b = src.peek() { throw fail("unexpected '\(Character(UnicodeScalar(b)))' after the end of the document") }
    }
}
