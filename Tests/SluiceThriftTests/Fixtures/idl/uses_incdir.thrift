include "lib.thrift"

struct User {
  1: lib.Lib lib
}
