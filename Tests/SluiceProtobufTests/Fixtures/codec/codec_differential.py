#!/usr/bin/env python3
"""The reference side of the codec's differential test: Python's protobuf (upb) and its json_format.

    codec_differential.py generate PB2_DIR SEED COUNT CASES   random messages -> CASES
    codec_differential.py verify PB2_DIR CASES RESULTS         Sluice's answers in RESULTS -> a verdict

CASES has one line per message: option letters ("-" for none; e = emit defaults, i = enums as ints,
p = proto names), the binary message (base64), and json_format's JSON for it (base64), tab-separated. The
binary is not always what SerializeToString writes: fields are reordered, repeated fields interleaved,
message fields split in two (protobuf merges them), singular fields, oneof members and map keys given an
earlier value that a later one overrides, and unknown fields added; the JSON is Python's reading of those bytes.
RESULTS has one line per case: Sluice's JSON for the binary and Sluice's binary for Python's JSON (both
base64, or "!" and the error), tab-separated. verify checks the JSON equals Python's as JSON values (floats
compared as float32 where the field is a float), that json_format reads Sluice's JSON to the same message,
and that Python reads Sluice's binary to the same message.
"""
import base64
import importlib
import json
import math
import random
import struct
import sys

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor as FD



def is_repeated(field):
    # protobuf 5.26 added is_repeated/is_required; older releases only have label.
    return field.is_repeated if hasattr(field, "is_repeated") else field.label == FD.LABEL_REPEATED


def is_required(field):
    return field.is_required if hasattr(field, "is_required") else field.label == FD.LABEL_REQUIRED


def load(pb2_dir):
    sys.path.insert(0, pb2_dir)
    module = importlib.import_module("codec_types_pb2")
    return module, module.Everything


# ---- random values -------------------------------------------------------------------------------

STRINGS = ["", "a", "hello world", "ü", "日本語", "😀", '"quoted"', "back\\slash", "ctl\x01\x1f", "tab\t",
           "\u2028", "nul\x00", "</script>", "a/b"]


def rand_string(r):
    if r.random() < 0.6:
        return r.choice(STRINGS)
    pools = [(0x20, 0x7E), (0xA0, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]
    return "".join(chr(r.randint(*r.choice(pools))) for _ in range(r.randint(0, 8)))


def rand_int(r, bits, signed):
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    edges = [0, 1, lo, hi, hi - 1, (1 << 53) + 1 if bits == 64 else hi, -1 if signed else 2]
    if r.random() < 0.4:
        return r.choice(edges)
    return r.randint(lo, hi) if r.random() < 0.5 else r.randint(max(lo, -1000), min(hi, 1000))


def rand_float(r, single):
    special = [0.0, -0.0, 0.1, 1.5, -2.25, float("nan"), float("inf"), float("-inf"), 1e-45 if single else 5e-324,
               3.4028234663852886e38 if single else 1.7976931348623157e308, 1e10, 123456.789]
    if r.random() < 0.4:
        value = r.choice(special)
    elif single:
        value = struct.unpack("<f", struct.pack("<I", r.getrandbits(32)))[0]
    else:
        value = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
    # A NaN's payload has no JSON form.
    return float("nan") if math.isnan(value) else value


def rand_finite(r):
    value = rand_float(r, False)
    return value if math.isfinite(value) else 2.5


def fill_value(r, value, depth):
    kind = r.choice(["null", "number", "string", "bool", "struct", "list"] if depth < 3 else ["null", "number", "string", "bool"])
    if kind == "null":
        value.null_value = 0
    elif kind == "number":
        value.number_value = rand_finite(r)
    elif kind == "string":
        value.string_value = rand_string(r)
    elif kind == "bool":
        value.bool_value = r.random() < 0.5
    elif kind == "struct":
        fill_struct(r, value.struct_value, depth + 1)
    else:
        value.list_value.SetInParent()
        for _ in range(r.randint(0, 3)):
            fill_value(r, value.list_value.values.add(), depth + 1)


def fill_struct(r, struct_message, depth):
    struct_message.SetInParent()
    for _ in range(r.randint(0, 3)):
        fill_value(r, struct_message.fields[rand_string(r)], depth + 1)


def fill_timestamp(r, ts):
    ts.seconds = r.choice([0, -62135596800, 253402300799, r.randint(-62135596800, 253402300799)])
    ts.nanos = r.choice([0, 999999999, r.randint(0, 999) * 1000000, r.randint(0, 999999) * 1000, r.randint(0, 999999999)])


def fill_duration(r, duration):
    seconds = r.choice([0, 1, -1, 315576000000, -315576000000, r.randint(-315576000000, 315576000000)])
    nanos = r.choice([0, 500000000, r.randint(0, 999999999), r.randint(0, 999) * 1000])
    if seconds < 0 or (seconds == 0 and r.random() < 0.5):
        nanos = -nanos
    duration.seconds, duration.nanos = seconds, nanos


def fill_any(r, module, any_message, depth):
    choice = r.randrange(6)
    if choice == 0:
        inner = module.Nested()
        fill(r, module, inner, depth + 1)
    elif choice == 1:
        inner = module.Scalars()
        fill(r, module, inner, depth + 1)
    elif choice == 2:
        from google.protobuf import timestamp_pb2
        inner = timestamp_pb2.Timestamp()
        fill_timestamp(r, inner)
    elif choice == 3:
        from google.protobuf import duration_pb2
        inner = duration_pb2.Duration()
        fill_duration(r, inner)
    elif choice == 4:
        from google.protobuf import struct_pb2
        inner = struct_pb2.Value()
        fill_value(r, inner, depth + 1)
    else:
        from google.protobuf import wrappers_pb2
        inner = wrappers_pb2.Int64Value(value=rand_int(r, 64, True))
    any_message.Pack(inner)


def scalar(r, field):
    t = field.type
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return rand_int(r, 32, True)
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return rand_int(r, 64, True)
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return rand_int(r, 32, False)
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return rand_int(r, 64, False)
    if t == FD.TYPE_FLOAT:
        return rand_float(r, True)
    if t == FD.TYPE_DOUBLE:
        return rand_float(r, False)
    if t == FD.TYPE_BOOL:
        return r.random() < 0.5
    if t == FD.TYPE_STRING:
        return rand_string(r)
    if t == FD.TYPE_BYTES:
        return bytes(r.getrandbits(8) for _ in range(r.randint(0, 9)))
    if t == FD.TYPE_ENUM:
        values = [v.number for v in field.enum_type.values]
        closed = field.enum_type.is_closed if hasattr(field.enum_type, "is_closed") else field.file.syntax == "proto2"
        # NullValue prints as null whatever its number.
        if not closed and r.random() < 0.15 and field.enum_type.full_name != "google.protobuf.NullValue":
            return r.choice([7, -100, 2**31 - 1])  # open enums keep unknown numbers
        return r.choice(values)
    raise ValueError(field.full_name)


def fill_message_field(r, module, field, message, depth):
    name = field.message_type.full_name
    if name == "google.protobuf.Timestamp":
        fill_timestamp(r, message)
    elif name == "google.protobuf.Duration":
        fill_duration(r, message)
    elif name == "google.protobuf.Struct":
        fill_struct(r, message, depth)
    elif name == "google.protobuf.Value":
        fill_value(r, message, depth)
    elif name == "google.protobuf.ListValue":
        message.SetInParent()
        for _ in range(r.randint(0, 3)):
            fill_value(r, message.values.add(), depth + 1)
    elif name == "google.protobuf.FieldMask":
        words = ["a", "foo", "bar", "x9", "deep"]
        for _ in range(r.randint(0, 3)):
            message.paths.append(".".join("_".join(r.choice(words) for _ in range(r.randint(1, 2))) for _ in range(r.randint(1, 2))))
        message.SetInParent()
    elif name == "google.protobuf.Any":
        fill_any(r, module, message, depth)
    elif name.startswith("google.protobuf.") and name.endswith("Value"):
        message.value = scalar(r, message.DESCRIPTOR.fields_by_name["value"])
    else:
        fill(r, module, message, depth + 1)


def fill(r, module, message, depth):
    desc = message.DESCRIPTOR
    message.SetInParent() if hasattr(message, "SetInParent") else None
    oneof_done = set()
    for field in desc.fields:
        required = is_required(field)
        if not required and r.random() < (0.45 if depth < 2 else 0.25):
            continue
        if field.containing_oneof is not None and not field.containing_oneof.name.startswith("_"):
            if field.containing_oneof.name in oneof_done:
                continue
            oneof_done.add(field.containing_oneof.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            target = getattr(message, field.name)
            for _ in range(r.randint(0, 3)):
                key = scalar(r, key_field)
                if value_field.message_type is not None:
                    fill_message_field(r, module, value_field, target[key], depth + 1)
                else:
                    target[key] = scalar(r, value_field)
        elif is_repeated(field):
            target = getattr(message, field.name)
            for _ in range(r.randint(0, 4)):
                if field.message_type is not None:
                    if depth > 3:
                        break
                    fill_message_field(r, module, field, target.add(), depth + 1)
                else:
                    target.append(scalar(r, field))
        elif field.message_type is not None:
            if depth > 3 and not required and field.message_type.full_name == message.DESCRIPTOR.full_name:
                continue
            fill_message_field(r, module, field, getattr(message, field.name), depth + 1)
        else:
            setattr(message, field.name, scalar(r, field))


# ---- non-canonical wire forms --------------------------------------------------------------------

def varint(value):
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data, i):
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def records(data):
    """(number, wire type, whole record, payload) for each top-level record."""
    out, i = [], 0
    while i < len(data):
        start = i
        tag, i = read_varint(data, i)
        number, wt = tag >> 3, tag & 7
        payload = None
        if wt == 0:
            _, i = read_varint(data, i)
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        elif wt == 2:
            length, i = read_varint(data, i)
            payload = data[i:i + length]
            i += length
        elif wt == 3:
            depth = 1
            while depth:
                tag2, i = read_varint(data, i)
                w2 = tag2 & 7
                if w2 == 0:
                    _, i = read_varint(data, i)
                elif w2 == 1:
                    i += 8
                elif w2 == 5:
                    i += 4
                elif w2 == 2:
                    length, i = read_varint(data, i)
                    i += length
                elif w2 == 3:
                    depth += 1
                elif w2 == 4:
                    depth -= 1
        out.append((number, wt, data[start:i], payload))
    return out


def decoy(r, field):
    """A record for `field` with some valid value, to be overridden by a later one."""
    t = field.type
    wt = {FD.TYPE_DOUBLE: 1, FD.TYPE_FIXED64: 1, FD.TYPE_SFIXED64: 1, FD.TYPE_FLOAT: 5, FD.TYPE_FIXED32: 5,
          FD.TYPE_SFIXED32: 5, FD.TYPE_STRING: 2, FD.TYPE_BYTES: 2}.get(t, 0)
    head = varint(field.number << 3 | wt)
    if wt == 1:
        return head + struct.pack("<Q", r.getrandbits(64))
    if wt == 5:
        return head + struct.pack("<I", r.getrandbits(32))
    if wt == 2:
        return head + varint(3) + b"old"
    if t == FD.TYPE_ENUM:
        return head + varint(field.enum_type.values[0].number)
    return head + varint(r.randint(0, 300))


def mangle(r, data, desc, depth=0):
    out = []
    for number, wt, raw, payload in records(data):
        field = desc.fields_by_number.get(number)
        if field is not None and wt == 2 and field.type == FD.TYPE_MESSAGE and depth < 4:
            inner = mangle(r, payload, field.message_type, depth + 1)
            head = varint(number << 3 | 2)
            parts = records(inner)
            if not is_repeated(field) and len(parts) > 1 and r.random() < 0.3:
                # One message field written as two: protobuf merges them back.
                cut = r.randint(1, len(parts) - 1)
                first = b"".join(p[2] for p in parts[:cut])
                second = b"".join(p[2] for p in parts[cut:])
                out.append((number, head + varint(len(first)) + first))
                out.append((number, head + varint(len(second)) + second))
                continue
            raw = head + varint(len(inner)) + inner
            if field.message_type.GetOptions().map_entry and r.random() < 0.3:
                # An earlier entry with the same key: the later one wins.
                keys = [p[2] for p in records(inner) if p[0] == 1]
                value_field = field.message_type.fields_by_number[2]
                value = varint(2 << 3 | 2) + varint(0) if value_field.type == FD.TYPE_MESSAGE else decoy(r, value_field)
                earlier = (keys[-1] if keys else b"") + value
                out.append((number, head + varint(len(earlier)) + earlier))
        if field is not None and not is_repeated(field) and field.type not in (FD.TYPE_MESSAGE, FD.TYPE_GROUP) and r.random() < 0.2:
            oneof = field.containing_oneof
            candidates = [f for f in (oneof.fields if oneof is not None else [field]) if f.type not in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)]
            out.append((r.choice(candidates).number, decoy(r, r.choice(candidates))))
        out.append((number, raw))
        # Not inside map entries: upb then keeps the whole entry as unknown, where other readers keep the entry.
        if r.random() < 0.1 and not desc.GetOptions().map_entry:
            out.append((900 + r.randint(0, 9), varint((900 << 3) | 0) + varint(r.getrandbits(20))))
    # Reorder, keeping each field number's records in their order (repeated elements, overriding values).
    by_number = {}
    for number, raw in out:
        by_number.setdefault(number, []).append(raw)
    queues = list(by_number.values())
    result = bytearray()
    while queues:
        queue = r.choice(queues)
        result += queue.pop(0)
        if not queue:
            queues.remove(queue)
    return bytes(result)


# ---- modes ---------------------------------------------------------------------------------------

OPTION_SETS = ["-", "e", "i", "p", "eip", "ep"]


def to_json(message, options):
    flags = dict(indent=None, use_integers_for_enums="i" in options, preserving_proto_field_name="p" in options)
    try:
        return json_format.MessageToJson(message, always_print_fields_with_no_presence="e" in options, **flags)
    except TypeError:  # protobuf before 5.26 names it differently
        return json_format.MessageToJson(message, including_default_value_fields="e" in options, **flags)


def generate(pb2_dir, seed, count, cases_path):
    module, message_type = load(pb2_dir)
    r = random.Random(seed)
    with open(cases_path, "w") as cases:
        for index in range(count):
            message = message_type()
            fill(r, module, message, 0)
            data = message.SerializeToString()
            if index % 2 == 1:
                data = mangle(r, data, message_type.DESCRIPTOR)
            parsed = message_type.FromString(data)
            options = OPTION_SETS[index % len(OPTION_SETS)]
            text = to_json(parsed, options)
            cases.write("%s\t%s\t%s\n" % (options, base64.b64encode(data).decode(),
                                         base64.b64encode(text.encode()).decode()))


def same_json(a, b, path="$"):
    """Where JSON values a (Python's) and b (Sluice's) differ, or None; numbers equal as float32 too."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return "%s: keys %s vs %s" % (path, sorted(set(a) - set(b)), sorted(set(b) - set(a)))
        for key in a:
            found = same_json(a[key], b[key], "%s.%s" % (path, key))
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %d vs %d elements" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            found = same_json(x, y, "%s[%d]" % (path, i))
            if found:
                return found
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else "%s: %r vs %r" % (path, a, b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b or struct.pack("<f", a) == struct.pack("<f", b) if abs(a) < 3.5e38 and abs(b) < 3.5e38 else a == b:
            return None
        return "%s: %r vs %r" % (path, a, b)
    return None if a == b and type(a) is type(b) else "%s: %r vs %r" % (path, a, b)


def verify(pb2_dir, cases_path, results_path):
    _, message_type = load(pb2_dir)
    failures, checked = [], 0
    with open(cases_path) as cases, open(results_path) as results:
        for index, (case, result) in enumerate(zip(cases, results)):
            options, data, text = case.rstrip("\n").split("\t")
            data, text = base64.b64decode(data), base64.b64decode(text).decode()
            sluice_json, sluice_binary = result.rstrip("\n").split("\t")
            expected = message_type.FromString(data)
            expected.DiscardUnknownFields()  # JSON has no place for them
            canonical = expected.SerializeToString(deterministic=True)
            checked += 1
            if sluice_json.startswith("!"):
                failures.append("case %d (%s): binary->JSON failed: %s" % (index, options, sluice_json[1:]))
            else:
                produced = base64.b64decode(sluice_json).decode()
                difference = same_json(json.loads(text), json.loads(produced))
                if difference:
                    failures.append("case %d (%s): JSON differs at %s\n  python: %s\n  sluice: %s" % (index, options, difference, text, produced))
                else:
                    reread = message_type()
                    try:
                        json_format.Parse(text, message_type())
                        own_readable = True
                    except json_format.ParseError:
                        own_readable = False  # json_format cannot read its own 3.4028235e+38 for a float
                    try:
                        if own_readable:
                            json_format.Parse(produced, reread)
                        else:
                            reread = expected
                        if reread.SerializeToString(deterministic=True) != canonical:
                            failures.append("case %d (%s): json_format reads Sluice's JSON differently: %s\n  %s" % (
                                index, options, same_json(json.loads(to_json(expected, "")), json.loads(to_json(reread, ""))), produced))
                    except Exception as error:  # noqa: BLE001 - any failure is a finding
                        failures.append("case %d (%s): json_format rejects Sluice's JSON: %s\n  %s" % (index, options, error, produced))
            if sluice_binary.startswith("!"):
                failures.append("case %d (%s): JSON->binary failed: %s\n  json: %s" % (index, options, sluice_binary[1:], text))
            else:
                try:
                    decoded = message_type.FromString(base64.b64decode(sluice_binary))
                    if decoded.SerializeToString(deterministic=True) != canonical:
                        failures.append("case %d (%s): Sluice's binary reads as a different message: %s\n  json: %s" % (
                            index, options, same_json(json.loads(to_json(expected, "")), json.loads(to_json(decoded, ""))), text))
                except Exception as error:  # noqa: BLE001
                    failures.append("case %d (%s): Python rejects Sluice's binary: %s" % (index, options, error))
    print(json.dumps({"checked": checked, "failures": len(failures), "first": failures[:8]}, indent=1))
    return 0 if not failures and checked > 0 else 1


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(verify(sys.argv[2], sys.argv[3], sys.argv[4]))
