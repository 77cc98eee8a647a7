import NIOCore
import SluiceJSON
import SluiceThrift
import Testing

@Suite("Transcode results")
struct TranscodeResultTests {
    static let protocols = ThriftProtocolKind.allCases

    private func result(
        _ json: String, _ method: MethodDescriptor, _ kind: ThriftProtocolKind
    ) throws -> (ResultOutcome, String) {
        var thrift = try encode(json, method.result, kind)
        var out = ByteBuffer()
        let outcome = try ThriftJSONCodec.decodeResult(
            method: method, schema: TestSchema.schema, from: &thrift, protocol: kind, into: &out)
        #expect(thrift.readableBytes == 0)
        return (outcome, String(buffer: out))
    }

    @Test("a success value is written alone", arguments: protocols)
    func success(_ kind: ThriftProtocolKind) throws {
        let (outcome, json) = try result(#"{"success":{"name":"hi","limit":1}}"#, TestSchema.echo, kind)
        #expect(outcome == .success)
        #expect(json == #"{"name":"hi","limit":1}"#)
    }

    @Test("a declared exception becomes an error object named without its include prefix", arguments: protocols)
    func exception(_ kind: ThriftProtocolKind) throws {
        let (outcome, json) = try result(#"{"notFound":{"message":"gone","code":404}}"#, TestSchema.echo, kind)
        #expect(outcome == .exception(type: "NotFound", fieldID: 3))
        #expect(json == #"{"error":{"type":"NotFound","exception":{"message":"gone","code":404}}}"#)
    }

    @Test("an exception's fields sit under \"exception\": a field named type never repeats a key", arguments: protocols)
    func exceptionWithTypeField(_ kind: ThriftProtocolKind) throws {
        var thrift = try encode(
            #"{"problem":{"type":"quota","code":429}}"#, NumbersSchema.result, kind, schema: NumbersSchema.schema)
        var out = ByteBuffer()
        let outcome = try ThriftJSONCodec.decodeResult(
            method: NumbersSchema.run, schema: NumbersSchema.schema, from: &thrift, protocol: kind, into: &out)
        #expect(outcome == .exception(type: "Problem", fieldID: 1))
        #expect(String(buffer: out) == #"{"error":{"type":"Problem","exception":{"type":"quota","code":429}}}"#)
    }

    @Test("void methods return nothing; exceptions still come through", arguments: protocols)
    func void(_ kind: ThriftProtocolKind) throws {
        let (outcome, json) = try result("{}", TestSchema.ping, kind)
        #expect(outcome == .void)
        #expect(json.isEmpty)
        let (thrown, error) = try result(#"{"nf":{"message":"m"}}"#, TestSchema.ping, kind)
        #expect(thrown == .exception(type: "NotFound", fieldID: 1))
        #expect(error == #"{"error":{"type":"NotFound","exception":{"message":"m"}}}"#)
    }

    @Test("a non-void result with nothing in it is malformed", arguments: protocols)
    func missingResult(_ kind: ThriftProtocolKind) throws {
        let failure = transcodeError { _ = try result("{}", TestSchema.echo, kind) }
        #expect(failure?.kind == .malformedThrift)
    }

    @Test("undeclared result fields are skipped", arguments: protocols)
    func unknownFields(_ kind: ThriftProtocolKind) throws {
        var writer: any ThriftProtocolWriter = kind == .binary ? ThriftBinaryWriter(buffer: ByteBuffer()) : ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.i64, id: 9)
        writer.writeI64(1)
        writer.writeFieldBegin(.structure, id: 0)
        let inner = writer.writeStructBegin()
        writer.writeFieldBegin(.string, id: 1)
        writer.writeString("ok")
        writer.writeStructEnd(inner)
        writer.writeStructEnd(mark)
        var thrift = writer.buffer
        var out = ByteBuffer()
        let outcome = try ThriftJSONCodec.decodeResult(
            method: TestSchema.echo, schema: TestSchema.schema, from: &thrift, protocol: kind, into: &out)
        #expect(outcome == .success)
        #expect(String(buffer: out) == #"{"name":"ok"}"#)
    }

    @Test("the server side: _args to JSON, and _result from {\"success\": ...}", arguments: protocols)
    func serverSide(_ kind: ThriftProtocolKind) throws {
        let arguments = try encodeArguments(CallInput(body: ByteBuffer(string: #"{"req":{"name":"n"},"page":1}"#)), kind)
        #expect(try decode(arguments, TestSchema.echoArgs, kind) == #"{"req":{"name":"n","limit":10},"page":1}"#)
        let (outcome, json) = try result(#"{"success":{"name":"n"}}"#, TestSchema.echo, kind)
        #expect(outcome == .success)
        #expect(json == #"{"name":"n","limit":10}"#)
    }

    @Test("reads a TApplicationException", arguments: protocols)
    func applicationException(_ kind: ThriftProtocolKind) throws {
        var writer: any ThriftProtocolWriter = kind == .binary ? ThriftBinaryWriter(buffer: ByteBuffer()) : ThriftCompactWriter(buffer: ByteBuffer())
        let mark = writer.writeStructBegin()
        writer.writeFieldBegin(.string, id: 1)
        writer.writeString("Unknown method nope")
        writer.writeFieldBegin(.i32, id: 2)
        writer.writeI32(1)
        writer.writeFieldBegin(.bool, id: 3)
        writer.writeBool(true)
        writer.writeStructEnd(mark)
        var thrift = writer.buffer
        let decoded = try ThriftJSONCodec.decodeApplicationException(from: &thrift, protocol: kind)
        #expect(decoded.type == 1)
        #expect(decoded.message == "Unknown method nope")
        #expect(thrift.readableBytes == 0)

        var truncated = writer.buffer.getSlice(at: 0, length: 5)!
        #expect(throws: TranscodeError.self) {
            _ = try ThriftJSONCodec.decodeApplicationException(from: &truncated, protocol: kind)
        }
    }

    @Test("reads the Binary TApplicationException bytes Thrift writes")
    func applicationExceptionBytes() throws {
        var bytes = hexString("0b0001 00000003 626164 080002 00000006 00")
        let decoded = try ThriftJSONCodec.decodeApplicationException(from: &bytes, protocol: .binary)
        #expect(decoded.type == 6)
        #expect(decoded.message == "bad")
    }
}
