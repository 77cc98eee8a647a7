internal import NIOCore

/// The deadlines of the calls sent on one connection, soonest first, so that one timer serves them all.
///
/// Scheduling a task per call costs allocations and, on cancellation, a linear search of the event loop's
/// timer heap; a connection carrying thousands of calls a second instead keeps this binary heap and arms a
/// single timer for its earliest entry. Entries are not removed when their call completes: the owner checks,
/// when an entry expires, whether its call is still waiting (lazy deletion keeps completion O(1)).
struct DeadlineQueue {
    struct Entry: Hashable {
        var deadline: NIODeadline
        var sequenceID: Int32
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var earliest: NIODeadline? { heap.first?.deadline }

    mutating func push(_ deadline: NIODeadline, sequenceID: Int32) {
        heap.append(Entry(deadline: deadline, sequenceID: sequenceID))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if its deadline is not after `now`.
    mutating func popExpired(now: NIODeadline) -> Entry? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    mutating func removeAll() {
        heap.removeAll()
    }

    /// When to wake for `deadline`: rounded up to a multiple of `granularity`, so the deadlines of calls sent
    /// close together share one wake-up instead of one each.
    static func wakeUp(for deadline: NIODeadline, granularity: TimeAmount) -> NIODeadline {
        let step = UInt64(max(1, granularity.nanoseconds))
        let nanos = deadline.uptimeNanoseconds
        let (rounded, overflow) = (nanos / step + (nanos % step == 0 ? 0 : 1)).multipliedReportingOverflow(by: step)
        return overflow ? deadline : .uptimeNanoseconds(rounded)
    }
}
