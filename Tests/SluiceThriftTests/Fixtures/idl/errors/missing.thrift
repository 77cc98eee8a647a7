# The include below names a file that does not exist.
include "nowhere.thrift"
