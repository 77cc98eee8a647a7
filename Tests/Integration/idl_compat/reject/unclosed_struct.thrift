struct Open {
  1: i32 a

service S {
  void ping()
}
