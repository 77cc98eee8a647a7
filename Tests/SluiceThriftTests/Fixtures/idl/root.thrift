// Root of the include fixtures: includes a file next to it and one in a subdirectory.
include "shared.thrift"
include "common/types.thrift"

namespace go fixtures.root

const shared.Color DEFAULT_COLOR = shared.Color.GREEN
const string GREETING = shared.HELLO

struct Order {
  1: required types.Item item
  2: shared.Color color = shared.Color.RED
  3: shared.Tag tag
  4: string greeting = shared.HELLO
}

service OrderService extends shared.Base {
  Order place(1: Order order) throws (1: shared.Problem problem)
}
