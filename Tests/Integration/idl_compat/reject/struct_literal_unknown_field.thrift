struct Point {
  1: i32 x
}

const Point P = {"z": 1}
