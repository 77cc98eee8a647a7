import Foundation
import NIOCore
import SluiceClient
import SluiceProtobuf
import Testing
@testable import SluiceGateway

/// `protocol: grpc` services and the routes to them: hand-written, from google.api.http, auto routes, and
/// every error at its `file:line:col`.
@Suite("gRPC services in route files")
struct GRPCServiceConfigTests {
    static let proto = """
    syntax = "proto3";
    package shop.v1;
    import "google/api/annotations.proto";
    import "google/protobuf/timestamp.proto";

    enum Kind { KIND_UNSPECIFIED = 0; BOOK = 1; }
    message Order { string customer_id = 1; int64 total = 2; Kind kind = 3; repeated string tags = 4;
                    google.protobuf.Timestamp at = 5; map<string, string> labels = 6; }
    message CreateOrderRequest { Order order = 1; string request_id = 2; }
    message GetOrderRequest { string name = 1; bool full = 2; }
    message ListRequest { string shelf = 1; repeated Kind kinds = 2; }
    message ListReply { repeated Order orders = 1; string next = 2; }

    service OrderService {
      rpc CreateOrder(CreateOrderRequest) returns (Order) {
        option (google.api.http) = { post: "/v1/orders/{order.customer_id}" body: "order" };
      }
      rpc GetOrder(GetOrderRequest) returns (Order) {
        option (google.api.http) = {
          get: "/v1/orders/{name}"
          additional_bindings { get: "/v2/orders/{name}" response_body: "customer_id" }
        };
      }
      rpc List(ListRequest) returns (ListReply);
      rpc Watch(GetOrderRequest) returns (stream Order);
      rpc Import(stream Order) returns (ListReply);
      rpc Chat(stream Order) returns (stream Order);
    }
    service Admin { rpc List(ListRequest) returns (ListReply); }
    """

    static let serviceYAML = """
    services:
      - name: orders
        protocol: grpc
        idl: shop.proto
        endpoints: ["127.0.0.1:50051"]
        timeout: 2s
        connections: 3
        routes_from_idl: true
        auto_routes: true
        forward_headers: [X-Request-Id]
        response_metadata: [x-served-by]

    """

    @Test("the issue's shape loads: routes from google.api.http (with additional bindings), auto routes, a written route")
    func example() throws {
        let result = try ConfigFixture(["shop.proto": Self.proto, "a.yaml": Self.serviceYAML + """
        routes:
          - method: GET
            path: /v1/shelves/{shelf}/orders
            service: orders
            call: OrderService.List
            response_body: orders
            options: {emit_defaults: true, enums_as_ints: true}
        """]).run()
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        let service = try #require(configuration.services.first)
        #expect(service.kind == .grpc)
        #expect(service.grpc.idlSource == .proto)
        #expect(service.connectionsPerEndpoint == 3)
        #expect(service.requestTimeout == .seconds(2))
        #expect(service.grpc.forwardHeaders == ["x-request-id"])
        #expect(service.grpc.responseMetadata == ["x-served-by"])
        #expect(configuration.protobufIDLs["orders"]?.schema.method(named: "shop.v1.OrderService.GetOrder") != nil)
        let routes = configuration.routes.map { "\($0.method) \($0.template.text) -> \($0.call)" }
        #expect(routes == [
            "GET /v1/shelves/{shelf}/orders -> shop.v1.OrderService.List",
            "POST /v1/orders/{order.customer_id} -> shop.v1.OrderService.CreateOrder",
            "GET /v1/orders/{name} -> shop.v1.OrderService.GetOrder",
            "GET /v2/orders/{name} -> shop.v1.OrderService.GetOrder",
            "POST /shop.v1.OrderService/CreateOrder -> shop.v1.OrderService.CreateOrder",
            "POST /shop.v1.OrderService/GetOrder -> shop.v1.OrderService.GetOrder",
            "POST /shop.v1.OrderService/List -> shop.v1.OrderService.List",
            "POST /shop.v1.OrderService/Watch -> shop.v1.OrderService.Watch",
            "POST /shop.v1.OrderService/Import -> shop.v1.OrderService.Import",
            "POST /shop.v1.OrderService/Chat -> shop.v1.OrderService.Chat",
            "POST /shop.v1.Admin/List -> shop.v1.Admin.List",
        ])
        let written = configuration.routes[0]
        #expect(written.responseBody == ["orders"])
        #expect(written.protobufOptions == ProtobufTranscodeOptions(emitDefaults: true, enumsAsInts: true))
        #expect(written.bindsAnyQuery)
        #expect(configuration.routes[1].body == .field(["order"]))
        #expect(configuration.routes[3].responseBody == ["customer_id"])
        #expect(configuration.routes[4].body == .arguments)
        #expect(!configuration.routes[4].bindsAnyQuery)
        #expect(!configuration.routes[4].takesMessageStream)
        #expect(!configuration.routes[7].takesMessageStream)
        #expect(configuration.routes[8].takesMessageStream)
        #expect(configuration.routes[9].takesMessageStream)
    }

    static let cases: [(name: String, yaml: String, expected: [String])] = [
        (
            "Thrift and http keys on a gRPC service",
            """
            services:
              - name: orders
                protocol: grpc
                idl: shop.proto
                transport: framed
                h2c: true
                endpoints: ["127.0.0.1:50051"]
            """,
            [
                "a.yaml:5:5: 'transport' does not apply to a 'protocol: grpc' service: it is HTTP/2, with 'connections' per endpoint",
                "a.yaml:6:5: 'h2c' does not apply to a 'protocol: grpc' service: it is HTTP/2, with 'connections' per endpoint",
            ]
        ),
        (
            "gRPC keys on a Thrift service",
            """
            services:
              - name: echo
                idl: echo.thrift
                endpoints: ["127.0.0.1:9090"]
                auto_routes: true
            """,
            ["a.yaml:5:5: 'auto_routes' is for 'protocol: grpc' services, not Thrift ones"]
        ),
        (
            "a reserved metadata name",
            """
            services:
              - name: orders
                protocol: grpc
                idl: shop.proto
                endpoints: ["127.0.0.1:50051"]
                forward_headers: [grpc-timeout]
            """,
            ["a.yaml:6:22: 'forward_headers': 'grpc-timeout' is not a header gRPC lets through (a token, not a pseudo-header, content-type, te or grpc-*)"]
        ),
        (
            "unknown and ambiguous calls",
            serviceYAML.replacingOccurrences(of: "    routes_from_idl: true\n    auto_routes: true\n", with: "") + """
            routes:
              - {method: GET, path: /a, service: orders, call: OrderService.Nope}
              - {method: GET, path: /b, service: both, call: OrderService.GetOrder}
              - {method: GET, path: /c, service: both, call: other.OrderService.GetOrder}
            """.replacingOccurrences(of: "routes:", with: """
              - {name: both, protocol: grpc, idl: both.proto, endpoints: ["127.0.0.1:50052"]}
            routes:
            """),
            [
                "a.yaml:12:52: unknown call 'OrderService.Nope': the descriptors have no such method (services: shop.v1.Admin, shop.v1.OrderService)",
                "a.yaml:13:50: ambiguous call 'OrderService.GetOrder': write the full name (one of: other.OrderService.GetOrder, shop.v1.OrderService.GetOrder)",
            ]
        ),
        (
            "bindings that do not fit the messages",
            serviceYAML.replacingOccurrences(of: "    routes_from_idl: true\n    auto_routes: true\n", with: "") + """
            routes:
              - {method: GET, path: "/a/{order}", service: orders, call: OrderService.CreateOrder}
              - {method: GET, path: "/b/{order.tags}", service: orders, call: OrderService.CreateOrder}
              - {method: POST, path: "/c", service: orders, call: OrderService.CreateOrder, body: nope}
              - {method: GET, path: "/d", service: orders, call: OrderService.GetOrder, response_body: missing}
              - {method: GET, path: "/e", service: orders, call: OrderService.GetOrder, query: {m: order.labels}}
            """,
            [
                "a.yaml:11:25: path variable 'order': 'order' is a message (shop.v1.Order); only scalars, enums and lists of them can be bound from text",
                "a.yaml:12:25: path variable 'order.tags': 'order.tags' is repeated; a path segment fills one value",
                "a.yaml:13:87: body 'nope': shop.v1.CreateOrderRequest has no field 'nope' (fields: order, request_id)",
                "a.yaml:14:77: response_body 'missing': shop.v1.Order has no field 'missing' (fields: customer_id, total, kind, tags, at, labels)",
                "a.yaml:15:88: query parameter 'm': shop.v1.GetOrderRequest has no field 'order' (fields: name, full)",
            ]
        ),
        (
            "a variable spanning segments binds a string",
            serviceYAML.replacingOccurrences(of: "    routes_from_idl: true\n    auto_routes: true\n", with: "") + """
            routes:
              - {method: GET, path: "/a/{order.total=shelves/*}", service: orders, call: OrderService.CreateOrder}
              - {method: GET, path: "/b/{order.customer_id=shelves/*/**}:go", service: orders, call: OrderService.CreateOrder}
            """,
            ["a.yaml:11:25: path variable 'order.total' spans segments, so it must bind a string field, not int64"]
        ),
        (
            "Thrift route keys, and a client-streaming method bound like a unary one",
            serviceYAML.replacingOccurrences(of: "    routes_from_idl: true\n    auto_routes: true\n", with: "") + """
            routes:
              - {method: GET, path: /a, service: orders, call: OrderService.GetOrder, exceptions: {E: 404}, options: {enums_as_names: true}}
              - {method: GET, path: /b, service: orders, call: OrderService.Watch}  # server streaming: fine
              - {method: POST, path: "/c/{x}", service: orders, call: OrderService.Import, body: order}
            """,
            [
                "a.yaml:11:75: 'exceptions' is for Thrift services; 'orders' is a gRPC service (a gRPC error's status follows its code)",
                "a.yaml:11:107: option 'enums_as_names' is for Thrift services; 'orders' is a gRPC service (its options: emit_defaults, enums_as_ints, preserve_proto_field_names, strict)",
                "a.yaml:13:86: shop.v1.OrderService.Import is client-streaming: its route takes the request messages as the body (body: \"*\")",
                "a.yaml:13:26: shop.v1.OrderService.Import is client-streaming: its route binds no path, query, header or cookie values (x)",
            ]
        ),
        (
            "an unreadable .proto is reported where it breaks",
            """
            services:
              - name: orders
                protocol: grpc
                idl: broken.proto
                endpoints: ["127.0.0.1:50051"]
            """,
            ["broken.proto:3:1: expected ';' after the package name but found 'message'"]
        ),
    ]

    @Test("errors name the place and the reason", arguments: cases.indices)
    func errors(index: Int) throws {
        let (_, yaml, expected) = Self.cases[index]
        let result = try ConfigFixture([
            "a.yaml": yaml, "shop.proto": Self.proto,
            "both.proto": "syntax = \"proto3\";\npackage other;\nimport \"shop.proto\";\nservice OrderService { rpc GetOrder(shop.v1.GetOrderRequest) returns (shop.v1.Order); }\n",
            "broken.proto": "syntax = \"proto3\";\npackage a.b\nmessage M {}\n",
        ]).run()
        #expect(result.diagnostics == expected)
    }

    @Test("a descriptor set is read as one; 'reflection' asks the endpoint")
    func idlSources() throws {
        let result = try ConfigFixture(["a.yaml": """
        services:
          - {name: a, protocol: grpc, idl: shop.binpb, endpoints: ["127.0.0.1:1"]}
          - {name: b, protocol: grpc, idl: reflection, endpoints: ["127.0.0.1:1"]}
        """]).run()
        #expect(result.diagnostics == [
            "a.yaml:2:36: cannot load IDL 'shop.binpb': cannot read descriptor set 'shop.binpb'",
            "a.yaml:3:36: cannot load IDL 'reflection': the descriptors of service 'b' were not fetched",
        ].map { $0 })
    }
}
