"""Finding model files: shipped ones inside the package, user ones anywhere Beam can read."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from importlib import resources

MODELS_PACKAGE = "classifiers"
_COPY_LOCK = threading.Lock()  # Dataflow runs many DoFn instances as threads of one process


def shipped_model_path(filename: str) -> str:
    """The path of a model file that ships inside this package (classifiers/models/)."""
    path = resources.files(MODELS_PACKAGE).joinpath("models", filename)
    if not path.is_file():
        raise FileNotFoundError(f"shipped model {filename!r} is missing from the installed package")
    return str(path)


def local_model_path(path: str) -> str:
    """A local file for `path`; remote models (gs://, s3://) are copied once to the worker's temp dir.

    fastText and sentencepiece only load from local files, and a worker reads its models from
    wherever the job put them.
    """
    if "://" not in path:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"model file not found: {path}")
        return path
    from apache_beam.io.filesystems import FileSystems

    name = hashlib.sha1(path.encode()).hexdigest()[:16] + "-" + os.path.basename(path)
    target = os.path.join(tempfile.gettempdir(), "winnow-models", name)
    with _COPY_LOCK:
        if not os.path.isfile(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            handle, partial = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
            with FileSystems.open(path) as src, os.fdopen(handle, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(partial, target)  # atomic: other processes never load a half-copied model
    return target
