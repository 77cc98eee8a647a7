import Synchronization

/// Holds a schema's ``FieldLookupTable``, built on first use and shared by every copy of the schema.
///
/// A class so that copies of a ``ThriftSchema`` share one table; replaced (not updated) whenever
/// ``ThriftSchema/structs`` changes, so a table never describes other structs than its schema's.
final class FieldLookupCache: Sendable {
    private let table = Mutex<FieldLookupTable?>(nil)

    init() {}

    func table(for structs: [StructDescriptor]) -> FieldLookupTable {
        table.withLock { table in
            if let table { return table }
            let built = FieldLookupTable(structs)
            table = built
            return built
        }
    }
}

extension ThriftSchema {
    /// Field ids, names and JSON keys of every struct, for the transcoder's per-field loops.
    var fieldLookup: FieldLookupTable { fieldLookupCache.table(for: structs) }
}
