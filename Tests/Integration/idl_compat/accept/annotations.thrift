// Annotations everywhere the grammar allows them: on typedefs and the types inside them, fields, structs
// (with and without values, trailing commas), enum values, services and methods.

typedef list<i32> ( cpp.template = "std::list" ) linked_ints

struct Dense {
  1: i32 first ( presence = "required" );
  2: i32 second ( presence = "manual", cpp.use_pointer = "", );
  3: i32 third;
} (
  cpp.type = "DenseType",
  java.final = "",
  flag.without.value,
)

exception DenseError {
  1: i32 code ( tag = "x" )
  2: string detail
} (tag = "y")

typedef string ( unicode.encoding = "UTF-16" ) wide_string (tag = "z")
typedef list< double ( cpp.fixed_point = "16" ) > small_floats

enum Day {
  SAT ( weekend = "yes" ),
  MON,
  SUN ( weekend = "yes" )
} (tag.name = "days")

struct UsesThem {
  1: linked_ints ints,
  2: wide_string text,
  3: small_floats floats,
  4: i64 (js.type = "string") big (api.query = "big"),
}

service Annotated {
  void run() ( tag = "run" )
  void old() ( deprecated = "use 'run' or \"run\" instead" )
  void older() ( deprecated )
} (service.tag = "s")
