/// Where in an input a problem was found: a file, and within it a line (text formats), a feature
/// (GeoJSON index or ID, table row), or both. Printed as `file:line: …` or `file:feature: …`.
public struct SourceLocation: Hashable, Codable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var feature: String?

    public init(file: String, line: Int? = nil, feature: String? = nil) {
        self.file = file; self.line = line; self.feature = feature
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let feature { s += ":\(feature)" }
        return s
    }
}

/// A stable error code. The numeric value never changes once published (scripts and the server
/// map on it); new codes are added at the end of their range.
///
/// Ranges: 1xx files and syntax, 2xx geometry, 3xx coordinate systems, 4xx rasters, 5xx model
/// content (references, topology, values), 6xx databases, 9xx internal.
public enum ErrorCode: Int, Codable, Sendable, CaseIterable {
    case fileNotFound = 100
    case unreadableFile = 101
    case syntax = 102
    case unsupportedFormat = 103
    case missingField = 104
    case badValue = 105
    case unknownSection = 106
    case outputExists = 107
    case writeFailed = 108
    case invalidGeometry = 200
    case unsupportedGeometry = 201
    case unknownCRS = 300
    case transformFailed = 301
    case badRasterHeader = 400
    case rasterValue = 401
    case danglingReference = 500
    case duplicateID = 501
    case disconnectedNetwork = 502
    case implausibleValue = 503
    case missingTable = 600
    case database = 601
    case internalError = 900

    /// Short name used in messages (`E102 syntax`).
    public var label: String { "E\(rawValue)" }
}

/// An error in the input, with its code, where it was found, and what is wrong. Its description is
/// the one line a user sees: `models/demo/roads.geojson:feature 12: E200 invalid geometry: …`.
public struct InputError: Error, Hashable, Codable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var location: SourceLocation?
    public var message: String

    public init(_ code: ErrorCode, _ message: String, at location: SourceLocation? = nil) {
        self.code = code; self.message = message; self.location = location
    }

    /// The same error with a location filled in where it had none (or lacked a file).
    public func located(_ loc: SourceLocation) -> InputError {
        var e = self
        if e.location == nil { e.location = loc }
        else if e.location!.file.isEmpty { e.location!.file = loc.file }
        return e
    }

    public var description: String {
        let head = location.map { "\($0): " } ?? ""
        return "\(head)\(code.label) \(message)"
    }
}
