import Testing

@testable import SluiceProtobuf

/// `sluice call --list SERVICE`'s text: grpcurl's `describe` shapes.
@Suite struct ProtoDescriptionTests {
    @Test("a service, then each type its methods use, first use first; maps, oneofs, optional, streams")
    func describe() throws {
        let files = try ProtoLoader(
            importPaths: ["."],
            source: .inMemory([
                "s.proto": """
                syntax = "proto3"; package s;
                import "google/protobuf/timestamp.proto";
                enum Mood { MOOD_UNSPECIFIED = 0; MOOD_HAPPY = 1; }
                message In {
                  map<string, int32> counts = 1;
                  oneof pick { string a = 2; int64 b = 3; }
                  optional Mood mood = 4;
                  repeated Out outs = 5;
                  google.protobuf.Timestamp at = 6;
                }
                message Out { bytes data = 1; }
                service S {
                  rpc Chat(stream In) returns (stream Out);
                  rpc Get(Out) returns (In);
                }
                """
            ])
        ).load(file: "s.proto")
        #expect(ProtoDescription.services(in: files) == ["s.S"])
        #expect(
            ProtoDescription.describe(service: "s.S", in: files) == """
                s.S is a service:
                service S {
                  rpc Chat ( stream .s.In ) returns ( stream .s.Out );
                  rpc Get ( .s.Out ) returns ( .s.In );
                }

                s.In is a message:
                message In {
                  map<string, int32> counts = 1;
                  oneof pick {
                    string a = 2;
                    int64 b = 3;
                  }
                  optional .s.Mood mood = 4;
                  repeated .s.Out outs = 5;
                  .google.protobuf.Timestamp at = 6;
                }

                s.Out is a message:
                message Out {
                  bytes data = 1;
                }

                s.Mood is an enum:
                enum Mood {
                  MOOD_UNSPECIFIED = 0;
                  MOOD_HAPPY = 1;
                }

                """)
        #expect(ProtoDescription.describe(service: "s.Nope", in: files) == nil)
    }
}
