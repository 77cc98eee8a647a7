import SluiceGateway
import Testing

@Test("the version is semantic")
func versionShape() {
    #expect(GatewayVersion.string.split(separator: ".").count == 3)
}
