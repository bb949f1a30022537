"""The API reference is generated from the docstrings (``make docs``): every public symbol must have one,
and every constructor parameter of a construct must say its default.

Public means: named in the ``__all__`` of the package root (and of the public toolkit modules below);
for a class, also its public methods and properties, including those it inherits from this package's
own base classes. Constants (``CONSTRAINTS``, ``METADATA_KEY``, enum members) are data, documented
where they are defined. A failure lists exactly what is missing, one line per symbol.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from constructs import Construct

import cdk_sagemaker_inference

PACKAGE = cdk_sagemaker_inference.__name__
from cdk_sagemaker_inference.typecheck import is_checked  # noqa: E402

MODULES = [PACKAGE, f"{PACKAGE}.testing", f"{PACKAGE}.advisor", f"{PACKAGE}.cli", f"{PACKAGE}.client"]
"""Modules whose ``__all__`` is public API (the root re-exports the constructs)."""

CONTEXT_PARAMS = {"self", "scope", "construct_id"}
PARAM_ENTRY = re.compile(r":param (\w+):(.*?)(?=\n\s*:(?:param|raises|returns|return|type)\b|\Z)", re.S)
SAYS_DEFAULT = re.compile(r"\b(default|required)\b", re.I)


def _public(module: ModuleType) -> Iterator[tuple[str, Any]]:
    for name in module.__all__:
        yield f"{module.__name__}.{name}", getattr(module, name)


def _own_doc(obj: Any) -> str:
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return (doc or "").strip()


def _members(cls: type) -> Iterator[tuple[str, str, Callable[..., Any] | property]]:
    """Public methods and properties of ``cls`` defined by this package (most derived first)."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith(PACKAGE):
            continue
        for attr, value in vars(klass).items():
            if attr.startswith("_") or attr in seen:
                continue
            seen.add(attr)
            if isinstance(value, staticmethod | classmethod):
                yield attr, "method", value.__func__
            elif isinstance(value, property):
                yield attr, "property", value
            elif inspect.isfunction(value):
                yield attr, "method", value


def missing_docstrings(modules: list[str]) -> list[str]:
    """One line per public class, function, method or property without a docstring."""
    missing: list[str] = []
    done: set[int] = set()
    for module_name in modules:
        for name, obj in _public(importlib.import_module(module_name)):
            if id(obj) in done:
                continue
            done.add(id(obj))
            if inspect.isclass(obj):
                if not _own_doc(obj):
                    missing.append(f"{name}: class has no docstring")
                for attr, kind, member in _members(obj):
                    if not _own_doc(member):
                        missing.append(f"{name}.{attr}: {kind} has no docstring")
            elif inspect.isfunction(obj) and not _own_doc(obj):
                missing.append(f"{name}: function has no docstring")
    return missing


def _constructs(modules: list[str]) -> Iterator[tuple[str, type]]:
    for module_name in modules:
        for name, obj in _public(importlib.import_module(module_name)):
            if inspect.isclass(obj) and issubclass(obj, Construct) and not issubclass(obj, enum.Enum):
                yield name, obj


def undocumented_parameters(modules: list[str]) -> list[str]:
    """One line per constructor parameter of a public construct that is not documented with its default."""
    missing: list[str] = []
    for name, cls in _constructs(modules):
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        entries = {m.group(1): m.group(2) for m in PARAM_ENTRY.finditer(inspect.getdoc(init) or "")}
        for param in inspect.signature(init).parameters.values():
            if param.name in CONTEXT_PARAMS or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                continue
            text = entries.get(param.name)
            if text is None:
                missing.append(f"{name}({param.name}=...): no ':param {param.name}:' entry in __init__'s docstring")
            elif not SAYS_DEFAULT.search(text):
                missing.append(f"{name}({param.name}=...): ':param {param.name}:' does not state the default "
                               f"('Default: ...', 'No default' or 'required')")
    return missing


def test_every_public_symbol_has_a_docstring() -> None:
    missing = missing_docstrings(MODULES)
    assert missing == [], "public API without a docstring:\n  " + "\n  ".join(missing)


def test_every_construct_parameter_states_its_default() -> None:
    missing = undocumented_parameters(MODULES)
    assert missing == [], "construct parameters without a documented default:\n  " + "\n  ".join(missing)


def test_the_constructs_are_checked() -> None:
    """The check above sees the constructs (a wrong filter would make it pass on nothing)."""
    names = {name.rsplit(".", 1)[1] for name, _ in _constructs(MODULES)}
    assert {"InferenceModel", "ServerlessEndpoint"} <= names


# --------------------------------------------------------------------------- the checks themselves
class _Documented:
    """A documented class."""

    def method(self) -> None:
        """A documented method."""

    @property
    def value(self) -> int:
        """A documented property."""
        return 1


class _Undocumented(_Documented):
    def other(self) -> None:
        pass

    @property
    def size(self) -> int:
        return 1

    @staticmethod
    def make() -> None:
        pass


def _module(**symbols: Any) -> ModuleType:
    module = ModuleType(f"{PACKAGE}._doc_check_example")
    for obj in symbols.values():
        if inspect.isclass(obj) or inspect.isfunction(obj):
            obj.__module__ = module.__name__
    module.__dict__.update(symbols)
    module.__all__ = list(symbols)  # type: ignore[attr-defined]
    return module


def test_the_docstring_check_finds_what_is_missing(monkeypatch: Any) -> None:
    def bare() -> None:
        pass

    module = _module(Documented=_Documented, Undocumented=_Undocumented, bare=bare)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert missing_docstrings([module.__name__]) == [
        f"{module.__name__}.Undocumented: class has no docstring",
        f"{module.__name__}.Undocumented.other: method has no docstring",
        f"{module.__name__}.Undocumented.size: property has no docstring",
        f"{module.__name__}.Undocumented.make: method has no docstring",
        f"{module.__name__}.bare: function has no docstring",
    ]


class _Example(Construct):
    """An example construct."""

    def __init__(self, scope: Construct, construct_id: str, *, size: int, color: str = "red",
                 shape: str | None = None, name: str | None = None) -> None:
        """Define it.

        :param size: how big. No default.
        :param color: which color.
        :param name: the name. Default: chosen by CloudFormation.
        """
        super().__init__(scope, construct_id)


def test_the_parameter_check_finds_what_is_missing(monkeypatch: Any) -> None:
    module = _module(Example=_Example)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert undocumented_parameters([module.__name__]) == [
        f"{module.__name__}.Example(color=...): ':param color:' does not state the default "
        "('Default: ...', 'No default' or 'required')",
        f"{module.__name__}.Example(shape=...): no ':param shape:' entry in __init__'s docstring",
    ]


# --------------------------------------------------------------------------- make docs
def _doc_modules() -> list[str]:
    """The modules ``make docs`` renders (the Makefile's DOC_MODULES: one list for both)."""
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    match = re.search(r"^DOC_MODULES :=(.*)$", makefile, re.M)
    assert match, "the Makefile defines DOC_MODULES"
    return match.group(1).split()


def test_make_docs_renders_every_public_module_without_warnings(tmp_path: Path) -> None:
    import pdoc
    import pdoc.render

    modules = _doc_modules()
    assert set(MODULES) <= set(modules)
    pdoc.render.configure(docformat="restructuredtext")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*modules, output_directory=tmp_path)
    assert [str(w.message) for w in caught] == []
    for module in modules:
        assert (tmp_path / (module.replace(".", "/") + ".html")).is_file(), module
    root = (tmp_path / f"{PACKAGE}.html").read_text()
    assert "ServerlessEndpoint" in root and "memory_size_mb" in root
    # The reference follows the groups: every construct is rendered before any enum.
    first_enum = min(root.index(f'id="{name}"') for name in _root_groups()["Enums"])
    assert max(root.index(f'id="{name}"') for name in _root_groups()["Constructs"]) < first_enum
    testing = (tmp_path / PACKAGE / "testing.html").read_text()
    assert "normalise_template" in testing and "assert_all_endpoints_serverless" in testing


def test_architecture_has_a_diagram_per_construct() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    for construct in ("ServerlessEndpoint", "RealtimeEndpoint", "AsyncEndpoint", "BatchTransformJob"):
        assert "```mermaid\nflowchart" in sections.get(construct, ""), construct


def test_the_root_re_exports_every_construct_name() -> None:
    """The root's ``__all__`` and TYPE_CHECKING imports are written out (the constructs load lazily):
    a name exported by ``constructs`` but forgotten at the root fails here, with its name."""
    from cdk_sagemaker_inference import constructs

    internal = {"EndpointBase"}  # the endpoints' base class, public only to subclass in this package
    missing = set(constructs.__all__) - set(cdk_sagemaker_inference.__all__) - internal
    assert not missing, f"exported by constructs but not by the package root: {sorted(missing)}"
    assert all(getattr(cdk_sagemaker_inference, name) is getattr(constructs, name)
               for name in set(constructs.__all__) - internal)


def _root_groups() -> dict[str, list[str]]:
    """The root docstring's sections (``Title`` underlined with dashes), each with the names it lists."""
    doc = cdk_sagemaker_inference.__doc__ or ""
    sections = re.findall(r"^(\S[^\n]*)\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    return {title: re.findall(r"``([\w.]+)``", body.split("\n\n", 1)[-1]) for title, body in sections}


def test_the_reference_is_grouped_and_complete() -> None:
    """The root docstring groups every exported name exactly once, in the order of ``__all__`` (which
    is the order pdoc renders); its Modules section lists exactly the modules ``make docs`` renders."""
    groups = _root_groups()
    assert list(groups)[:3] == ["Constructs", "Props", "Enums"]
    listed = [name for title, names in groups.items() if title != "Modules" for name in names]
    assert listed == list(cdk_sagemaker_inference.__all__), "group the names in the docstring as in __all__"
    modules = [name for name in groups["Modules"] if name.startswith(f"{PACKAGE}.")]
    assert modules == _doc_modules()[1:]
    assert set(MODULES) <= set(_doc_modules())


def test_the_group_reader_sees_a_forgotten_name(monkeypatch: Any) -> None:
    doc = cdk_sagemaker_inference.__doc__ or ""
    monkeypatch.setattr(cdk_sagemaker_inference, "__doc__", doc.replace("``RealtimeEndpoint``, ", ""))
    assert "RealtimeEndpoint" not in _root_groups()["Constructs"]
    assert "ServerlessEndpoint" in _root_groups()["Constructs"]


def _field_docs(cls: type) -> dict[str, str | None]:
    """A dataclass's attribute docstrings (the string literal after each annotated field), base classes first."""
    import ast
    import textwrap

    docs: dict[str, str | None] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith(PACKAGE):
            continue
        body = ast.parse(textwrap.dedent(inspect.getsource(klass))).body[0].body  # type: ignore[attr-defined]
        for index, node in enumerate(body):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                following = body[index + 1] if index + 1 < len(body) else None
                docs[node.target.id] = (following.value.value if isinstance(following, ast.Expr) and isinstance(
                    following.value, ast.Constant) and isinstance(following.value.value, str) else None)
    return docs


def undocumented_fields(modules: list[str]) -> list[str]:
    """One line per field of a public props dataclass whose docstring does not state its default."""
    import dataclasses

    missing: list[str] = []
    done: set[int] = set()
    for module_name in modules:
        for name, obj in _public(importlib.import_module(module_name)):
            # Props classes (``props_class``: users build them to pass to a construct), not results (Finding, Problem).
            if not (inspect.isclass(obj) and dataclasses.is_dataclass(obj) and is_checked(obj)) or id(obj) in done:
                continue
            done.add(id(obj))
            docs = _field_docs(obj)
            for field in dataclasses.fields(obj):
                if not field.init:
                    continue
                text = docs.get(field.name)
                if text is None:
                    missing.append(f"{name}.{field.name}: no docstring")
                elif not SAYS_DEFAULT.search(text):
                    missing.append(f"{name}.{field.name}: does not state the default ('Default: ...' or 'No default')")
    return missing


def test_every_props_field_states_its_default() -> None:
    """Found by review: required fields (ProvisionedConcurrencyScaling.min_capacity, AsyncS3Location.bucket, ...) did
    not say they have no default; constructors were checked (above), their props classes were not."""
    missing = undocumented_fields(MODULES)
    assert missing == [], "props fields without a documented default:\n  " + "\n  ".join(missing)


def test_the_fields_are_checked() -> None:
    """The check above sees the props classes' fields (a wrong filter would make it pass on nothing)."""
    import dataclasses

    import cdk_sagemaker_inference as lib

    assert "min_capacity" in _field_docs(lib.ProvisionedConcurrencyScaling)
    assert dataclasses.is_dataclass(lib.ProvisionedConcurrencyScaling) and is_checked(lib.ProvisionedConcurrencyScaling)
    assert not is_checked(lib.Finding)
