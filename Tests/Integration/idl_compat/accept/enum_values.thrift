// Enum values: gaps, hex, the top of the i32 range, negative values, value names reused by another enum,
// annotations, and a default written with another enum's prefix (read in the field's own enum).

enum First {
  F_0 = 0,
  F_1 = 1,
  F_2,
  F_5 = 5,
  F_6,
}

enum Second {
  S_0,
  S_1,
  S_2,
}

enum Reused {
  F_1,
  S_1,
}

enum Signed {
  N_2 = -2,
  N_1,
  ZERO,
  HEX = 0x10,
}

enum Top {
  TOP_A = 0x7ffffffd
  TOP_B
  TOP_C
}

enum Marked {
  PLAIN = 1,
  SPECIAL
} (cpp.customostream)

struct Picks {
  1: Second second = First.S_2
  2: Signed negative = Signed.N_2
  3: Top top = Top.TOP_C
}

struct Collections {
  1: list<Signed> list_of,
  2: set<Signed> set_of,
  3: map<Signed, Signed> map_of,
  4: map<list<Signed> (python.immutable = ""), Signed> keyed_by_list,
}

const Collections SAMPLE = {
  "list_of": [Signed.N_2, Signed.ZERO],
  "set_of": [Signed.HEX],
  "map_of": {Signed.N_1: Signed.ZERO},
}
