"""The built wheel and sdist: metadata, contents, and a fresh install with runtime deps only.

Nothing here asks a package index. The wheel is built from this source tree
(``--no-isolation`` with the dev environment's hatchling) and installed into a new
venv by pip with ``--no-index --no-deps``; the venv gets its dependencies from this
environment instead: exactly the distributions the wheel's requirements need (followed
recursively, markers honoured, no extras), linked into one directory a ``.pth`` file
puts on its path. ``pip check`` then proves that set complete. The tests are skipped
only when the build tools are missing, and say so.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from collections.abc import Iterable

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel and an sdist built from the working tree."""
    missing = [name for name in ("build", "hatchling") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"cannot build the wheel: {', '.join(missing)} not installed (dev extra)")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def _only(directory: Path, pattern: str) -> Path:
    (found,) = directory.glob(pattern)
    return found


def _metadata(wheel: Path) -> tuple[dict[str, list[str]], str]:
    with zipfile.ZipFile(wheel) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(meta_name).decode())
        points_name = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        entry_points = archive.read(points_name).decode()
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields, entry_points


def _runtime_requirements(wheel: Path) -> list[Requirement]:
    """The wheel's own requirements that apply here without any extra."""
    fields, _ = _metadata(wheel)
    return [
        req
        for req in map(Requirement, fields["Requires-Dist"])
        if req.marker is None or req.marker.evaluate({"extra": ""})
    ]


def _closure(requirements: Iterable[Requirement]) -> dict[str, metadata.Distribution]:
    """The distributions of this environment that ``requirements`` need, recursively.

    Each requirement brings its distribution and, in turn, that distribution's own
    requirements whose markers hold here, for no extra or for the extras it names.
    """
    found: dict[str, metadata.Distribution] = {}
    followed: set[tuple[str, frozenset[str]]] = set()
    todo = [(req, frozenset(req.extras)) for req in requirements]
    while todo:
        req, extras = todo.pop()
        key = canonicalize_name(req.name)
        if (key, extras) in followed:
            continue
        followed.add((key, extras))
        try:
            dist = found.get(key) or metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} (needed at run time) is not installed in the test env")
        assert req.specifier.contains(dist.version, prereleases=True), (req, dist.version)
        found[key] = dist
        for text in dist.requires or ():
            child = Requirement(text)
            if child.marker is None or any(
                child.marker.evaluate({"extra": extra}) for extra in extras | {""}
            ):
                todo.append((child, frozenset(child.extras)))
    return found


def _offline_venv(env_dir: Path, wheel: Path, requirements: Iterable[Requirement]) -> Path:
    """The python of a new venv holding the wheel and what ``requirements`` need.

    The wheel is installed by pip with no index, no find-links, no config file and no
    version check; the distributions ``requirements`` need are linked in from this
    environment, and ``pip check`` must find nothing missing.
    """
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    linked = env_dir / "runtime-deps"
    linked.mkdir()
    for dist in _closure(requirements).values():
        if dist.files is None:
            pytest.fail(f"{dist.metadata['Name']} has no RECORD: cannot tell its files")
        root = Path(str(dist.locate_file("")))
        tops = {path.parts[0] for path in dist.files} - {"..", "__pycache__"}
        for top in sorted(tops):
            if not (linked / top).exists():
                (linked / top).symlink_to(root / top)
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    Path(site_packages, "runtime-deps.pth").write_text(f"{linked}\n")
    offline = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    offline.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS="",
        PIP_EXTRA_INDEX_URL="",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-index", "--no-deps", str(wheel)],
        check=True, capture_output=True, env=offline, timeout=240,
    )  # fmt: skip
    checked = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "check"],
        capture_output=True, text=True, env=offline, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return python


def test_wheel_metadata(dist: Path) -> None:
    """Classifiers, license, Python versions, URLs, wide runtime deps, and both entry points."""
    wheel = _only(dist, "*.whl")
    fields, entry_points = _metadata(wheel)
    classifiers = fields["Classifier"]
    assert "Typing :: Typed" in classifiers and "Framework :: AsyncIO" in classifiers
    assert any(c.startswith("Programming Language :: Python :: 3.1") for c in classifiers)
    assert fields["License-Expression"] == ["MIT"] and fields["License-File"] == ["LICENSE"]
    assert fields["Requires-Python"] == [">=3.10"]
    assert {url.split(",")[0] for url in fields["Project-URL"]} >= {"Source", "Documentation"}
    runtime = sorted(r for r in fields["Requires-Dist"] if "extra ==" not in r)
    # aiobotocore pins botocore exactly; we must not add an upper bound of our own.
    assert runtime == ["aiobotocore>=2.19", "pydantic<3,>=2.12"]
    assert {"cli", "testing", "docs", "dev"} <= set(fields["Provides-Extra"])
    # The testing extra brings moto with its server (ThreadedMotoServer needs flask).
    testing = [
        r for r in fields["Requires-Dist"] if r.replace('"', "'").endswith("extra == 'testing'")
    ]
    assert any(r.replace(" ", "").startswith("moto[server]>=") for r in testing), testing
    assert "aiosecretsmanager = aiosecretsmanager._cli:main" in entry_points
    assert "[pytest11]\naiosecretsmanager = aiosecretsmanager._pytest_plugin" in entry_points
    version = fields["Version"][0]
    assert wheel.name == f"aiosecretsmanager-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "aiosecretsmanager/py.typed" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_sdist_carries_sources_tests_docs_and_license(dist: Path) -> None:
    """The sdist holds the license, tests, docs and the docs config, to rebuild everything."""
    sdist = _only(dist, "*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "mkdocs.yml", "src/aiosecretsmanager/py.typed", "docs/cli.md"} <= names
    assert "tests/test_packaging.py" in names and "tests/typing/construct_models.py" in names


def test_fresh_venv_install_runs_with_runtime_deps_only(dist: Path, tmp_path: Path) -> None:
    """In a new venv with only the wheel and its runtime deps: py.typed, import, --help."""
    dev_only = ("rich", "moto", "pytest", "types_aiobotocore_secretsmanager")
    # They are here, beside the runtime deps the venv gets: it must not get them too.
    assert all(importlib.util.find_spec(name) for name in dev_only)
    env_dir = tmp_path / "venv"
    wheel = _only(dist, "*.whl")
    python = _offline_venv(env_dir, wheel, _runtime_requirements(wheel))
    probe = (
        "import importlib.util, pathlib, aiosecretsmanager as a\n"
        "print(a.__version__)\n"
        "print((pathlib.Path(a.__file__).parent / 'py.typed').is_file())\n"
        f"print([m for m in {dev_only!r} if importlib.util.find_spec(m)])\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, env=clean, timeout=60
    )
    assert done.returncode == 0, done.stderr
    version, typed, extras = done.stdout.split("\n")[:3]
    assert wheel.name.startswith(f"aiosecretsmanager-{version}-")
    assert (typed, extras) == ("True", "[]")
    script = env_dir / "bin" / "aiosecretsmanager"
    helped = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=clean, timeout=60
    )
    assert helped.returncode == 0 and "usage: aiosecretsmanager" in helped.stdout
    # Without the testing extra the demo says what to install, in one line.
    demo = subprocess.run(
        [str(script), "demo"], capture_output=True, text=True, env=clean, timeout=60
    )
    assert demo.returncode == 1
    assert demo.stderr.count("\n") == 1 and "aiosecretsmanager[testing]" in demo.stderr


def test_plugin_without_the_testing_extra(dist: Path, tmp_path: Path) -> None:
    """Without the testing extra, the plugin loads quietly; its fixtures say what to install."""
    wheel = _only(dist, "*.whl")
    needed = [*_runtime_requirements(wheel), Requirement("pytest")]
    python = _offline_venv(tmp_path / "venv", wheel, needed)
    (tmp_path / "test_downstream.py").write_text(
        "def test_plain():\n    pass\n\n"
        "def test_endpoint(aiosecretsmanager_endpoint):\n    pass\n\n"
        "def test_client(aiosecretsmanager_client):\n    pass\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_downstream.py"],
        capture_output=True, text=True, env=clean, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert "1 passed" in done.stdout and "2 errors" in done.stdout, done.stdout
    assert "aiosecretsmanager[testing]" in done.stdout
    assert "pytest-asyncio is missing" in done.stdout
