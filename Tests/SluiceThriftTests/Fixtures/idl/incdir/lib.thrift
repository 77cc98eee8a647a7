struct Lib {
  1: i32 version
}
