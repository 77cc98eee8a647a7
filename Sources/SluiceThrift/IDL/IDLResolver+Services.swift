extension IDLResolver {
    /// A service's own methods followed by the inherited ones it does not redefine. Memoized; a failed
    /// `extends` is recorded and the service keeps its own methods.
    mutating func resolveService(_ index: Int) -> [MethodDescriptor] {
        switch serviceStates[index] {
        case .resolved(let methods): return methods
        case .failed, .inProgress: return []
        case .pending: break
        }
        serviceStates[index] = .inProgress
        serviceStack.append(index)
        defer { serviceStack.removeLast() }
        let (file, service) = services[index]
        let qualifiedName = files[file].qualifier + service.name
        var methods: [MethodDescriptor] = []
        var declaredAt: [String: SourceLocation] = [:]
        for function in service.functions {
            if let previous = declaredAt[function.name] {
                record(
                    ThriftIDLError(
                        location: function.location,
                        message: "duplicate method '\(function.name)' in service '\(service.name)' "
                            + "(first declared at line \(previous.line))"))
                continue
            }
            declaredAt[function.name] = function.location
            do throws(ThriftIDLError) {
                methods.append(try resolveMethod(function, service: qualifiedName, in: file))
            } catch {
                record(error)
            }
        }
        if let extends = service.extends {
            do throws(ThriftIDLError) {
                let base = try baseService(extends.name, at: extends.location, in: file)
                serviceExtends[index] = files[services[base].file].qualifier + services[base].definition.name
                let own = Set(methods.map(\.name))
                methods += resolveService(base).filter { !own.contains($0.name) }
            } catch {
                record(error)
            }
        }
        serviceStates[index] = .resolved(methods)
        return methods
    }

    private func baseService(_ name: String, at location: SourceLocation, in file: Int) throws(ThriftIDLError) -> Int {
        guard let symbol = try lookup(name, in: file, at: location) else {
            throw ThriftIDLError(location: location, message: "unknown service '\(name)' in 'extends'")
        }
        guard case .service(let base) = symbol else {
            throw ThriftIDLError(location: location, message: "'extends' needs a service but '\(name)' is not one")
        }
        guard serviceStack.count < Self.maximumChain else {
            throw ThriftIDLError(
                location: location, message: "'extends' chain longer than \(Self.maximumChain) is not supported")
        }
        if case .inProgress = serviceStates[base] {
            let start = serviceStack.firstIndex(of: base) ?? 0
            let chain = (serviceStack[start...] + [base]).map { services[$0].definition.name }
            throw ThriftIDLError(location: location, message: "service inheritance cycle \(chain.joined(separator: " -> "))")
        }
        return base
    }

    /// Builds `Service.method_args` (the arguments, as declared) and `Service.method_result` (`success` with
    /// id 0 unless void, then each `throws` field, all optional) and appends them to the schema's structs.
    private mutating func resolveMethod(
        _ function: IDLFunction, service: String, in file: Int
    ) throws(ThriftIDLError) -> MethodDescriptor {
        let returnType = try function.returnType.map { reference throws(ThriftIDLError) in
            try resolveType(reference, in: file)
        }
        let qualifiedMethod = "\(service).\(function.name)"
        var arguments = resolveFields(
            function.arguments, in: file, owner: "the arguments of '\(qualifiedMethod)'", isUnion: false)
        arguments = resolveDefaults(of: arguments, declared: function.arguments, in: file)
        var results: [FieldDescriptor] = []
        if let returnType, let declared = function.returnType {
            var success = FieldDescriptor(
                id: 0, name: "success", type: returnType, requiredness: .optional, location: function.location)
            success.typeAnnotations = typeAnnotations(declared, in: file)
            results.append(success)
        }
        for var exception in resolveFields(
            function.exceptions, in: file, owner: "the throws clause of '\(qualifiedMethod)'", isUnion: false)
        {
            guard case .structure(let id) = exception.type, structs[id.index].kind == .exception else {
                record(
                    ThriftIDLError(
                        location: exception.location,
                        message: "'\(typeName(exception.type))' in the throws clause of '\(qualifiedMethod)' "
                            + "is not an exception"))
                continue
            }
            if exception.name == "success" && returnType != nil {
                record(
                    ThriftIDLError(
                        location: exception.location,
                        message: "a throws field of '\(qualifiedMethod)' cannot be named 'success'"))
                continue
            }
            exception.requiredness = .optional
            results.append(exception)
        }
        let argumentsID = StructID(structs.count)
        structs.append(
            StructDescriptor(
                name: "\(qualifiedMethod)_args", kind: .struct, fields: arguments, location: function.location))
        let resultID = StructID(structs.count)
        structs.append(
            StructDescriptor(
                name: "\(qualifiedMethod)_result", kind: .struct, fields: results, location: function.location))
        return MethodDescriptor(
            name: function.name, arguments: argumentsID, result: resultID, returnType: returnType,
            oneway: function.oneway, annotations: function.annotations, location: function.location)
    }
}
