include "broken.thrift"
include "broken2.thrift"
include "nowhere.thrift"

struct Fine {}
