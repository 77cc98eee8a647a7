internal import NIOHTTP1

/// `headers`: fields removed, set and added on the request before it is bound (or proxied), and on the
/// response after the call, in that order.
public struct HeaderRewriteSettings: Sendable, Hashable {
    struct Edits: Sendable, Hashable {
        var remove: [String] = []
        var set: [(name: String, value: String)] = []
        var add: [(name: String, value: String)] = []

        var isEmpty: Bool { remove.isEmpty && set.isEmpty && add.isEmpty }

        func apply(to headers: inout HTTPHeaders) {
            for name in remove { headers.remove(name: name) }
            for field in set { headers.replaceOrAdd(name: field.name, value: field.value) }
            for field in add { headers.add(name: field.name, value: field.value) }
        }

        func apply(to headers: inout [(name: String, value: String)]) {
            for name in remove { headers.removeAll { GatewayHeaders.sameName($0.name, name) } }
            for field in set {
                headers.removeAll { GatewayHeaders.sameName($0.name, field.name) }
                headers.append(field)
            }
            headers += add
        }

        static func == (lhs: Edits, rhs: Edits) -> Bool {
            lhs.remove == rhs.remove && lhs.set.elementsEqual(rhs.set, by: ==) && lhs.add.elementsEqual(rhs.add, by: ==)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(remove)
            for field in set + [("", "")] + add {
                hasher.combine(field.name)
                hasher.combine(field.value)
            }
        }
    }

    var request = Edits()
    var response = Edits()
}
