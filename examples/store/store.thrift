/*
 * The store example: every Thrift type, nested containers, defaults, a union, exceptions, a oneway
 * and a void method, `extends`, and `api.*` annotations so a route file can say `routes_from_idl: true`.
 */

include "common.thrift"

namespace go store
namespace py store

typedef i64 ItemID
typedef list<map<string, list<i32>>> History

const i32 DEFAULT_LIMIT = 10
const common.Status DEFAULT_STATUS = common.Status.ACTIVE

enum Color {
    RED = 1,
    GREEN = 2,
    BLUE = 4,
}

struct Dimensions {
    1: double width,
    2: double height,
    3: optional double depth,
}

/// Find an item by exactly one of these.
union Selector {
    1: ItemID id,
    2: string name,
    3: list<string> tags,
}

struct Item {
    1: required ItemID id,
    2: required string name,
    3: optional string description,
    4: optional common.Money price,
    5: common.Status status = common.Status.ACTIVE,
    6: optional list<string> tags,
    7: optional set<Color> colors,
    8: optional map<string, i32> stock,          // warehouse -> count
    9: optional History history,
    10: optional binary thumbnail,
    11: optional uuid sku,
    12: optional Dimensions dims,
    13: bool featured = false,
    14: i8 rating = 0,
    15: i16 shelf = 0,
    16: double weight = 1.5,
    17: optional map<i32, string> labels,
    18: optional map<Color, list<Dimensions>> boxes,
    19: optional i64 created_at,
    /// Keys JSON cannot write as object keys: these maps are arrays of [key, value] pairs in JSON.
    20: optional map<bool, string> flags,
    21: optional map<binary, i32> digests,
}

struct GetItemRequest {
    1: required ItemID id (api.path = "id"),
    2: optional string user (api.header = "X-User"),
}

struct CreateItemRequest {
    1: required Item item (api.body = "item"),
    2: optional string user (api.header = "X-User"),
    3: bool dry_run = false (api.query = "dry_run"),
}

struct SearchRequest {
    1: optional string q (api.query = "q"),
    2: optional Color color (api.query = "color"),
    3: i32 limit = DEFAULT_LIMIT (api.query = "limit"),
}

struct SearchResult {
    1: list<Item> items,
    2: i32 total,
}

service StoreService extends common.Base {
    Item getItem(1: GetItemRequest req) throws (1: common.NotFound notFound) (api.get = "/api/items/:id"),
    Item createItem(1: CreateItemRequest req) throws (1: common.Invalid invalid) (api.post = "/api/items"),
    SearchResult search(1: SearchRequest req) (api.get = "/api/search"),
    void deleteItem(1: GetItemRequest req) throws (1: common.NotFound notFound) (api.delete = "/api/items/{id}"),

    /// Exceptions keep their `throws` ids on the wire (1 and 3 here), which need not be 1..n.
    Item find(1: Selector selector) throws (1: common.NotFound notFound, 3: common.Invalid invalid),
    /// Returns its argument: every type round-trips through it.
    Item echoItem(1: Item item),
    oneway void logEvent(1: string event, 2: map<string, string> attrs),
    /// The events logEvent recorded, oldest first.
    list<string> events(),
    /// Always fails with TApplicationException(type, message): the gateway answers 502.
    void fail(1: i32 type, 2: string message),
    /// Answers after `millis` milliseconds: the gateway answers 504 when that is past the route's timeout.
    string slow(1: i32 millis),
}
