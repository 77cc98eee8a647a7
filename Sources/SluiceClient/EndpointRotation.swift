/// Round robin over a service's endpoints: each `next(of:)` is the index after the last, wrapping. Shared by
/// the Thrift pool shards and the HTTP upstream shards, which each keep one per event loop.
package struct EndpointRotation: Sendable {
    private var following = 0

    package init() {}

    package mutating func next(of count: Int) -> Int {
        let index = following
        following = index + 1 >= count ? 0 : index + 1
        return index
    }
}
