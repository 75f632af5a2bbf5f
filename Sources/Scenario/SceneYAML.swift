import Foundation
import Geometry
import Yams

/// A YAML node of a scene file with the file it came from, for reading typed values and reporting
/// errors at `file:line` with the key's dotted path (`flood.manning.raster`).
///
/// Every mapping is read through `fields(_:)`, which refuses keys not in the list, so a misspelt
/// key never passes silently.
public struct SceneNode {
    public let node: Node
    public let file: String
    /// Dotted path of the key that holds this node ("" for the document).
    public let path: String

    public init(node: Node, file: String, path: String) { self.node = node; self.file = file; self.path = path }

    /// The document in the YAML file at `file`.
    /// - Throws: `.fileNotFound`/`.unreadableFile`, or `.syntax` with the line of a YAML error.
    public static func load(_ file: String) throws -> SceneNode {
        guard FileManager.default.fileExists(atPath: file) else {
            throw InputError(.fileNotFound, "no such file", at: SourceLocation(file: file))
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw InputError(.unreadableFile, "cannot read the file as UTF-8 text", at: SourceLocation(file: file))
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(.syntax, "the file is empty", at: SourceLocation(file: file, line: 1))
            }
            return SceneNode(node: node, file: file, path: "")
        } catch let e as YamlError {
            var line: Int?
            var problem = "\(e)"
            switch e {
            case .scanner(_, let p, let m, _), .parser(_, let p, let m, _), .composer(_, let p, let m, _):
                line = m.line; problem = p
            case .duplicatedKeysInMapping(let d, let c):
                line = c.mark.line; problem = "duplicate key \(d.joined(separator: ", "))"
            default: break
            }
            throw InputError(.syntax, "YAML: \(problem)", at: SourceLocation(file: file, line: line))
        }
    }

    public var line: Int? { node.mark?.line }

    /// An error at this node: `file:line: Exxx key: message`.
    public func error(_ code: ErrorCode, _ message: String) -> InputError {
        InputError(code, path.isEmpty ? message : "\(path): \(message)", at: SourceLocation(file: file, line: line))
    }

    func child(_ n: Node, _ key: String) -> SceneNode {
        SceneNode(node: n, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The mapping's values by key, refusing keys outside `allowed` and duplicate keys.
    public func fields(_ allowed: [String]) throws -> [String: SceneNode] {
        guard let m = node.mapping else { throw error(.badValue, "expected a mapping of keys (\(allowed.joined(separator: ", ")))") }
        var out: [String: SceneNode] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw child(k, "?").error(.badValue, "keys must be text") }
            guard allowed.contains(key) else {
                throw SceneNode(node: k, file: file, path: path.isEmpty ? key : "\(path).\(key)")
                    .error(.unknownSection, "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard out[key] == nil else { throw child(k, key).error(.badValue, "duplicate key") }
            out[key] = child(v, key)
        }
        return out
    }

    /// The items of a sequence.
    public func items() throws -> [SceneNode] {
        guard let s = node.sequence else { throw error(.badValue, "expected a list") }
        return s.enumerated().map { SceneNode(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
    }

    public func string() throws -> String {
        guard let s = node.scalar?.string else { throw error(.badValue, "expected text, found \(describe)") }
        return s
    }

    public func double() throws -> Double {
        guard let s = node.scalar?.string, let v = Double(s.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            throw error(.badValue, "expected a number, found \(describe)")
        }
        return v
    }

    public func int() throws -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw error(.badValue, "expected an integer, found \(describe)") }
        return v
    }

    public func bool() throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.badValue, "expected true or false, found \(describe)")
        }
    }

    /// A number in a range.
    public func double(in range: ClosedRange<Double>, _ what: String = "value") throws -> Double {
        let v = try double()
        guard range.contains(v) else { throw error(.implausibleValue, "\(what) \(v) must be in [\(range.lowerBound), \(range.upperBound)]") }
        return v
    }

    /// A duration in seconds: a number of seconds, `H:MM[:SS]`, or a number with a unit
    /// (`90s`, `30min`, `5h`, `2d`).
    public func seconds() throws -> Double {
        guard let s = node.scalar?.string.trimmingCharacters(in: .whitespaces) else { throw error(.badValue, "expected a duration") }
        if let v = Double(s), v.isFinite { return v }
        if s.contains(":") {
            let parts = s.split(separator: ":").map { Double($0) }
            if parts.count >= 2, parts.count <= 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }) {
                return parts.enumerated().reduce(0) { $0 + $1.element! * [3600.0, 60, 1][$1.offset] }
            }
        }
        for (suffix, f) in [("min", 60.0), ("ms", 0.001), ("s", 1), ("h", 3600), ("d", 86400)] where s.hasSuffix(suffix) {
            if let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v.isFinite { return v * f }
        }
        throw error(.badValue, "expected a duration (seconds, H:MM:SS, or a number with s, min, h or d), found \(describe)")
    }

    /// A point `[x, y]` in the grid's CRS.
    public func coordinate() throws -> Coordinate {
        let xs = try items()
        guard xs.count == 2 else { throw error(.badValue, "expected a point [x, y]") }
        return Coordinate(try xs[0].double(), try xs[1].double())
    }

    /// A path relative to the scene file's folder.
    public func path(relativeTo base: String) throws -> String {
        let p = try string()
        return p.hasPrefix("/") ? p : ((base as NSString).deletingLastPathComponent as NSString).appendingPathComponent(p)
    }

    var describe: String {
        if let s = node.scalar?.string { return "'\(s)'" }
        return node.mapping != nil ? "a mapping" : node.sequence != nil ? "a list" : "nothing"
    }
}
