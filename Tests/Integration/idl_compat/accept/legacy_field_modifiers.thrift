// Older syntax the grammar still takes: XML Schema hints after a field, integers as booleans, the
// `async` spelling of `oneway`, `byte` for `i8`, `cpp_type` on containers, `xsd_all` on a struct.

cpp_include "<vector>"

struct Legacy xsd_all {
  1: string name = "x" xsd_optional xsd_nillable xsd_attrs { 1: i32 width, 2: string unit } (tag = "n"),
  2: i32 count xsd_nillable,
  3: bool on = 2,
  4: byte small = 1,
  5: list<i32> cpp_type "std::vector<int>" numbers,
}

service LegacyService {
  async void fire(1: Legacy what)
}
