"""The package as a platform team uses it: the built wheel, installed in a fresh venv, in a repo of its own.

The test builds the sdist and the wheel from a copy of the sources (PEP 517, no network: setuptools
and wheel come from the dev extra), creates a venv in a temporary directory, installs the wheel
there with ``pip install --no-deps``, and writes a minimal platform repo beside it (``cdk.json``,
``app.py``, one stack, a snapshot test using the pytest plugin). Then it runs the CDK CLI's
``cdk synth`` and that repo's pytest with the venv's Python.

The dependencies (aws-cdk-lib, pytest, syrupy, ...) are not downloaded again: the venv sees this
project's site-packages through a ``.pth`` file that points at a directory of links to every entry
of it *except* this package's editable install, so ``import cdk_sagemaker_inference`` can only
resolve to the wheel's copy — which the test checks (not ``src/``, not a repo-relative file).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.consumer

ROOT = Path(__file__).resolve().parents[1]
PROJECT_BIN = Path(sys.executable).parent
CDK_CLI = ROOT / "node_modules" / ".bin" / "cdk"
PACKAGE = "cdk_sagemaker_inference"
SOURCES = ("pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md", "src", "tests")
"""What the build sees (tests too, so that MANIFEST.in's prune is exercised)."""


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (f"{' '.join(command)} exited {done.returncode}\n--- stdout\n{done.stdout[-6000:]}"
                                  f"\n--- stderr\n{done.stderr[-6000:]}")
    return done


_DROPPED = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER",
            "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_PROFILE")


def _offline_env(**extra: str) -> dict[str, str]:
    """No package index, no CLI telemetry or version check, no AWS credentials or metadata lookups."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update({
        "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true", "CDK_DISABLE_VERSION_CHECK": "true",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **extra,
    })
    return env


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built once per session from a copy of the sources."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".hypothesis"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    out = work / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
         cwd=work, env=_offline_env(PATH=f"{PROJECT_BIN}{os.pathsep}{os.environ.get('PATH', '')}"))
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_the_distributions_are_complete(dist: dict[str, Path]) -> None:
    from cdk_sagemaker_inference import __version__

    assert dist["wheel"].name == f"{PACKAGE}-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        info = f"{PACKAGE}-{__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert f"{PACKAGE}/py.typed" in names
    assert {f"{PACKAGE}/testing/plugin.py", f"{PACKAGE}/cli.py", f"{PACKAGE}/__main__.py"} <= names
    assert f"{info}/licenses/LICENSE" in names
    assert not any(n.startswith(("tests/", "stacks/")) for n in names)
    for line in ("License-Expression: Apache-2.0", "Requires-Python: >=3.11", "Classifier: Typing :: Typed",
                 "Project-URL: Changelog,", "Requires-Dist: aws-cdk-lib", "Description-Content-Type: text/markdown"):
        assert line in metadata, line
    assert "[pytest11]\ncdk_sagemaker_inference = cdk_sagemaker_inference.testing.plugin" in entry_points
    assert "cdk-sagemaker-inference = cdk_sagemaker_inference.cli:main" in entry_points
    with tarfile.open(dist["sdist"]) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", f"src/{PACKAGE}/py.typed"} <= members
    assert not any(m.startswith("tests/") for m in members)


DOC = ROOT / "docs" / "testing.md"
DOC_FILES = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", re.S)
"""The complete example of docs/testing.md: each file is a fenced block right after a file marker."""

WHEEL_CHECK = '''"""Added by the consumer test: the package and its plugin come from the venv (the wheel), not a checkout."""

import sys
from pathlib import Path

import cdk_sagemaker_inference
import cdk_sagemaker_inference.testing.plugin as plugin


def test_uses_the_installed_wheel():
    for module in (cdk_sagemaker_inference, plugin):
        assert Path(module.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), module.__file__
'''


def documented_platform_repo() -> dict[str, str]:
    """Path → content of every file of the documented example platform repo."""
    return {path: content for path, content in DOC_FILES.findall(DOC.read_text())}


def test_the_documented_example_is_complete() -> None:
    assert set(documented_platform_repo()) == {"cdk.json", "pyproject.toml", "app.py", "platform_stacks/inference.py",
                                               "tests/test_inference.py"}


def _site_overlay(consumer: Path) -> Path:
    """Links to the project's site-packages entries except this package (and its editable install)."""
    overlay = consumer / "project-site-packages"
    overlay.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith((PACKAGE, f"__editable__.{PACKAGE}", f"__editable___{PACKAGE}")) or name.endswith(".pth"):
            continue
        (overlay / entry.name).symlink_to(entry)
    return overlay


def test_a_platform_repo_synthesizes_and_tests_with_the_installed_wheel(dist: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    assert CDK_CLI.exists(), "the pinned CDK CLI is installed by `make setup` (npm ci)"
    # A fresh venv, without pip and without this project's site-packages.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=_offline_env())
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path, env=_offline_env()).stdout.strip())
    (site / "project-dependencies.pth").write_text(f"{_site_overlay(tmp_path)}\n")
    env = _offline_env(PATH=os.pathsep.join([str(venv / "bin"), str(PROJECT_BIN), os.environ.get("PATH", "")]),
                       VIRTUAL_ENV=str(venv))
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(dist["wheel"])], cwd=tmp_path, env=env)

    # The package resolves to the wheel's copy in the venv, never to this repo.
    where = json.loads(_run([str(python), "-c",
                             "import json, importlib.metadata as m, cdk_sagemaker_inference as c;"
                             "print(json.dumps({'file': c.__file__, 'dists': [str(d.locate_file('')) for d in"
                             " m.distributions() if d.metadata['Name'] == 'cdk-sagemaker-inference']}))"],
                            cwd=tmp_path, env=env).stdout)
    package_file = Path(where["file"]).resolve()
    assert package_file == (site / PACKAGE / "__init__.py").resolve(), where
    assert not package_file.is_relative_to(ROOT), where
    assert [Path(d).resolve() for d in where["dists"]] == [site.resolve()], where  # no editable install in sight

    # The platform repo of docs/testing.md: its own cdk.json, app.py, one stack, a snapshot test.
    repo = tmp_path / "platform-repo"
    for path, content in documented_platform_repo().items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(content)
    (repo / "platform_stacks" / "__init__.py").write_text("")
    (repo / "tests" / "test_wheel.py").write_text(WHEEL_CHECK)
    (repo / "model").mkdir()
    with tarfile.open(repo / "model" / "model.tar.gz", "w:gz") as archive:
        weights = tmp_path / "weights.json"
        weights.write_text('{"bias": 0.5}')
        archive.add(weights, arcname="weights.json")

    synth = _run([str(CDK_CLI), "synth", "--no-notices", "--quiet"], cwd=repo, env=env)
    template = json.loads((repo / "cdk.out" / "PlatformInference.template.json").read_text())
    kinds = sorted(r["Metadata"]["cdk-sagemaker-inference"]["kind"] for r in template["Resources"].values()
                   if r["Type"] == "AWS::SageMaker::Endpoint")
    assert kinds == ["realtime", "serverless"], synth.stdout
    (repo / "tests" / "baselines").mkdir()
    shutil.copy(repo / "cdk.out" / "PlatformInference.template.json", repo / "tests" / "baselines")

    pytest_command = [str(python), "-m", "pytest", "-p", "no:cacheprovider"]
    first = _run([*pytest_command, "--snapshot-update"], cwd=repo, env=env)
    assert "5 passed" in first.stdout and "1 snapshot generated" in first.stdout, first.stdout
    [snapshot] = (repo / "tests" / "__snapshots__" / "test_inference").glob("test_snapshot.json")
    stored = snapshot.read_text()
    assert "<asset-hash>" in stored and "cdk-<qualifier>-assets-" in stored and "CheckBootstrapVersion" not in stored
    second = _run(pytest_command, cwd=repo, env=env)
    assert "5 passed" in second.stdout and "1 snapshot passed" in second.stdout, second.stdout

    # The console script from the wheel.
    advice = _run([str(venv / "bin" / "cdk-sagemaker-inference"), "advise", "--payload-mb", "1",
                   "--processing-seconds", "1", "--latency", "interactive", "--traffic", "sustained", "--json"],
                  cwd=repo, env=env)
    assert json.loads(advice.stdout)["construct"] == "RealtimeEndpoint"
