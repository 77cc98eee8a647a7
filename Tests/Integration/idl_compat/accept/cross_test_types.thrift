// Constructs of the standard cross-language test IDL: many namespaces (some for generators that do not
// exist), doc comments, implicit enum values, annotated nested containers, empty structs and the empty
// container defaults Sluice once rejected.

namespace go crosstest
namespace py crosstest
namespace xsd crosstest (uri = 'http://example.com/ns/crosstest')
namespace nosuchlanguage CrossTest
namespace cpp.nosuchlanguage CrossTest
namespace * cross.test

/**
 * Doc comments are ignored.
 */
enum Count {
  ONE = 1,
  TWO,
  FOUR = 4,
  FIVE,
}

const Count favourite = Count.ONE;

typedef i64 AccountId

struct Note {
  1: string text,
  2: i32 misspelt
}

typedef map<string, Note> NotesByName

struct Holder {
  1: map<Count, AccountId> owners,
  2: list<Note> notes
} (python.immutable = "")

struct Deep {
  1: string name,
  2: optional set<Holder> holders,
  3: required list<map<set<i32> (python.immutable = ""), map<i32, set<list<map<Holder, string> (python.immutable = "")> (python.immutable = "")>>>> deep,
  4: binary raw
}

exception Problem {
  1: i32 code,
  2: string message
}

struct Nothing {}

struct WrapsNothing {
  1: Nothing inside
}

struct Defaults {
  1: optional bool flag = true;
  2: optional string text = "true";
  3: optional set<string> tags = [ "one" ]
}

struct EmptyDefaults {
  1: optional set<binary> blobs = {}
  2: optional map<binary, i32> counts = {}
  3: list<i32> numbers = {}
  4: map<string, string> labels = []
}

service CrossTest {
  void ping(),
  string echoString(1: string value),
  i8 echoByte(1: byte value),
  map<i32, map<i32, i32>> nested(1: i32 seed),
  map<AccountId, map<Count, Holder>> crazy(1: Holder argument),
  Note many(1: i8 a, 2: i32 b, 3: i64 c, 4: map<i16, string> d, 5: Count e, 6: AccountId f),
  void fails(1: string why) throws(1: Problem problem),
  oneway void fireAndForget(1: i32 seconds)
}

service Other extends CrossTest {
  void extra()
}
