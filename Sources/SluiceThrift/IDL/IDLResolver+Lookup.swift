extension IDLResolver {
    /// `Name` in `file` itself, or `inc.Name` in the file it includes as `inc`; a type or service, or
    /// with `constants` a constant. A stem may hold dots (`include "a.objs.thrift"` gives `a.objs.Name`),
    /// and two included files may share one (`b.thrift`, `sub/b.thrift`): `inc.Name` is whichever file
    /// declares `Name`, and an error when two do.
    func lookup(
        _ name: String, in file: Int, at location: SourceLocation, constants: Bool = false
    ) throws(ThriftIDLError) -> Symbol? {
        let tables = constants ? constantSymbols : symbols
        if let symbol = tables[file][name] { return symbol }
        var declaring: [(file: Int, prefix: String, rest: String)] = []
        for (prefix, rest) in Self.splits(of: name) {
            for included in files[file].includes[prefix] ?? [] where tables[included][rest] != nil {
                declaring.append((included, prefix, rest))
            }
        }
        if declaring.count > 1 {
            let (first, second) = (declaring[0], declaring[1])
            let paths = "'\(files[first.file].path)' and '\(files[second.file].path)'"
            throw ThriftIDLError(
                location: location,
                message: first.prefix == second.prefix && first.rest == second.rest
                    ? "'\(name)' is ambiguous: \(paths) are both included as '\(first.prefix)' and both declare "
                        + "'\(first.rest)'"
                    : "'\(name)' is ambiguous: it names a definition in both \(paths)")
        }
        return declaring.first.flatMap { tables[$0.file][$0.rest] }
    }

    /// Every way to read `name` as `include-stem.rest`: `a.b.C` is `a` + `b.C` and `a.b` + `C`.
    static func splits(of name: String) -> [(prefix: String, rest: String)] {
        name.indices.filter { name[$0] == "." }.map { dot in
            (String(name[..<dot]), String(name[name.index(after: dot)...]))
        }
    }
}
