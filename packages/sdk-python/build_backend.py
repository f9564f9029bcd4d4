"""A PEP 517/660 build backend in the standard library only, so `pip install` needs no index, setuptools or wheel.

The package is pure Python: a wheel is a zip of cuitty_sdk/ plus the three metadata files the wheel format
asks for. Name, version, summary and Python requirement come from pyproject.toml's [project] table.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "cuitty_sdk"


def _project():
    """The simple `key = "value"` lines of [project] (tomllib is 3.11+, and this runs on 3.8)."""
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.S | re.M).group(1)
    return dict(re.findall(r'^([\w-]+)\s*=\s*"([^"]*)"\s*$', table, re.M))


def _metadata():
    p = _project()
    with open(os.path.join(ROOT, p.get("readme", "README.md")), encoding="utf-8") as f:
        readme = f.read()
    head = [
        "Metadata-Version: 2.1",
        "Name: " + p["name"],
        "Version: " + p["version"],
        "Summary: " + p.get("description", ""),
        "Requires-Python: " + p.get("requires-python", ">=3.8"),
        "Description-Content-Type: text/markdown",
    ]
    return p, "\n".join(head) + "\n\n" + readme


def _dist_name(p):
    return re.sub(r"[-_.]+", "_", p["name"]).lower() + "-" + p["version"]


def _package_files():
    src = os.path.join(ROOT, PACKAGE)
    return sorted(PACKAGE + "/" + n for n in os.listdir(src) if n.endswith(".py"))


def _write_wheel(directory, files):
    """files: (archive path, bytes) of the payload; adds METADATA, WHEEL and RECORD."""
    p, metadata = _metadata()
    name = _dist_name(p)
    info = name + ".dist-info/"
    files = list(files) + [
        (info + "METADATA", metadata.encode("utf-8")),
        (info + "WHEEL", b"Wheel-Version: 1.0\nGenerator: cuitty build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = []
    for path, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("{},sha256={},{}".format(path, digest, len(data)))
    record.append(info + "RECORD,,")
    files.append((info + "RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    filename = name + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as whl:
        for path, data in files:
            whl.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return filename


def _read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(path, _read(path)) for path in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """`pip install -e`: a .pth file that puts this folder on sys.path."""
    return _write_wheel(wheel_directory, [(PACKAGE + "_editable.pth", (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    p, metadata = _metadata()
    name = _dist_name(p)
    filename = name + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        entries = [(path, _read(path)) for path in ["pyproject.toml", "build_backend.py", "README.md"] + _package_files()]
        entries.append(("PKG-INFO", metadata.encode("utf-8")))
        for path, data in entries:
            member = tarfile.TarInfo(name + "/" + path)
            member.size = len(data)
            member.mtime = 1577836800
            tar.addfile(member, io.BytesIO(data))
    return filename
