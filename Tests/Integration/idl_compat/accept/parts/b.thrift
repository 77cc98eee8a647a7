struct Base {
  1: i64 id
}

service BaseService {
  void ping()
}
