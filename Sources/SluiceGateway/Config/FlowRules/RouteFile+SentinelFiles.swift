internal import SluiceFlow
internal import Yams

extension RouteFile {
    /// `sentinel:`: Sentinel JSON rule files by rule type, relative to the route file, and their `dialect`.
    /// The files are read by validation, once every route file is parsed.
    static func parseSentinelFiles(_ node: Node, directory: String, reader: inout YAMLReader) -> [SentinelFileReference] {
        let kinds = SentinelFileReference.Kind.allCases
        guard let fields = reader.fields(of: node, what: "'sentinel'", allowed: kinds.map(\.rawValue) + ["dialect"]) else { return [] }
        var dialect = SentinelDialect.java
        if let field = fields["dialect"],
            let value = reader.choice(field.value, what: "'dialect'", among: [("java", SentinelDialect.java), ("go", .go)])
        {
            dialect = value
        }
        var references: [SentinelFileReference] = []
        // In the order of `Kind`, so that API groups are known whatever order the keys are written in.
        for kind in kinds {
            guard let field = fields[kind.rawValue], let path = reader.string(field.value, what: "'\(kind.rawValue)'") else { continue }
            guard !path.isEmpty else {
                reader.error(at: field.value, "'\(kind.rawValue)' must be the path of a Sentinel JSON rule file")
                continue
            }
            references.append(SentinelFileReference(
                kind: kind, path: resolve(path, against: directory), dialect: dialect, origin: reader.origin(of: field.value)))
        }
        return references
    }
}
