struct Holder {
  1: Missing thing
}
