/// Atomic writes of text outputs (CSV, JSON) for the command-line tool and reports: the file is
/// written to a temporary file in the same folder and renamed over `path` once complete.
public enum TextOutput {
    /// Writes `text` (UTF-8) to `path` atomically. Throws `InputError` `.writeFailed` located at `path`.
    public static func write(_ text: String, to path: String) throws {
        try FileBytes.writeAtomically(Array(text.utf8), to: path)
    }

    /// The bytes of the file at `path` (`.fileNotFound`/`.unreadableFile` located at `path`).
    public static func bytes(of path: String) throws -> [UInt8] { try FileBytes.contents(of: path) }
}
