// A service written the way Kitex/Hertz projects write them: base.thrift, api.* annotations.
include "base.thrift"

namespace go example.item

enum ItemStatus {
    Draft = 0
    Published = 1
    Archived = 2
}

struct GetItemRequest {
    1: required i64 ItemID (api.path = "id", api.js_conv = "true")
    2: optional bool Verbose (api.query = "verbose")
    3: string Token (api.header = "X-Token")
    255: optional base.Base Base
}

struct Item {
    1: i64 ID
    2: string Title
    3: ItemStatus Status = ItemStatus.Draft
    4: list<string> Tags
}

struct GetItemResponse {
    1: Item Item
    255: base.BaseResp BaseResp
}

struct CreateItemRequest {
    1: required string Title (api.body = "title")
    2: list<string> Tags (api.body = "tags")
    255: optional base.Base Base
}

exception ItemNotFound {
    1: i64 ID
    2: string Message
}

service ItemService {
    GetItemResponse GetItem(1: GetItemRequest req) throws (1: ItemNotFound notFound) (api.get = "/v1/items/:id")
    GetItemResponse CreateItem(1: CreateItemRequest req) (api.post = "/v1/items")
}
