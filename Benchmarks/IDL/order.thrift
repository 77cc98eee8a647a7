// The transcoding micro-benchmark's payload: an order with a mix of the types gateways see most
// (strings, integers, doubles, enums, nested structs, lists, string maps, binary).
// Loaded at run time like any route's IDL; nothing is generated from it.
namespace go bench
namespace py bench

enum Status {
    PENDING = 1,
    PAID = 2,
    SHIPPED = 3,
}

struct Address {
    1: required string street
    2: string city
    3: string zip
    4: optional string country
}

struct Item {
    1: required i64 sku
    2: string name
    3: i32 quantity
    4: double price
    5: list<string> tags
    6: optional binary thumbnail
}

struct Order {
    1: required i64 id
    2: string customer
    3: Status status
    4: Address shipping
    5: list<Item> items
    6: map<string, string> attributes
    7: bool gift
    8: i16 priority
    9: optional string note
}

service OrderService {
    Order Echo(1: Order order)
}
