internal import NIOCore

// INTERIM: these mirror Contract B's `BoundValue` / `CallInput` (SluiceThrift/Transcode) field for field, so
// the binder can be built and tested before the transcoder lands on main. This file is deleted when it does.

struct BoundValue: Sendable, Hashable {
    var path: [String]
    var text: String
    var source: String

    init(path: [String], text: String, source: String) {
        self.path = path
        self.text = text
        self.source = source
    }
}

struct CallInput: Sendable {
    var body: ByteBuffer?
    var bodyTarget: [String]
    var bound: [BoundValue]

    init(body: ByteBuffer?, bodyTarget: [String], bound: [BoundValue]) {
        self.body = body
        self.bodyTarget = bodyTarget
        self.bound = bound
    }
}
