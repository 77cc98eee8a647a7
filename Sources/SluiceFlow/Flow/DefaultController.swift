/// Sentinel's `DefaultController`: reject once the selected node's passes in the last second (truncated to an
/// integer) or its entries in flight plus this call exceed `count`.
public struct DefaultController: Sendable {
    public let count: Double
    public let grade: FlowRule.Grade

    public init(count: Double, grade: FlowRule.Grade) {
        self.count = count
        self.grade = grade
    }

    public func check(_ node: NodeReading, acquire: Int = 1) -> FlowDecision {
        let current = grade == .concurrency ? node.inFlight : Java.long(node.passQps)
        return Double(current + Int64(acquire)) > count ? .block : .pass
    }
}
