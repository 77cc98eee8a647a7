/*
 * Types shared by the store example: included by store.thrift as `common`.
 */

namespace go store.common
namespace py common

/// Lifecycle of an item. DRAFT takes the next implicit value (3).
enum Status {
    ACTIVE = 1,
    DISCONTINUED = 2,
    DRAFT,
}

struct Money {
    1: required i64 units,
    2: i32 nanos = 0,
    3: string currency = "EUR",
}

exception NotFound {
    1: string id,
    2: string message,
}

exception Invalid {
    1: string field,
    2: string reason,
}

# A base service: StoreService extends it, so `ping` is callable on StoreService.
service Base {
    string ping(),
}
