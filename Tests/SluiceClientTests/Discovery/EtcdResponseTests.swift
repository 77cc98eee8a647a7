import NIOCore
import SluiceJSON
import Testing

@testable import SluiceClient

/// Range and watch bodies recorded from etcd 3.4's JSON gateway (Debian's etcd-server).
@Suite("etcd JSON gateway responses")
struct EtcdResponseTests {
    static let key8888 = "a2l0ZXgvcmVnaXN0cnktZXRjZC9lY2hvLzEyNy4wLjAuMTo4ODg4"  // kitex/registry-etcd/echo/127.0.0.1:8888
    static let key8889 = "a2l0ZXgvcmVnaXN0cnktZXRjZC9lY2hvLzEyNy4wLjAuMTo4ODg5"
    static let value8888 = "eyJuZXR3b3JrIjoidGNwIiwiYWRkcmVzcyI6IjEyNy4wLjAuMTo4ODg4Iiwid2VpZ2h0IjoxMCwidGFncyI6bnVsbH0="
    static let value8889 = "eyJuZXR3b3JrIjoidGNwIiwiYWRkcmVzcyI6IjEyNy4wLjAuMTo4ODg5Iiwid2VpZ2h0IjoxMCwidGFncyI6bnVsbH0="
    private func header(_ revision: Int) -> String {
        #""header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709","revision":"\#(revision)","raft_term":"2"}"#
    }

    @Test("a range with one Kitex instance")
    func range() throws {
        let body = #"{\#(header(2)),"kvs":[{"key":"\#(Self.key8888)","create_revision":"2","mod_revision":"2","version":"1","value":"\#(Self.value8888)"}],"count":"1"}"#
        let range = try EtcdRangeResponse.parse(ByteBuffer(string: body))
        #expect(range.revision == 2)
        #expect(range.keyValues.map { String(decoding: $0.key, as: UTF8.self) } == ["kitex/registry-etcd/echo/127.0.0.1:8888"])
        var state = EtcdRegistryState()
        #expect(state.replace(with: range).isEmpty)
        #expect(state.endpoints == [WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 8888), weight: 10)])
        #expect(state.revision == 2)
    }

    @Test("an empty range has no kvs, only the revision")
    func emptyRange() throws {
        let range = try EtcdRangeResponse.parse(ByteBuffer(string: "{\(header(7))}"))
        #expect(range == EtcdRangeResponse(revision: 7, keyValues: []))
    }

    @Test("range errors and malformed bodies throw", arguments: [
        #"{"error":"etcdserver: permission denied","message":"etcdserver: permission denied","code":7}"#,
        #"{"kvs":[]}"#, "not json", #"{"header":{"revision":"x"}}"#,
        #"{"header":{"revision":"1"},"kvs":[{"key":"@@@"}]}"#,
    ])
    func rangeErrors(body: String) {
        #expect(throws: EtcdResponseError.self) { try EtcdRangeResponse.parse(ByteBuffer(string: body)) }
    }

    @Test("watch: created, a PUT (no type), a DELETE, then a compaction")
    func watchStream() throws {
        let created = #"{"result":{\#(header(2)),"created":true}}"#
        let put = #"{"result":{\#(header(3)),"events":[{"kv":{"key":"\#(Self.key8889)","create_revision":"3","mod_revision":"3","version":"1","value":"\#(Self.value8889)"}}]}}"#
        let delete = #"{"result":{\#(header(4)),"events":[{"type":"DELETE","kv":{"key":"\#(Self.key8888)","mod_revision":"4"}}]}}"#
        let compacted = #"{"result":{"header":{"cluster_id":"1","raft_term":"2"},"canceled":true,"compact_revision":"4"}}"#

        #expect(try EtcdWatchMessage.parse(ByteBuffer(string: created)) == .created)
        var state = EtcdRegistryState()
        _ = state.replace(with: try EtcdRangeResponse.parse(ByteBuffer(string:
            #"{\#(header(2)),"kvs":[{"key":"\#(Self.key8888)","value":"\#(Self.value8888)"}]}"#)))
        guard case .events(let events, let revision) = try EtcdWatchMessage.parse(ByteBuffer(string: put)) else {
            Issue.record("not events")
            return
        }
        #expect(revision == 3)
        #expect(state.apply(events, revision: revision).isEmpty)
        #expect(state.endpoints.map(\.endpoint.port) == [8888, 8889])
        guard case .events(let deletes, let revision4) = try EtcdWatchMessage.parse(ByteBuffer(string: delete)) else {
            Issue.record("not events")
            return
        }
        #expect(deletes == [.delete(key: Array("kitex/registry-etcd/echo/127.0.0.1:8888".utf8))])
        _ = state.apply(deletes, revision: revision4)
        #expect(state.endpoints == [WeightedEndpoint(Endpoint(host: "127.0.0.1", port: 8889), weight: 10)])
        #expect(state.revision == 4)
        #expect(try EtcdWatchMessage.parse(ByteBuffer(string: compacted)) == .canceled(compactRevision: 4, reason: ""))
    }

    @Test("a bad value in a PUT drops that key's instance and is reported")
    func badPut() throws {
        var state = EtcdRegistryState()
        let key = Array("kitex/registry-etcd/echo/h:1".utf8)
        _ = state.apply([.put(EtcdKeyValue(key: key, value: Array(#"{"address":"h:1"}"#.utf8)))], revision: 5)
        #expect(state.endpoints.count == 1)
        let skipped = state.apply([.put(EtcdKeyValue(key: key, value: Array("{bad".utf8)))], revision: 6)
        #expect(skipped.map(\.key) == ["kitex/registry-etcd/echo/h:1"])
        #expect(state.endpoints.isEmpty)
    }

    @Test("the gateway's stream errors and cancellations", arguments: [
        (#"{"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}}"#,
         EtcdWatchMessage.failed("etcdserver: no leader")),
        (#"{"error":"closed"}"#, EtcdWatchMessage.failed("closed")),
        (#"{"result":{"canceled":true,"cancel_reason":"mvcc: required revision is a future revision"}}"#,
         EtcdWatchMessage.canceled(compactRevision: nil, reason: "mvcc: required revision is a future revision")),
        (#"{"result":{"header":{"revision":"9"}}}"#, EtcdWatchMessage.events([], revision: 9)),
    ])
    func watchFailures(line: String, expected: EtcdWatchMessage) throws {
        #expect(try EtcdWatchMessage.parse(ByteBuffer(string: line)) == expected)
    }

    @Test("request bodies: base64 prefix and range end, start revision")
    func requests() throws {
        let requests = EtcdRequests(prefix: EtcdRequests.kitexPrefix(service: "echo"))
        #expect(String(decoding: requests.rangeEnd, as: UTF8.self) == "kitex/registry-etcd/echo0")
        let prefix = Base64.encode(Array("kitex/registry-etcd/echo/".utf8))
        let end = Base64.encode(Array("kitex/registry-etcd/echo0".utf8))
        #expect(String(buffer: requests.range()) == #"{"key":"\#(prefix)","range_end":"\#(end)"}"#)
        #expect(String(buffer: requests.watch(startRevision: 3))
            == #"{"create_request":{"key":"\#(prefix)","range_end":"\#(end)","start_revision":3}}"#)
    }

    @Test("range end: the last byte below 0xFF incremented", arguments: [
        ([0x61, 0x2F], [0x61, 0x30]), ([0x61, 0xFF], [0x62]), ([0xFF, 0xFF], [0x00]),
    ] as [([UInt8], [UInt8])])
    func rangeEnd(prefix: [UInt8], end: [UInt8]) {
        #expect(EtcdRequests.rangeEnd(of: prefix) == end)
    }
}
