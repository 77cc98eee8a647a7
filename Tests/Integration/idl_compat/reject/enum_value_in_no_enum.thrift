enum First { A }
enum Second { B }

struct Pick {
  1: Second second = First.C
}
