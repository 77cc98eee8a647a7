import SluiceClient
import Testing

@Suite("Endpoint sets: normalizing and diffing")
struct EndpointSetDiffTests {
    private func w(_ text: String, _ weight: Int = 1) -> WeightedEndpoint {
        WeightedEndpoint(Endpoint(parsing: text)!, weight: weight)
    }

    @Test("added, removed and reweighted, each sorted")
    func diff() {
        let old = [w("10.0.0.2:80"), w("10.0.0.1:80", 5), w("10.0.0.3:80")]
        let new = [w("10.0.0.4:80", 2), w("10.0.0.1:80", 10), w("10.0.0.3:80"), w("10.0.0.0:80")]
        let diff = EndpointSetDiff(from: old, to: new)
        #expect(diff.added == [w("10.0.0.0:80"), w("10.0.0.4:80", 2)])
        #expect(diff.removed == [Endpoint(host: "10.0.0.2", port: 80)])
        #expect(diff.reweighted == [w("10.0.0.1:80", 10)])
        #expect(!diff.isEmpty)
    }

    @Test("the same set in another order is no change; from and to nothing")
    func edges() {
        let set = [w("b:1"), w("a:1", 3)]
        #expect(EndpointSetDiff(from: set, to: set.reversed()).isEmpty)
        #expect(EndpointSetDiff(from: [], to: []).isEmpty)
        #expect(EndpointSetDiff(from: [], to: set).added == [w("a:1", 3), w("b:1")])
        #expect(EndpointSetDiff(from: set, to: []).removed.map(\.description) == ["a:1", "b:1"])
    }

    @Test("normalized: sorted by host then port, the first of duplicate addresses kept")
    func normalized() {
        let set = WeightedEndpoint.normalized([w("b:2"), w("b:10"), w("a:9", 4), w("b:2", 7), w("[::1]:1")])
        #expect(set == [w("[::1]:1"), w("a:9", 4), w("b:2"), w("b:10")])
    }
}
