enum Broken2 {
  A = "x"
}
