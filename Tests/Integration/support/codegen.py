"""Python code for the example IDLs, generated at test time with Debian's `thrift` compiler.

Debian's compiler (0.17) predates the `uuid` type, while the Python library (>= 0.19) reads and writes
it. So the IDL is copied with each `uuid` field declared as `binary`, compiled, and the generated code
for exactly those fields is switched to TType.UUID / readUuid / writeUuid. Any other use of `uuid`
(inside a container, as a typedef) is refused rather than silently mistranslated.
"""

import pathlib
import re
import shutil
import subprocess

UUID_FIELD = re.compile(r"^\s*(-?\d+)\s*:\s*(?:required\s+|optional\s+)?uuid\s+(\w+)", re.MULTILINE)
UUID_TOKEN = re.compile(r"\buuid\b")
NAMESPACE_PY = re.compile(r"^\s*namespace\s+py\s+([\w.]+)", re.MULTILINE)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"(//|#)[^\n]*", "", text)


def generate_python(idl_dir, root_idl, out_dir):
    """Compiles `root_idl` (and what it includes) from `idl_dir` into `out_dir`; returns `out_dir`."""
    idl_dir = pathlib.Path(idl_dir)
    out_dir = pathlib.Path(out_dir)
    work = out_dir / "idl"
    work.mkdir(parents=True, exist_ok=True)
    patches = []  # (python module dir, field id, field name)
    for source in idl_dir.glob("*.thrift"):
        text = source.read_text()
        code = strip_comments(text)
        fields = UUID_FIELD.findall(code)
        if len(UUID_TOKEN.findall(code)) != len(fields):
            raise RuntimeError("%s: uuid is only supported as a plain field type here" % source)
        namespace = NAMESPACE_PY.search(code)
        module = namespace.group(1) if namespace else source.stem
        patches += [(module, int(fid), name) for fid, name in fields]
        (work / source.name).write_text(UUID_TOKEN.sub("binary", code))
    subprocess.run(["thrift", "-r", "--gen", "py", "-out", str(out_dir), str(work / root_idl)],
                   check=True, capture_output=True, text=True)
    for module, fid, name in patches:
        patch_uuid_field(out_dir / module.replace(".", "/") / "ttypes.py", fid, name)
    return out_dir


def patch_uuid_field(path, fid, name):
    text = path.read_text()
    substitutions = [
        (r"(if ftype == TType\.)STRING(:\n\s+self\.%s = iprot\.)readBinary\(\)" % name, r"\1UUID\2readUuid()"),
        (r"(oprot\.writeFieldBegin\('%s', TType\.)STRING(, %d\)\n\s+oprot\.)writeBinary(\(self\.%s\))"
         % (name, fid, name), r"\1UUID\2writeUuid\3"),
        (r"\(%d, TType\.STRING, '%s', 'BINARY', None, \)" % (fid, name), "(%d, TType.UUID, '%s', None, None, )"
         % (fid, name)),
    ]
    counts = []
    for pattern, replacement in substitutions:
        text, count = re.subn(pattern, replacement, text)
        counts.append(count)
    if counts[0] == 0 or len(set(counts)) != 1:
        raise RuntimeError("%s: could not switch field %s to uuid (matches %s)" % (path, name, counts))
    path.write_text(text)


def clean(out_dir):
    shutil.rmtree(out_dir, ignore_errors=True)
