import Testing

@testable import SluiceClient

@Suite("Kitex registry-etcd values")
struct KitexRegistryEntryTests {
    private func parse(_ json: String) throws(KitexEntryError) -> KitexRegistryEntry {
        try KitexRegistryEntry.parse(Array(json.utf8))
    }

    @Test("a value as Kitex writes it")
    func kitexValue() throws {
        let entry = try parse(#"{"network":"tcp","address":"127.0.0.1:8888","weight":10,"tags":{"cluster":"a","env":"prod"}}"#)
        #expect(entry.endpoint == WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 8888), weight: 10))
        #expect(entry.tags == ["cluster": "a", "env": "prod"])
        #expect(entry.network == "tcp")
    }

    @Test("tags null, a custom weight, an IPv6 address")
    func nullTags() throws {
        let entry = try parse(#"{"network":"tcp","address":"[::1]:9000","weight":3,"tags":null}"#)
        #expect(entry.endpoint == WeightedEndpoint(Endpoint(host: "::1", port: 9000), weight: 3))
        #expect(entry.tags.isEmpty)
    }

    @Test("a weight that is missing, null, zero or negative is Kitex's default 10", arguments: [
        #"{"address":"10.0.0.1:1"}"#, #"{"address":"10.0.0.1:1","weight":null}"#,
        #"{"address":"10.0.0.1:1","weight":0}"#, #"{"address":"10.0.0.1:1","weight":-5}"#,
    ])
    func defaultWeight(json: String) throws {
        #expect(try parse(json).endpoint.weight == 10)
    }

    @Test("field names match without regard to case, and unknown fields are ignored, as Go's encoding/json does")
    func goMatching() throws {
        let entry = try parse(#"{"Network":"tcp","Address":"h:1","WEIGHT":7,"extra":[1,{"a":2}]}"#)
        #expect(entry.endpoint == WeightedEndpoint(Endpoint(host: "h", port: 1), weight: 7))
    }

    @Test("values Kitex's resolver cannot decode are skipped with a reason", arguments: [
        ("not json", "not Kitex's instance JSON"),
        (#"["h:1"]"#, "not an object"),
        (#"{"address":"h:1","weight":"10"}"#, "weight is not an integer"),
        (#"{"address":"h:1","weight":1.5}"#, "weight is not an integer"),
        (#"{"address":"h:1","weight":99999999999999999999}"#, "weight is not an integer"),
        (#"{"address":"h:1","tags":{"a":1}}"#, "tags must map strings"),
        (#"{"address":"h:1","tags":[]}"#, "tags must map strings"),
        (#"{"network":"unix","address":"/tmp/s"}"#, "network unix is not tcp"),
        (#"{"network":"tcp","weight":10}"#, "is not host:port"),
        (#"{"address":"nohostport"}"#, "is not host:port"),
        (#"{"address":"h:1"} trailing"#, "not Kitex's instance JSON"),
    ])
    func rejected(json: String, reason: String) {
        #expect {
            try parse(json)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("a value over 64 KiB is rejected unread")
    func tooLarge() {
        let value = [UInt8](repeating: UInt8(ascii: " "), count: KitexRegistryEntry.maxValueBytes + 1)
        #expect(throws: KitexEntryError.tooLarge(value.count)) { try KitexRegistryEntry.parse(value) }
    }
}
