import CityIO
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct GenerateCommandTests {
    @Test func generatesAValidDistrictAndKeepsAnExistingOne() throws {
        let tmp = TemporaryFolder()
        let out = tmp.file("d")
        let r = try citytwin("generate", "district", "--seed", "5", "--size", "0.5", "--out", out)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("signal_programs"))
        let seed5 = try ModelStore.load(out).roadNodes.map(\.position)
        let v = try citytwin("validate", out)
        #expect(v.status == 0 && v.out.contains("0 error(s), 0 warning(s)"), "\(v.out)\(v.err)")
        // A second run without --force refuses to replace it.
        let again = try citytwin("generate", "district", "--seed", "6", "--size", "0.5", "--out", out)
        #expect(again.status == 2 && again.err.contains("E107"), "\(again.err)")
        let forced = try citytwin("generate", "district", "--seed", "6", "--size", "0.5", "--out", out, "--force")
        #expect(forced.status == 0, "\(forced.err)")
        #expect(try ModelStore.load(out).roadNodes.map(\.position) != seed5, "--force did not replace the model")
    }

    @Test func refusesImpossibleOptions() throws {
        let tmp = TemporaryFolder()
        let r = try citytwin("generate", "district", "--seed", "1", "--size", "9", "--out", tmp.file("d"))
        #expect(r.status == 2 && r.err.contains("E105") && r.err.contains("size"), "\(r.err)")
        #expect(tmp.contents().isEmpty)
    }
}
