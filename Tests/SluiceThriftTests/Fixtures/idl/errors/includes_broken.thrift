include "broken.thrift"
struct Fine {}
