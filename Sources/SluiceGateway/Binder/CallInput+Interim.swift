public import NIOCore

// INTERIM: these mirror Contract B's `BoundValue` / `CallInput` (SluiceThrift/Transcode) field for field, so
// the binder can be built and tested before the transcoder lands on main. This file is deleted when it does.

public struct BoundValue: Sendable, Hashable {
    public var path: [String]
    public var text: String
    public var source: String

    public init(path: [String], text: String, source: String) {
        self.path = path
        self.text = text
        self.source = source
    }
}

public struct CallInput: Sendable {
    public var body: ByteBuffer?
    public var bodyTarget: [String]
    public var bound: [BoundValue]

    public init(body: ByteBuffer?, bodyTarget: [String], bound: [BoundValue]) {
        self.body = body
        self.bodyTarget = bodyTarget
        self.bound = bound
    }
}
