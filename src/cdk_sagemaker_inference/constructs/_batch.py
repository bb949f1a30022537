"""Several aws-cdk-lib calls in one jsii round trip.

Every constructor call, method call and property read on an aws-cdk-lib object crosses from Python
into the node process of the jsii kernel and back: about a quarter of a millisecond each, most of
an endpoint's construction time (``benchmarks/synth_bench.py --profile <kind>`` counts them by call
site). jsii has no way to send several calls at once, so the library ships a small jsii module of
its own (``kernel/``, built with the jsii compiler into ``_jsii/``) whose static method
``Batch.runText`` makes a list of calls in node and returns their results (the calls as JSON text, see
:func:`_encode`); ``Batch.warm`` has node load modules while Python works (:func:`warm`). The Python binding
below is written by hand, the way jsii-pacmak writes one (an assembly loaded from the package's ``_jsii``, a
class with ``JSIIMeta`` and static members): pacmak would generate a separate package for three methods.

A :class:`Batch` queues operations and returns a :class:`Ref` for each result; a ``Ref`` is an
argument of later operations (node resolves it) and its :attr:`Ref.value` is the Python object once
the batch has run. Reading ``value`` runs the batch first, so code that needs a result before the
end of a construct gets it (one round trip more, never a wrong answer). The calls are the ones the
Python code would make itself, with the same arguments, in the same order: the template is the
same either way.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import stat
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import aws_cdk  # noqa: F401  (aws-cdk-lib is loaded into the kernel before the module that requires it)
import jsii
import jsii.errors

_ASSEMBLY_NAME = "cdk-sagemaker-inference-kernel"
_ASSEMBLY_VERSION = "1.0.0"
_RUNNING = object()
_LOCAL = object()
_KEPT_IN_NODE = "kept in node (a local result): an argument of later calls only"
_CONSTANTS: dict[str, int] = {}
"""The plain values node holds (:meth:`Batch.constant`), by their JSON text: one kernel per process."""
_IDS = itertools.count()
_RUNS = itertools.count()
"""Each run's number: node says what a failed run made only for the run it last received (``Batch.made``)."""
_IMMEDIATE = [False]
_AMBIENT: list[Batch] = []


@contextlib.contextmanager
def construct_batch() -> Iterator[Batch]:
    """A batch for the construct being created (the library's constructors run in one): what it queues is made
    when the constructor returns (not when it raises: a refusal leaves it unmade). For calls whose order
    relative to other calls does not matter (a cdk-nag acknowledgment, a metadata entry of its own key):
    :func:`ambient` finds it."""
    batch = Batch()
    _AMBIENT.append(batch)
    try:
        yield batch
    finally:
        _AMBIENT.pop()
    batch.run()


def ambient() -> Batch | None:
    """The batch of the innermost construct being created, if any (see :func:`construct_batch`)."""
    return _AMBIENT[-1] if _AMBIENT else None


@contextlib.contextmanager
def immediate_calls() -> Iterator[None]:
    """Within: every queued call is made at once (a batch of one), in the order the code reads. The tests
    build apps both ways and compare templates and construct trees: what a batch defers must not change the
    order of what is made (a call made directly while calls are queued before it would)."""
    _IMMEDIATE[0] = True
    try:
        yield
    finally:
        _IMMEDIATE[0] = False


@functools.cache
def _load() -> None:
    """Load the kernel module into the jsii kernel (once per process, when the first batch runs)."""
    jsii.JSIIAssembly.load(_ASSEMBLY_NAME, _ASSEMBLY_VERSION, "cdk_sagemaker_inference",
                           f"{_ASSEMBLY_NAME}@{_ASSEMBLY_VERSION}.jsii.tgz")


class _Kernel(metaclass=jsii.JSIIMeta, jsii_type=f"{_ASSEMBLY_NAME}.Batch"):
    """The binding of ``Batch`` in ``kernel/ts/index.ts``."""

    @jsii.member(jsii_name="runText")
    @classmethod
    def run_text(cls, text: str, held: list[Any], wanted: list[int], run: int) -> list[Any]:
        _load()
        return typing.cast("list[Any]", jsii.sinvoke(cls, "runText", [text, held, wanted, run]))

    @jsii.member(jsii_name="warm")
    @classmethod
    def warm(cls, groups: list[list[str]], cache_dir: str) -> list[str]:
        _load()
        return typing.cast("list[str]", jsii.sinvoke(cls, "warm", [groups, cache_dir]))

    @jsii.member(jsii_name="made")
    @classmethod
    def made(cls, run: int) -> list[Any]:
        return typing.cast("list[Any]", jsii.sinvoke(cls, "made", [run]))


REGION_FACTS = ("region-info/lib/built-ins.generated.js", "aws-cdk-lib.region_info.RegionInfo")
"""The region facts (a DLC image's registry account, an imported bucket's domain): a file of 1.3 MB of JavaScript, one
function that registers every fact, and the module that runs it when it is loaded. Node takes about 60 ms to compile
and run them, about 20 ms with the file's code cache (:func:`code_cache_dir`)."""
METADATA_TABLES = ("core/lib/analytics-data-source/classes.js", "core/lib/analytics-data-source/enums.js")
"""The tables aws-cdk-lib reads when an L2 construct records its props (feature flag
``@aws-cdk/core:enableAdditionalMetadataCollection``, on in a ``cdk init`` app): half a megabyte of JavaScript, loaded
by the first L2 (an endpoint's role, the models' bucket the app imports). Files, not types: aws-cdk-lib does not export
them. About 20 ms, 13 with their code cache."""
FIRST_TYPES = ("aws-cdk-lib.aws_s3.Bucket",)
"""The types :func:`warm` has node load with the files, in its first group: the models' bucket, which an app imports
before its first model."""
WARM_TYPES = (
    "aws-cdk-lib.aws_iam.Role",
    "aws-cdk-lib.aws_sagemaker.CfnModel",
    "aws-cdk-lib.aws_applicationautoscaling.ScalableTarget",
    "aws-cdk-lib.aws_applicationautoscaling.TargetTrackingScalingPolicy",
)
"""The types :func:`warm` has node load after its first group, one between two requests, in the order an endpoint app
first needs them: the models' roles, the SageMaker resources (one module holds them all) and the autoscaling
constructs."""
METADATA_COLLECTION_FLAG = "@aws-cdk/core:enableAdditionalMetadataCollection"
CONTEXT_ENV = "CDK_CONTEXT_JSON"
"""The context the CDK CLI passes an app (cx-api's ``CONTEXT_ENV`` and ``ENABLE_ADDITIONAL_METADATA_COLLECTION``:
constants the Python binding of aws-cdk-lib does not export)."""
CODE_CACHE_ENV = "CDK_SAGEMAKER_INFERENCE_CODE_CACHE"
"""Environment variable: the directory of the V8 code caches (:func:`code_cache_dir`), or ``off``."""


def code_cache_dir() -> str:
    """Where node keeps the code cache of the aws-cdk-lib files it loads once the warm-up has begun (the
    :data:`REGION_FACTS`, the metadata tables, and every module an app's calls and synth load after them), so that a
    later synth on this machine skips compiling them: :data:`CODE_CACHE_ENV`, else
    ``cdk-sagemaker-inference/v8`` in ``$XDG_CACHE_HOME`` (``~/.cache``); an empty string (no cache) when it is
    ``off``, when ``NODE_DISABLE_COMPILE_CACHE`` is set (node's own switch for its compile cache), or when the
    directory cannot be made, is not a directory, or is not the user's own and closed to others (V8 runs what a
    code cache holds: a file another user could write is never read)."""
    setting = os.environ.get(CODE_CACHE_ENV, "")
    if setting.lower() == "off" or os.environ.get("NODE_DISABLE_COMPILE_CACHE"):
        return ""
    try:
        directory = Path(setting) if setting else (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cdk-sagemaker-inference" / "v8")
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = directory.stat()
    except (OSError, RuntimeError):  # (RuntimeError: no home directory)
        return ""
    owner = getattr(os, "getuid", None)
    if not stat.S_ISDIR(status.st_mode) or status.st_mode & 0o022 or (owner is not None and status.st_uid != owner()):
        return ""
    return str(directory)


def warm() -> list[str]:
    """Has node load the aws-cdk-lib modules the constructs need, after answering at once, while Python works. Made once,
    when this module is imported (by the package root when aws-cdk-lib is imported already, else by the first
    construct module).

    Node is idle whenever Python runs (every jsii call waits for its answer), so on a second core a load costs the app
    nothing until the constructs ask for the module. Node makes one group of loads between two requests: the first,
    made while Python imports the rest of the package (about 40 ms), holds what an app's first calls need (the
    :data:`REGION_FACTS`, the :data:`METADATA_TABLES` and the :data:`FIRST_TYPES`: about 40 ms with the files' code
    cache, :func:`code_cache_dir`); then each of the :data:`WARM_TYPES`, where a load still running when Python sends
    its next request delays that request by the rest of it (the loads are ones an endpoint app makes anyway, except
    where it needs no bucket or no autoscaling; an app that exits at once waits for the load in progress). The tables
    are loaded when the context the CDK CLI passes turns metadata collection on, or when no CLI passed one (the app's
    own context cannot be read before its App exists; a ``cdk init`` app has the flag on). From this request on, node
    compiles every aws-cdk-lib file it loads with its code cache (:func:`code_cache_dir`) and writes the cache of a
    file compiled without one: the warm-up's files after their loads, the others when node exits (after the app's
    synth, so that the cache holds the functions compiled while the app ran). Nothing else changes: loading a module
    earlier, or from its code cache, changes no template. Returns the files aws-cdk-lib does not have (skipped; a type that does not resolve is
    skipped in node, where the call that needs it fails as it would have)."""
    given = os.environ.get(CONTEXT_ENV)
    try:
        context = json.loads(given) if given else {}
    except ValueError:
        context = {}  # (the App reports a context it cannot read)
    collects = given is None or (isinstance(context, dict)
                                 and str(context.get(METADATA_COLLECTION_FLAG)).lower() == "true")
    # The files first: one aws-cdk-lib requires before the warm-up reaches it is compiled without its code cache.
    first = [*REGION_FACTS, *(METADATA_TABLES if collects else ()), *FIRST_TYPES]
    return _Kernel.warm([first, *([fqn] for fqn in WARM_TYPES)], code_cache_dir())


_RESULT, _OBJECT, _PATH, _CONSTANT, _HELD = "$batch:r", "$batch:o", "$batch:p", "$batch:c", "$batch:h"
"""The placeholder keys ``kernel/ts/index.ts`` resolves (namespaced: no mapping of the user's data is one)."""


def _encode(operations: list[list[Any]]) -> tuple[str, list[Any]]:
    """``operations`` as JSON text, with the values that are not plain JSON (jsii objects, enums, structs) held
    aside and named in the text by index (``{"$batch:h": i}``), each sent by jsii as it sends any argument.

    jsii's serializers handle a value typed ``any`` value by value on both sides (node formats each value's type
    description for an error message it may never show); for a list of operations that is most of what a batch
    costs in node, and one string is one value. json writes tuples as lists and leaves a value it cannot write to
    ``default``; node makes a null undefined (left out of an object), as jsii's own deserializer does. A
    non-finite number is refused here: it is not JSON, and jsii cannot carry it either (its kernel stops)."""
    held: list[Any] = []
    index: dict[int, int] = {}

    def hold(value: Any) -> dict[str, int]:
        position = index.get(id(value))
        if position is None:
            position = index[id(value)] = len(held)
            held.append(value)
        return {_HELD: position}

    try:
        return json.dumps(operations, default=hold, allow_nan=False, separators=(",", ":")), held
    except ValueError as error:  # (json's reason: a non-finite number)
        raise ValueError(f"cdk-sagemaker-inference: these arguments cannot be passed to aws-cdk-lib: {error}"
                         ) from error


def _send(text: str, held: list[Any], wanted: list[int], run: int) -> list[Any]:
    """Run the operations ``text`` (see :func:`_encode`) in node as run number ``run`` and return the ``wanted``
    results: strings, numbers, booleans and None come back in a JSON text, the objects one by one after it."""
    sent, *objects = _Kernel.run_text(text, held, wanted, run)
    # (A result that is not a string, number, boolean or None is {"$batch:h": i}: the i-th object after the text.)
    return [objects[result[_HELD] - 1] if isinstance(result, dict) else result for result in json.loads(sent)]


class NotMadeError(RuntimeError):
    """A result of a call that was not made: an earlier call of its batch failed (with ``cause``), or its batch is
    running (a callback from node reads it)."""


class _NotMade:
    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def _keep_identity(values: list[Any]) -> list[Any]:
    """``values`` (results node returned) with one Python proxy per node object, each registered in jsii's reference
    map, as jsii registers an object Python creates.

    jsii gives an object made in node a new Python proxy each time it is returned (``node.find_child``,
    ``node.children``, an aspect's visit, the same object twice in one batch) unless one is registered for it: what
    the library made with a batch keeps one proxy, as it did when Python made it (``endpoint.resource is
    endpoint.node.find_child("Resource")``, and the library's memos keyed by object). ``register_reference`` is what
    jsii's own ``create`` calls.
    """
    first: dict[str, Any] = {}
    kept = []
    for value in values:
        reference = getattr(getattr(value, "__jsii_ref__", None), "ref", None)
        if reference is not None:
            if reference not in first:
                first[reference] = value
                jsii._reference_map.register_reference(value)
            value = first[reference]
        kept.append(value)
    return kept


class Ref:
    """The result of an operation of a :class:`Batch` (with ``path``: a property path from it, in jsii names)."""

    __slots__ = ("_batch", "_index", "_path")

    def __init__(self, batch: Batch, index: int, path: tuple[str, ...] = ()) -> None:
        self._batch = batch
        self._index = index
        self._path = path

    def attr(self, *path: str) -> Ref:
        """The property ``path`` of this result (jsii names, e.g. ``"node", "defaultChild?"``: a step ending
        in '?' may be absent)."""
        return Ref(self._batch, self._index, self._path + path)

    @property
    def value(self) -> Any:
        """The Python value (runs the batch first if it has not run)."""
        if self._path:
            return self._batch.get(self).value
        return self._batch.result(self._index)


def _props(props: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (Python names of the jsii struct ``props``) under their jsii names; None values left out, as
    aws-cdk-lib's Python bindings leave out an omitted keyword argument."""
    mapping: Mapping[str, str] = props.__jsii_name_mapping__  # type: ignore[attr-defined]
    unknown = set(values) - set(mapping)
    if unknown:
        raise TypeError(f"{props.__name__} has no field {', '.join(sorted(unknown))}")
    return {mapping[name]: value for name, value in values.items() if value is not None}


def struct(cls: type, **values: Any) -> dict[str, Any]:
    """The jsii struct ``cls`` (e.g. ``CfnEndpointConfig.ProductionVariantProperty``) as the plain mapping node
    receives for it (its jsii field names; None values left out), for an argument of a :class:`Batch` call only.

    The struct class itself checks every field with typeguard when it is built and is sent field by field; the
    library's own checks have validated the values already, and aws-cdk-lib's L1 validators check the mapping at
    synth as they check the struct. A misspelt field is a TypeError."""
    return _props(cls, values)


class Batch:
    """aws-cdk-lib calls queued and made in one jsii round trip by :meth:`run` (or by a ``Ref``'s ``value``)."""

    def __init__(self) -> None:
        self._operations: list[list[Any]] = []
        self._first = 0  # the index of the first queued operation (the ones before it have run)
        self._results: list[Any] = []
        self._after: list[Callable[[], None]] = []
        self._constants: dict[str, int] = {}
        self._local: set[int] = set()  # queued operations whose results stay in node (indexes in the queue)
        self._sent_local: set[int] = set()  # local results sent back all the same (call by call): not readable

    @property
    def pending(self) -> bool:
        """Whether calls are queued."""
        return bool(self._operations)

    def after(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the calls queued so far have been made (at once if none are queued; after a
        failed run, with what was made: reading a result that was not made raises :class:`NotMadeError`)."""
        if self._operations:
            self._after.append(callback)
        else:
            callback()

    def _queue(self, operation: list[Any], *, local: bool = False) -> Ref:
        self._operations.append(operation)
        ref = Ref(self, self._first + len(self._operations) - 1)
        if local and _IMMEDIATE[0]:  # call by call, a local result is sent back (later calls pass it): not readable
            self._sent_local.add(ref._index)
        elif local:
            self._local.add(len(self._operations) - 1)
        if _IMMEDIATE[0]:
            self.run()
        return ref

    def new(self, cls: type, *args: Any, props: type | None = None, **values: Any) -> Ref:
        """``cls(*args, **values)``; ``props``: the jsii struct of the keyword arguments (their jsii names)."""
        wired = [self._wire(a) for a in args]
        if props is not None:
            wired.append(self._wire(_props(props, values)))
        elif values:
            raise TypeError("keyword arguments need props=<the struct class that names them>")
        return self._queue(["new", cls.__jsii_type__, wired])  # type: ignore[attr-defined]

    def call(self, target: Any, method: str, *args: Any, props: type | None = None, optional: bool = False,
             local: bool = False, **values: Any) -> Ref:
        """``target.<method>(*args, **values)`` (``method``: its jsii name); ``props`` as in :meth:`new`;
        ``optional``: nothing (a None result) when ``target`` is absent. Default: False. ``local``: the result
        stays in node, an argument of later calls only (a list of every construct of a stack, which would cost
        a Python proxy per element to send back); reading its ``value`` raises. Default: False."""
        wired = [self._wire(a) for a in args]
        if props is not None:
            wired.append(self._wire(_props(props, values)))
        elif values:
            raise TypeError("keyword arguments need props=<the struct class that names them>")
        return self._queue(["call?" if optional else "call", self._wire(target), method, wired], local=local)

    def static(self, cls: type, method: str, *args: Any) -> Ref:
        """The static method ``cls.<method>(*args)`` (``method``: its jsii name)."""
        return self._queue(["static", cls.__jsii_type__, method,  # type: ignore[attr-defined]
                            [self._wire(a) for a in args]])

    def get(self, value: Ref) -> Ref:
        """``value`` (a property path of a result) as a result of its own."""
        return self._queue(["get", self._wire(value)])

    def count(self, items: Ref, cls: type, predicate: str) -> Ref:
        """How many elements of ``items`` (a list result) the static method ``cls.<predicate>`` (its jsii name, e.g.
        ``CfnResource``, ``"isCfnResource"``) holds for: counted in node, so the elements are never sent to Python."""
        return self._queue(["count", self._wire(items), cls.__jsii_type__, predicate])  # type: ignore[attr-defined]

    def concat(self, *parts: Any) -> Ref:
        """The strings ``parts`` (texts and results) joined."""
        return self._queue(["concat", [self._wire(p) for p in parts]])

    def constant(self, value: Any) -> dict[str, int]:
        """``value`` (plain JSON: texts, numbers, lists, mappings) as an argument that is sent to node once per
        process; each use is a copy. For values many constructs pass alike (an acknowledgment's reasons): the
        serialization of a value costs on both sides of every round trip that carries it."""
        text = json.dumps(value, sort_keys=True)
        ident = _CONSTANTS.get(text, self._constants.get(text))
        if ident is None:
            ident = self._constants[text] = next(_IDS)
            self._queue(["const", ident, value])
        return {_CONSTANT: ident}

    def of(self, target: Any, *path: str) -> Any:
        """The property ``path`` of ``target`` (an object or a result) as an argument (jsii names)."""
        return target.attr(*path) if isinstance(target, Ref) else {_OBJECT: target, _PATH: list(path)}

    def _wire(self, value: Any) -> Any:
        if isinstance(value, Ref):
            if value._batch is not self:  # a result of another batch: its value (that batch runs first)
                return value.value
            if value._index >= self._first:  # queued: node resolves it
                wired: dict[str, Any] = {_RESULT: value._index - self._first}
                if value._path:
                    wired[_PATH] = list(value._path)
                return wired
            ran = self._made(value._index)
            # (jsii drops a mapping's null entries: an absent result stays None, not a path from nothing.)
            return {_OBJECT: ran, _PATH: list(value._path)} if value._path and ran is not None else ran
        if isinstance(value, (list, tuple)):
            return [self._wire(v) for v in value]
        if isinstance(value, dict):
            if _OBJECT in value or _CONSTANT in value:  # from of() or constant(): already wired
                return value
            return {k: self._wire(v) for k, v in value.items()}
        return value

    def run(self) -> None:
        """Make the queued calls (one round trip); nothing when none are queued. A non-finite number among the
        arguments is a ValueError, and nothing is sent."""
        if not self._operations:
            return
        text, held = _encode(self._operations)
        operations, self._operations = self._operations, []
        constants, self._constants = self._constants, {}
        local, self._local = self._local, set()
        self._results.extend([_RUNNING] * len(operations))
        first, self._first = self._first, self._first + len(operations)
        callbacks, self._after = self._after, []
        run = next(_RUNS)
        try:
            wanted = [index for index in range(len(operations)) if index not in local]
            results = _send(text, held, wanted, run)
            if local:  # (in order: the wanted results, a marker where one stayed in node)
                sent = iter(results)
                results = [_LOCAL if index in local else next(sent) for index in range(len(operations))]
        except (RuntimeError, jsii.errors.JSIIError) as error:  # (aws-cdk-lib's errors are RuntimeError, as for a
            # direct call; JSIIError: the kernel's own faults)
            # What was made before the failing call is kept, as it would have been call by call; what was not
            # says so when read. The callbacks record what was made (one reading a result not made stops).
            # (Nothing when jsii refused an argument before sending: node's last run is another one.)
            made = _keep_identity([_LOCAL if index in local else value
                                   for index, value in enumerate(_Kernel.made(run))])
            self._results[first:] = [*made, *([_NotMade(error)] * (len(operations) - len(made)))]
            for callback in callbacks:
                with contextlib.suppress(NotMadeError):
                    callback()
            raise
        _CONSTANTS.update(constants)  # (after a failure, a value is sent again: node may not have it)
        self._results[first:] = _keep_identity(results)
        for callback in callbacks:
            callback()

    def result(self, index: int) -> Any:
        """The Python value of operation ``index`` (runs the batch first if it is queued)."""
        if index in self._sent_local:
            raise NotMadeError(_KEPT_IN_NODE)
        return self._made(index)

    def _made(self, index: int) -> Any:
        """:meth:`result`, a local result sent back call by call included (for wiring it into a later call)."""
        if index >= self._first:
            self.run()
        value = self._results[index]
        if isinstance(value, _NotMade):
            raise NotMadeError(f"not made: an earlier call of its batch failed ({value.error})") from value.error
        if value is _RUNNING:
            raise NotMadeError("not made yet: its batch is running (read from a callback of one of its calls)")
        if value is _LOCAL:
            raise NotMadeError(_KEPT_IN_NODE)
        return value


with contextlib.suppress(jsii.errors.JSIIError):  # (the kernel did not load: the first batch loads it again and
    warm()  # raises what failed)
