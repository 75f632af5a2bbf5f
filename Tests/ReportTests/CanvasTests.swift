import Testing
@testable import Report

@Suite struct CanvasTests {
    @Test func placeholder() { #expect(Bool(true)) }
}
