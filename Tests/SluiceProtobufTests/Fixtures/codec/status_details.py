"""A google.rpc.Status holding every standard detail type, for StatusJSONDifferentialTests: prints the
status's bytes in hex, then json_format's JSON of it (what grpc-gateway's body holds)."""
import sys
from google.protobuf import any_pb2, duration_pb2, json_format
from google.rpc import error_details_pb2 as ed, status_pb2

def pack(message):
    holder = any_pb2.Any()
    holder.Pack(message)
    return holder

details = [
    ed.BadRequest(field_violations=[ed.BadRequest.FieldViolation(field="order.quantity", description="must be > 0")]),
    ed.ErrorInfo(reason="STOCK", domain="shop.example", metadata={"sku": "A1", "left": "0"}),
    ed.RetryInfo(retry_delay=duration_pb2.Duration(seconds=1, nanos=500000000)),
    ed.QuotaFailure(violations=[ed.QuotaFailure.Violation(subject="project:1", description="daily limit")]),
    ed.PreconditionFailure(violations=[ed.PreconditionFailure.Violation(type="TOS", subject="user", description="accept")]),
    ed.ResourceInfo(resource_type="order", resource_name="o/1", owner="u:2", description="gone"),
    ed.Help(links=[ed.Help.Link(description="docs", url="https://example.com/\u00e9")]),
    ed.LocalizedMessage(locale="fr-FR", message="Commande invalide \u2014 \"quantit\u00e9\""),
    ed.DebugInfo(stack_entries=["a.go:1", "b.go:2"], detail="boom\n"),
    ed.RequestInfo(request_id="r-1", serving_data="\u0001"),
]
status = status_pb2.Status(code=3, message="invalid order", details=[pack(d) for d in details])
print(status.SerializeToString().hex())
print(json_format.MessageToJson(status, indent=None))
