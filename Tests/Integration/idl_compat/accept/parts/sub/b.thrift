const i32 EXTRA_LIMIT = 10

struct Extra {
  1: string note
}
