include "common/types.thrift"

enum Color {
  RED = 1
  GREEN = 2
}

typedef string Tag
const string HELLO = "hello"

exception Problem {
  1: string message
}

struct Box {
  1: list<types.Item> items
}

service Base {
  void ping()
  types.Item first(1: Box box)
}
