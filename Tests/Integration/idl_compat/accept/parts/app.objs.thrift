enum Kind {
  SMALL = 1,
  LARGE = 2,
}
