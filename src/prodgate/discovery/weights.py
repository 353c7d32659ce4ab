"""Model weights, recognised by extension and confirmed by the file's first bytes.

Only the header is read (at most :data:`HEADER_BYTES`), whatever the file's size. The
extension alone is not enough: ``notes.pt`` in Portuguese is not a PyTorch checkpoint,
so each format's magic bytes must agree. A Git LFS pointer with a weights extension
counts: the weights are in the repository's LFS store.
"""

from __future__ import annotations

import posixpath
import struct
from pathlib import Path

from prodgate.discovery.model import Detection
from prodgate.fsutil import FileProblem, read_regular

HEADER_BYTES = 4096

_ZIP = b"PK\x03\x04"
_HDF5 = b"\x89HDF\r\n\x1a\n"
_LFS = b"version https://git-lfs.github.com/spec/"
_PICKLE_MODULES = (b"sklearn", b"xgboost", b"lightgbm", b"catboost", b"torch", b"keras", b"tensorflow", b"transformers")

EXTENSIONS = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".ggml": "ggml",
    ".onnx": "onnx",
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".ckpt": "checkpoint",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".keras": "keras",
    ".tflite": "tflite",
    ".mlmodel": "coreml",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "pickle",
}


def kind_of(rel: str) -> str | None:
    """The weights format a file's name suggests, or None."""
    name = posixpath.basename(rel).lower()
    if name.startswith("pytorch_model") and name.endswith(".bin"):
        return "pytorch"
    return EXTENSIONS.get(posixpath.splitext(name)[1])


def detect(rel: str, path: Path, fmt: str) -> Detection | FileProblem | None:
    """A detection when the header confirms the format the name suggests; why the
    header could not be read (a FIFO, a device, a symlink: never followed, never
    waited on); None when it is not weights."""
    read = read_regular(path, HEADER_BYTES, head=True)
    if isinstance(read, FileProblem):
        return None if read.kind == "unreadable" and not path.exists() else read
    head = read[1]
    if head.startswith(_LFS):
        return Detection(rel, 1, "weights", f"weights-{fmt}", None, None, f"{fmt} (Git LFS pointer)")
    if not _confirms(fmt, head):
        return None
    return Detection(rel, 1, "weights", f"weights-{fmt}", None, None, fmt)


def _confirms(fmt: str, head: bytes) -> bool:
    if fmt == "safetensors":
        if len(head) < 10:
            return False
        (size,) = struct.unpack("<Q", head[:8])
        return 2 <= size < 100 * 1024 * 1024 and head[8:9] == b"{"
    if fmt == "gguf":
        return head.startswith(b"GGUF")
    if fmt == "ggml":
        return head[:4] in (b"lmgg", b"fmgg", b"tjgg", b"ggml", b"ggjt", b"ggla")
    if fmt in ("onnx", "coreml"):
        # Protocol buffers whose first field is a small version number (field 1, varint).
        return len(head) > 2 and head[0] == 0x08 and head[1] < 0x80
    if fmt in ("pytorch", "checkpoint"):
        return head.startswith(_ZIP) or _is_pickle(head)
    if fmt == "hdf5":
        return head.startswith(_HDF5)
    if fmt == "keras":
        return head.startswith(_ZIP) or head.startswith(_HDF5)
    if fmt == "tflite":
        return head[4:8] == b"TFL3"
    if fmt == "pickle":
        # A pickle is only a model when it names a machine-learning library.
        return (_is_pickle(head) or head.startswith(_ZIP)) and any(m in head for m in _PICKLE_MODULES)
    return False


def _is_pickle(head: bytes) -> bool:
    return len(head) > 2 and head[0] == 0x80 and 2 <= head[1] <= 5
