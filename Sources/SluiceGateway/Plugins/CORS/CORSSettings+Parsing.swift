internal import Yams

extension PluginReader {
    static let corsKeys = ["origins", "origins_regex", "methods", "headers", "expose_headers", "credentials", "max_age"]
    static let corsDefaultMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    mutating func cors(_ node: Node) -> CORSSettings? {
        guard let fields = reader.fields(of: node, what: "'cors'", allowed: Self.corsKeys, suggesting: true) else { return nil }
        var valid = true
        var settings = CORSSettings(
            origins: [], originPatterns: [], methods: Self.corsDefaultMethods, headers: nil, exposeHeaders: [], credentials: false, maxAge: nil)
        if let field = fields["origins"] {
            if let origins = strings(field.value, what: "'origins'") {
                for origin in origins where origin != "*" && !Self.isOrigin(origin) {
                    reader.error(at: field.value, "'\(origin)' in 'origins' is not an origin (scheme://host[:port], no path) or *")
                    valid = false
                }
                settings.origins = origins
            } else {
                valid = false
            }
        }
        if let field = fields["origins_regex"] {
            for source in strings(field.value, what: "'origins_regex'") ?? [] {
                do {
                    settings.originPatterns.append(try OriginPattern(source))
                } catch {
                    reader.error(at: field.value, "'\(source)' in 'origins_regex' is not a regular expression: \(error)")
                    valid = false
                }
            }
            if field.value.sequence == nil && field.value.scalar == nil { valid = false }
        }
        if settings.origins.isEmpty && settings.originPatterns.isEmpty && valid {
            reader.error(at: node, "'cors' needs 'origins' or 'origins_regex'")
            valid = false
        }
        if let field = fields["methods"] {
            if let methods = strings(field.value, what: "'methods'") {
                let upper = methods.map { $0.uppercased() }
                for method in upper where !RouteFile.httpMethods.contains(method) {
                    reader.error(at: field.value, "'\(method)' in 'methods' is not an HTTP method")
                    valid = false
                }
                settings.methods = upper
            } else {
                valid = false
            }
        }
        if let field = fields["headers"] {
            if let names = headerList(field.value, what: "'headers'") {
                settings.headers = names.contains("*") ? nil : names
            } else {
                valid = false
            }
        }
        if let field = fields["expose_headers"] {
            if let names = headerList(field.value, what: "'expose_headers'") { settings.exposeHeaders = names } else { valid = false }
        }
        if let field = fields["credentials"] {
            if let value = reader.bool(field.value, what: "'credentials'") { settings.credentials = value } else { valid = false }
        }
        if let field = fields["max_age"] {
            if let seconds = reader.wholeSeconds(field.value, what: "'max_age'") { settings.maxAge = seconds } else { valid = false }
        }
        if settings.credentials, settings.allowsAnyOrigin, let field = fields["origins"] {
            // Browsers refuse `Access-Control-Allow-Origin: *` with credentials, and echoing any origin back
            // would let every site read a user's answers.
            reader.error(at: field.value, "'credentials: true' needs the origins listed: '*' would let any site read a signed-in user's answers")
            valid = false
        }
        return valid ? settings : nil
    }

    private mutating func headerList(_ node: Node, what: String) -> [String]? {
        guard let names = strings(node, what: what) else { return nil }
        for name in names where name != "*" && (name.isEmpty || !name.utf8.allSatisfy(HTTP1ResponseSerializer.isTokenByte)) {
            reader.error(at: node, "'\(name)' in \(what) is not a header name")
            return nil
        }
        return names.map { $0.lowercased() }
    }

    /// `scheme://host[:port]`, as a browser sends `Origin` (RFC 6454 §7).
    static func isOrigin(_ text: String) -> Bool {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let scheme = parts[0]
        let rest = parts[1]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            && !rest.isEmpty && !rest.contains("/") && !rest.contains("?") && !rest.contains("#")
    }
}
