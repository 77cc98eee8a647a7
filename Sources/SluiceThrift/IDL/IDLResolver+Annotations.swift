extension IDLResolver {
    /// The annotations written on a type where it is used (`i64 (js.type = "string")`) and on every typedef
    /// it goes through, innermost first: ``Annotations``' subscript then reads the one written nearest the use.
    /// Only the outermost type's own annotations are kept: a container's element types have no descriptor.
    func typeAnnotations(_ reference: IDLTypeReference, in file: Int) -> Annotations {
        switch reference {
        case .annotated(let type, let annotations):
            return Annotations(typeAnnotations(type, in: file).entries + annotations.entries)
        case .named(let name, let location):
            guard case .typedef(let index)? = try? lookup(name, in: file, at: location) else { return Annotations() }
            return typedefAnnotations(index)
        case .base, .list, .set, .map:
            return Annotations()
        }
    }

    /// Typedef `index`'s own annotations after those of the type it names (`typedef i64 (a = "1") Id (b = "2")`
    /// has both). Empty for a typedef that did not resolve, so a cycle ends here.
    func typedefAnnotations(_ index: Int) -> Annotations {
        guard case .resolved = typedefStates[index] else { return Annotations() }
        let (file, definition) = typedefs[index]
        return Annotations(typeAnnotations(definition.type, in: file).entries + definition.annotations.entries)
    }
}
