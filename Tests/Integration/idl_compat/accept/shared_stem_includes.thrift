// Two included files with one stem (parts/b.thrift, parts/sub/b.thrift) both answer to 'b.'; a file
// whose stem holds dots (parts/app.objs.thrift) answers to 'app.objs.'; an enum value may be written
// behind its include's prefix alone.

include "parts/b.thrift"
include "parts/sub/b.thrift"
include "parts/app.objs.thrift"

struct Root {
  1: b.Base base,
  2: b.Extra extra = {"note": "x"},
  3: i32 limit = b.EXTRA_LIMIT,
  4: set<app.objs.Kind> kinds = [app.objs.LARGE],
  5: app.objs.Kind kind = app.objs.SMALL,
}

service RootService extends b.BaseService {
  Root get(1: app.objs.Kind kind)
}
