import Geometry

/// A small streaming XML tokenizer for the data-oriented XML that SUMO writes: elements with
/// attributes, comments, processing instructions, a DOCTYPE and CDATA (skipped). It reports start and
/// end tags with their line numbers, checks that tags nest, and decodes the five predefined entities
/// and numeric character references in attribute values. Text content is ignored.
///
/// Every malformed construct is an `InputError` (`E102`) with the file and line. Runs in O(bytes).
struct XMLScanner {
    /// One start tag: its name, attributes in file order, line, and whether it closed itself (`/>`).
    struct Element {
        var name: String
        var attributes: [(String, String)]
        var line: Int
        var selfClosing: Bool

        func attr(_ key: String) -> String? {
            for (k, v) in attributes where k == key { return v }
            return nil
        }
    }

    enum Event {
        case start(Element)
        case end(name: String, line: Int)
    }

    let bytes: [UInt8]
    let file: String
    private var i = 0
    private(set) var line = 1
    private var stack: [String] = []
    private var pendingEnd: (String, Int)?

    init(bytes: [UInt8], file: String) { self.bytes = bytes; self.file = file }

    func error(_ message: String, line: Int? = nil) -> InputError {
        InputError(.syntax, message, at: SourceLocation(file: file, line: line ?? self.line))
    }

    /// The next start or end tag, or nil at the end of the document.
    mutating func next() throws -> Event? {
        if let (n, l) = pendingEnd { pendingEnd = nil; return .end(name: n, line: l) }
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if c != 0x3C { i += 1; continue }                       // text content: skipped
            guard i + 1 < n else { throw error("document ends inside a tag") }
            let c1 = bytes[i + 1]
            if c1 == 0x3F { try skip(until: [0x3F, 0x3E], what: "processing instruction"); continue }  // <? ?>
            if c1 == 0x21 {                                          // <!
                if matches("<!--") { try skip(until: Array("-->".utf8), what: "comment"); continue }
                if matches("<![CDATA[") { try skip(until: Array("]]>".utf8), what: "CDATA section"); continue }
                try skip(until: [0x3E], what: "declaration"); continue
            }
            if c1 == 0x2F { return try endTag() }
            return try startTag()
        }
        if let open = stack.last { throw error("document ends before </\(open)> (element not closed)") }
        return nil
    }

    private func matches(_ s: String) -> Bool {
        var k = i
        for b in s.utf8 { guard k < bytes.count, bytes[k] == b else { return false }; k += 1 }
        return true
    }

    private mutating func skip(until terminator: [UInt8], what: String) throws {
        let start = line
        i += 2
        let n = bytes.count, m = terminator.count
        while i + m <= n {
            if bytes[i] == 0x0A { line += 1 }
            if bytes[i] == terminator[0] {
                var ok = true
                for k in 1..<m where bytes[i + k] != terminator[k] { ok = false; break }
                if ok { i += m; return }
            }
            i += 1
        }
        throw error("\(what) is not closed", line: start)
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x2F || b == 0x3E || b == 0x3D || b == 0x3C
          || b == 0x22 || b == 0x27)
    }

    private mutating func name() throws -> String {
        let s = i
        while i < bytes.count, Self.isNameByte(bytes[i]) { i += 1 }
        guard i > s else { throw error("expected a name") }
        return String(decoding: bytes[s..<i], as: UTF8.self)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A { line += 1 } else if !(b == 0x20 || b == 0x09 || b == 0x0D) { return }
            i += 1
        }
    }

    private mutating func endTag() throws -> Event {
        let l = line
        i += 2
        let nm = try name()
        skipSpace()
        guard i < bytes.count, bytes[i] == 0x3E else { throw error("</\(nm) is not closed by '>'") }
        i += 1
        guard let open = stack.popLast() else { throw error("</\(nm)> without an open element", line: l) }
        guard open == nm else { throw error("</\(nm)> closes <\(open)>", line: l) }
        return .end(name: nm, line: l)
    }

    private mutating func startTag() throws -> Event {
        let l = line
        i += 1
        let nm = try name()
        var attrs: [(String, String)] = []
        while true {
            skipSpace()
            guard i < bytes.count else { throw error("document ends inside <\(nm)>", line: l) }
            let b = bytes[i]
            if b == 0x3E { i += 1; stack.append(nm); return .start(Element(name: nm, attributes: attrs, line: l, selfClosing: false)) }
            if b == 0x2F {
                guard i + 1 < bytes.count, bytes[i + 1] == 0x3E else { throw error("'/' in <\(nm)> not followed by '>'") }
                i += 2
                pendingEnd = (nm, l)
                return .start(Element(name: nm, attributes: attrs, line: l, selfClosing: true))
            }
            if b == 0x3C { throw error("<\(nm)> is not closed by '>' before the next '<'", line: l) }
            let key = try name()
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3D else { throw error("attribute \(key) of <\(nm)> has no '=' value") }
            i += 1
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22 || bytes[i] == 0x27 else {
                throw error("attribute \(key) of <\(nm)> is not quoted")
            }
            let q = bytes[i]
            i += 1
            let s = i
            var hasEntity = false
            while i < bytes.count, bytes[i] != q {
                if bytes[i] == 0x26 { hasEntity = true }
                if bytes[i] == 0x3C { throw error("'<' inside attribute \(key) of <\(nm)>") }
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
            guard i < bytes.count else { throw error("attribute \(key) of <\(nm)> is not closed", line: l) }
            let raw = bytes[s..<i]
            i += 1
            let value = hasEntity ? try decodeEntities(raw) : String(decoding: raw, as: UTF8.self)
            attrs.append((key, value))
        }
    }

    private func decodeEntities(_ raw: ArraySlice<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = raw.startIndex
        while k < raw.endIndex {
            let b = raw[k]
            guard b == 0x26 else { out.append(b); k += 1; continue }
            guard let semi = raw[k...].firstIndex(of: 0x3B) else { throw error("unterminated entity '&'") }
            let ent = String(decoding: raw[(k + 1)..<semi], as: UTF8.self)
            switch ent {
            case "amp": out.append(0x26)
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            default:
                var scalar: UInt32?
                if ent.hasPrefix("#x") { scalar = UInt32(ent.dropFirst(2), radix: 16) }
                else if ent.hasPrefix("#") { scalar = UInt32(ent.dropFirst(1)) }
                guard let v = scalar, let u = Unicode.Scalar(v) else { throw error("unknown entity &\(ent);") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            }
            k = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Attribute helpers that turn a missing or malformed value into a located `InputError`.
extension XMLScanner.Element {
    func required(_ key: String, file: String) throws -> String {
        guard let v = attr(key) else {
            throw InputError(.missingField, "<\(name)> lacks attribute \(key)", at: SourceLocation(file: file, line: line))
        }
        return v
    }

    func double(_ key: String, file: String) throws -> Double? {
        guard let v = attr(key) else { return nil }
        guard let d = Double(v.trimmingSpaces), d.isFinite else {
            throw InputError(.badValue, "<\(name)> attribute \(key)=\"\(v)\" is not a number",
                             at: SourceLocation(file: file, line: line))
        }
        return d
    }

    func int(_ key: String, file: String) throws -> Int? {
        guard let v = attr(key) else { return nil }
        guard let d = Int(v.trimmingSpaces) else {
            throw InputError(.badValue, "<\(name)> attribute \(key)=\"\(v)\" is not an integer",
                             at: SourceLocation(file: file, line: line))
        }
        return d
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }

    /// The words of a space-separated list.
    var words: [String] { split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) }
}
