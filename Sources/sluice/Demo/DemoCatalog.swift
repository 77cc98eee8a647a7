/// The curl commands `sluice demo` prints, each with what it shows and the status it answers.
/// examples/curl.sh holds the same commands for the default address (a test keeps the two in step).
enum DemoCatalog {
    struct Example: Sendable {
        var title: String
        var status: Int
        var command: @Sendable (_ base: String) -> String
    }

    static let examples: [Example] = [
        Example(title: "Echo over Kitex TTHeader: the path, query and a header bind into the request", status: 200) {
            "curl -si -X POST '\($0)/v1/echo/alice?verbose=true' -H 'X-User: bob' -d '{\"message\": \"hi\"}'"
        },
        Example(title: "The same method as a GET, everything from the path and query", status: 200) {
            "curl -si '\($0)/v1/echo/alice?message=hello'"
        },
        Example(title: "A struct from the store, over framed compact", status: 200) {
            "curl -si \($0)/v1/store/items/1"
        },
        Example(title: "A declared exception (NotFound), mapped to 404 by the route", status: 404) {
            "curl -si \($0)/v1/store/items/42"
        },
        Example(title: "Create an item (dry run): enums by name, binary as base64, defaults filled in", status: 200) {
            "curl -si -X POST '\($0)/v1/store/items?dry_run=true' -d '{\"id\": 7, \"name\": \"Sprocket\", "
                + "\"price\": {\"units\": 3}, \"colors\": [\"RED\", \"BLUE\"], \"thumbnail\": \"aGVsbG8=\"}'"
        },
        Example(title: "Search with query parameters (an enum by name)", status: 200) {
            "curl -si '\($0)/v1/store/search?q=g&color=BLUE'"
        },
        Example(title: "A union argument: exactly one field", status: 200) {
            "curl -si -X POST \($0)/v1/store/find -d '{\"name\": \"Gizmo\"}'"
        },
        Example(title: "A bad request names the field path and the byte offset", status: 400) {
            "curl -si -X POST \($0)/v1/store/echo -d '{\"id\": \"x\", \"name\": \"bad\"}'"
        },
        Example(title: "A oneway method: 202 without waiting for the backend", status: 202) {
            "curl -si -X POST \($0)/v1/store/events -d '{\"event\": \"hello\", \"attrs\": {\"from\": \"curl\"}}'"
        },
        Example(title: "What the oneway calls recorded", status: 200) {
            "curl -si \($0)/v1/store/events"
        },
        Example(title: "A route generated from the IDL's api.get annotation, over THeader", status: 200) {
            "curl -si \($0)/api/items/2"
        },
        Example(title: "No such route", status: 404) {
            "curl -si \($0)/v1/nowhere"
        },
    ]

    /// WebSocket RPC at `url`: one JSON request per message, the reply carries its `id`.
    static func renderWebSocket(url: String) -> String {
        let request = #"{"id": 1, "method": "GET", "path": "/v1/echo/alice?message=hello"}"#
        return """
            # WebSocket RPC: each message is a request, each reply carries its id (websocat, then type the JSON)
            websocat \(url)
            \(request)
            # The same from Python's websockets package
            python3 -c 'import json; from websockets.sync.client import connect; ws = connect("\(url)"); \
            ws.send(json.dumps(\(request))); print(ws.recv())'

            """
    }

    /// The examples as printed: `# title (expect NNN)` then the command.
    static func render(base: String) -> String {
        var text = ""
        for example in examples {
            text += "# \(example.title) (expect \(example.status))\n\(example.command(base))\n\n"
        }
        return text
    }
}
