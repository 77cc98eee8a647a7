// Constants of every kind Apache Thrift's compiler takes, struct literals that leave fields to their
// defaults, and defaults that are struct literals.

const i32 hex_const = 0x0001F
const i32 negative_hex = -0x0001F
const i64 big = 9223372036854775807
const double exponent = 1e10
const double fraction = -0.25e-3
const double whole = 3
const bool yes = 1
const string single = 'single "quoted"'
const list<string> words = ["a" "b"; "c",]
const map<string, list<i32>> lists = {"x": [1, 2], "y": []}
const map<i32, string> names = {1: "one", 2: "two"}
const set<i32> from_map_literal = {}

struct Point {
  1: i32 x = 0
  2: i32 y = 0
  3: string label = "point"
}

struct Segment {
  1: Point start = {"x": 1}
  2: Point end = {"x": 2, "y": 2}
}

const Point ORIGIN = {"label": "origin"}
const Segment DIAGONAL = {"start": {"label": "start"}, "end": {"x": 5, "y": 5}}
const list<Point> POINTS = [{"x": 3}, {}]
const map<string, Point> BY_NAME = {"origin": {}}
