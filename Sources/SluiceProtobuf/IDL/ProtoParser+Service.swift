import SwiftProtobuf

/// `service` definitions and their `rpc` methods, with streaming and options.
extension ProtoParser {
    mutating func parseService() throws(ProtoIDLError) -> Google_Protobuf_ServiceDescriptorProto {
        advance()
        let nameToken = current
        var service = Google_Protobuf_ServiceDescriptorProto()
        service.name = try identifier("a service name")
        let fullName = Self.join(result.descriptor.package, service.name)
        let key = ProtoElementKey.service(fullName)
        result.locations[key] = location(of: nameToken)
        try expect("{", "to open service '\(service.name)'")
        while try inBlock("service '\(service.name)'") {
            if lookingAt("option") {
                advance()
                try parseOptionStatement(key: key)
            } else if lookingAt("rpc") {
                service.method.append(try parseMethod(serviceFullName: fullName))
            } else {
                throw error("expected 'rpc' or 'option' in service '\(service.name)' but found \(current.kind)")
            }
        }
        return service
    }

    private mutating func parseMethod(serviceFullName: String) throws(ProtoIDLError) -> Google_Protobuf_MethodDescriptorProto {
        advance()
        let nameToken = current
        var method = Google_Protobuf_MethodDescriptorProto()
        method.name = try identifier("a method name")
        let key = ProtoElementKey.method(Self.join(serviceFullName, method.name))
        result.locations[key] = location(of: nameToken)
        try expect("(", "before the request type of '\(method.name)'")
        if lookingAt("stream") {
            advance()
            method.clientStreaming = true
        }
        result.locations[ProtoElementKey.part(key, "input")] = location
        method.inputType = try dottedName("a request message type")
        try expect(")", "after the request type of '\(method.name)'")
        try expectWord("returns", "after the request type of '\(method.name)'")
        try expect("(", "before the response type of '\(method.name)'")
        if lookingAt("stream") {
            advance()
            method.serverStreaming = true
        }
        result.locations[ProtoElementKey.part(key, "output")] = location
        method.outputType = try dottedName("a response message type")
        try expect(")", "after the response type of '\(method.name)'")
        if tryConsume("{") {
            // protoc gives a method with a body options, even an empty one.
            result.options[key, default: []].append(contentsOf: [])
            while try inBlock("method '\(method.name)'") {
                try expectWord("option", "in the body of method '\(method.name)'")
                try parseOptionStatement(key: key)
            }
            _ = tryConsume(";")
        } else {
            try expect(";", "after method '\(method.name)'")
        }
        return method
    }
}
