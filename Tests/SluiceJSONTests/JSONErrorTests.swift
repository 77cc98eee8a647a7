import SluiceJSON
import Testing

@Test("a JSON error names its byte offset")
func jsonErrorDescription() {
    #expect(JSONError(.unexpectedEnd, at: 7, "unexpected end of input").description == "unexpected end of input at byte 7")
}
