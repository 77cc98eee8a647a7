/// The `.proto` files every load can import without an import path: protobuf's well-known types,
/// `google/protobuf/descriptor.proto` (custom options extend it), `google/api/annotations.proto` +
/// `http.proto` (HTTP bindings) and `google/rpc/status.proto`, `error_details.proto` and `code.proto` (a gRPC
/// status's details and their standard types). protoc compiles the first in; the others are what gateways read.
enum WellKnownProtos {
    /// Import name (`google/protobuf/any.proto`) to the file's text.
    static let byName: [String: String] = [
        "google/protobuf/any.proto": googleAny,
        "google/protobuf/api.proto": googleApi,
        "google/protobuf/descriptor.proto": googleDescriptor,
        "google/protobuf/duration.proto": googleDuration,
        "google/protobuf/empty.proto": googleEmpty,
        "google/protobuf/field_mask.proto": googleFieldMask,
        "google/protobuf/source_context.proto": googleSourceContext,
        "google/protobuf/struct.proto": googleStruct,
        "google/protobuf/timestamp.proto": googleTimestamp,
        "google/protobuf/type.proto": googleType,
        "google/protobuf/wrappers.proto": googleWrappers,
        "google/api/annotations.proto": googleAPIAnnotations,
        "google/api/http.proto": googleAPIHttp,
        "google/rpc/status.proto": googleRPCStatus,
        "google/rpc/error_details.proto": googleRPCErrorDetails,
        "google/rpc/code.proto": googleRPCCode,
    ]
}
