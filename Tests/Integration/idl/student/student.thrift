// A Hertz/Kitex-style IDL for the Thrift-HTTP mapping test (test_http_mapping.py): the annotations are
// written the way hertz-examples and kitex-examples write them.
namespace go student
namespace py student

struct QueryStudentRequest {
    1: i64 id (api.query = "id", api.js_conv = "true", api.vd = "$>=0")
    2: string name
    3: list<string> tags (api.query = "tags")
    4: string token (api.header = "X-Token")
    5: list<i32> grades (api.header = "X-Grades")
    6: string session (api.cookie = "session")
    7: string ignored (api.none = "true")
}

struct Student {
    1: i64 id (api.js_conv = "true")
    2: string name
    3: list<string> tags
    4: string token
    5: list<i32> grades
    6: string session
    7: string ignored
}

struct StudentResponse {
    1: Student student (api.body = "data")
    2: string request_id (api.header = "X-Request-Id")
    3: i32 code (api.http_code = "")
    4: string session (api.cookie = "session_out")
    5: string internal (api.none = "true")
    6: string message
}

struct CreateStudentRequest {
    1: string name (api.body = "student_name")
    2: i64 id (api.js_conv = "true")
    3: string school (api.path = "school")
}

struct UploadRequest {
    1: string title (api.form = "title")
    2: binary content (api.form = "file")
    3: list<string> tags (api.form = "tag")
}

struct RawRequest {
    1: string body (api.raw_body = "")
    2: string kind (api.query = "kind")
}

struct FileRequest {
    1: string name (api.path = "name")
    2: string uri (api.raw_uri = "")
    3: string format (api.query = "format")
}

struct FileResponse {
    1: binary content (api.raw_body = "")
    2: string content_type (api.header = "Content-Type")
    3: string etag (api.header = "ETag")
    4: string unsent
}

struct NoteResponse {
    1: string text (api.raw_body = "")
}

service StudentService {
    StudentResponse QueryStudent(1: QueryStudentRequest req) (api.get = "student/query")
    StudentResponse CreateStudent(1: CreateStudentRequest req) (api.post = "/school/:school/student")
    StudentResponse Upload(1: UploadRequest req) (api.post = "/upload")
    StudentResponse Raw(1: RawRequest req) (api.put = "/raw")
    FileResponse Download(1: FileRequest req) (api.get = "/files/:name")
    NoteResponse Note(1: FileRequest req) (api.any = "/notes/:name")
    StudentResponse FileOptions(1: FileRequest req) (api.options = "/files/:name")
    StudentResponse Probe(1: FileRequest req) (api.head = "/probe/:name")
}
