import CityModel
import Foundation
import Geometry

/// Writes JSON text with a stable key order and shortest round-trip numbers, so files diff cleanly
/// and numbers read back bit for bit.
struct JSONTextWriter {
    var out: String = ""

    mutating func value(_ v: JSONValue) throws {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): try number(d)
        case .string(let s): string(s)
        case .array(let a):
            out += "["
            for (i, x) in a.enumerated() { if i > 0 { out += "," }; try value(x) }
            out += "]"
        case .object(let o):
            try object(o.keys.sorted().map { ($0, o[$0]!) })
        }
    }

    /// An object with members in the given order.
    mutating func object(_ members: [(String, JSONValue)]) throws {
        out += "{"
        for (i, (k, x)) in members.enumerated() {
            if i > 0 { out += "," }
            string(k); out += ":"
            try value(x)
        }
        out += "}"
    }

    mutating func number(_ d: Double) throws {
        guard d.isFinite else { throw InputError(.badValue, "\(d) cannot be written as a JSON number") }
        if d == d.rounded(), abs(d) < 9.0e15 { out += String(Int64(d)) } else { out += "\(d)" }
    }

    mutating func string(_ s: String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }

    static func text(_ v: JSONValue) throws -> String { var w = JSONTextWriter(); try w.value(v); return w.out }
}

/// Turns entities into (properties, shape) pairs and back: the one mapping that every format
/// (GeoJSON features, SpatiaLite rows) goes through, so all formats agree on field names and defaults.
enum EntityCodec {
    /// The entity's typed fields and attributes as one properties object, with `id` first, then the
    /// typed fields in declaration order, then attributes in key order.
    static func properties<E: ModelEntity>(of e: E) throws -> [(String, JSONValue)] {
        let data = try JSONEncoder().encode(e)
        guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw InputError(.internalError, "\(E.layer) '\(e.id)' did not encode as an object")
        }
        var out: [(String, JSONValue)] = E.fieldNames.compactMap { k in fields[k].map { (k, $0) } }
        for k in e.attributes.keys.sorted() where fields[k] == nil { out.append((k, e.attributes[k]!)) }
        return out
    }

    /// Builds an entity from a properties object and a shape. Fields the properties leave out take
    /// the layer's defaults; properties that are not typed fields become attributes.
    static func entity<E: ModelEntity>(_: E.Type, properties: [String: JSONValue], shape: Shape?,
                                       fallbackID: JSONValue?, at loc: SourceLocation) throws -> E {
        // A null typed field counts as absent, so it takes the layer's default.
        var props = E.defaultFields.merging(properties.filter { !($0.value == .null && E.fieldNames.contains($0.key)) }) { _, file in file }
        if props["id"] == nil || props["id"] == .null, let fid = fallbackID { props["id"] = fid }
        switch props["id"] {
        case .number(let d)?: props["id"] = .string(d == d.rounded() ? String(Int64(d)) : "\(d)")
        case .string?: break
        case nil, .null?: throw InputError(.missingField, "feature has no 'id' (in properties or as the feature id)", at: loc)
        default: throw InputError(.badValue, "'id' must be a string or a number", at: loc)
        }
        var entity: E
        do {
            let text = try JSONTextWriter.text(.object(props.filter { E.fieldNames.contains($0.key) }))
            entity = try JSONDecoder().decode(E.self, from: Data(text.utf8))
        } catch let e as DecodingError {
            throw InputError(describe(e).0, describe(e).1, at: loc)
        }
        entity.shape = shape
        entity.attributes = props.filter { !E.fieldNames.contains($0.key) }
        return entity
    }

    /// A user-facing code and message for a decoding error: which property, and what was wrong.
    static func describe(_ e: DecodingError) -> (ErrorCode, String) {
        func path(_ p: [any CodingKey]) -> String { p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let k, let c):
            let full = path(c.codingPath + [k])
            return (.missingField, "missing property '\(full)'")
        case .valueNotFound(_, let c):
            return (.missingField, "property '\(path(c.codingPath))' is null")
        case .typeMismatch(let t, let c):
            return (.badValue, "property '\(path(c.codingPath))' should be \(typeName(t))")
        case .dataCorrupted(let c):
            let p = path(c.codingPath)
            return (.badValue, p.isEmpty ? c.debugDescription : "property '\(p)': \(c.debugDescription)")
        @unknown default:
            return (.badValue, "\(e)")
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(t)"
        }
    }
}
