import SluiceClient
import Testing

@Test("only timeouts count as the backend's slowness")
func timeoutClassification() {
    #expect(ClientError(.requestTimeout, "t").isTimeout)
    #expect(ClientError(.connectTimeout, "t").isTimeout)
    #expect(!ClientError(.connectionClosed, "c").isTimeout)
}
