/// Deterministic JSON documents for `Order` (Benchmarks/IDL/order.thrift) of a chosen size.
///
/// Sizes come from the number of items; the generator picks the count whose document is closest to
/// the requested byte size, so "1 KB" and "10 KB" mean the same bytes on every run and machine.
enum OrderPayload {
    static func json(closestTo targetBytes: Int) -> String {
        var best = json(items: 0)
        var items = 1
        while true {
            let candidate = json(items: items)
            if abs(candidate.utf8.count - targetBytes) < abs(best.utf8.count - targetBytes) {
                best = candidate
            }
            if candidate.utf8.count > targetBytes { return best }
            items += 1
        }
    }

    static func json(items: Int) -> String {
        var out = #"{"id":9007199254740"#
        out += #","customer":"Ada Lovelace <ada@example.com>","status":2"#
        out += #","shipping":{"street":"12 Analytical Engine Way","city":"London","zip":"NW1 2DB","country":"GB"}"#
        out += #","items":["#
        for index in 0..<items {
            if index > 0 { out += "," }
            out += #"{"sku":\#(4_000_000_000 + index * 7919),"name":"Brass gear wheel, size \#(index % 12)""#
            out += #","quantity":\#(1 + index % 5),"price":\#(Double(index % 100) + 0.25)"#
            out += #","tags":["hardware","gear","batch-\#(index % 3)"]"#
            if index % 4 == 0 {
                // 24 raw bytes as base64, so binary fields are part of the mix.
                out += #","thumbnail":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB""#
            }
            out += "}"
        }
        out += "]"
        out += #","attributes":{"channel":"web","coupon":"SPRING24","locale":"en-GB","ref":"a\u00e9\nb"}"#
        out += #","gift":true,"priority":3,"note":"Leave at the door \"please\""}"#
        return out
    }
}
