"""Generated models (images, model data, environments, containers, VPC) for every endpoint construct.

A generated value is a small description (a frozen dataclass or a plain value) that knows two
things: how to build the aws-cdk objects the construct takes (``build``), and what the
resulting SageMaker API request should contain (``request``), written from the API reference,
not from the library. ``Tok`` stands for an unresolved token (a ``CfnParameter`` value).
"""

from __future__ import annotations

import contextlib
import itertools
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnParameter, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from botocore.model import Shape
from hypothesis import strategies as st
from prop_cfn import ACCOUNT, REGION, placeholder_for

from cdk_sagemaker_inference import (
    Accelerator,
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    InferenceExecutionMode,
    InferenceModel,
    ModelData,
    ModelPackage,
    RepositoryAccessMode,
)
from oracles import ModelFacts

# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Tok:
    """An unresolved token: a CfnParameter of this type."""

    type: str = "String"  # or "Number"

    def build(self, stack: Stack) -> Any:
        number = next_id(stack)
        parameter = CfnParameter(stack, f"Token{number}", type=self.type)
        return parameter.value_as_number if self.type == "Number" else parameter.value_as_string


_IDS: weakref.WeakKeyDictionary[Stack, itertools.count[int]] = weakref.WeakKeyDictionary()


def next_id(stack: Stack) -> int:
    """A number for a construct id, counted per stack: an example built twice (the harness builds a refused one
    again without the construct under test) gets the same ids, so the two templates compare."""
    return next(_IDS.setdefault(stack, itertools.count()))


def value(stack: Stack, given: Any) -> Any:
    """A generated plain value for the construct (tokens become CfnParameter values)."""
    if isinstance(given, Tok):
        return given.build(stack)
    if isinstance(given, list):
        return [value(stack, v) for v in given]
    return given


def fill_tokens(params: Any, shape: Shape | None) -> Any:
    """Replace ``Tok`` in an expected request by a placeholder valid for its API field."""
    if isinstance(params, Tok):
        return placeholder_for(shape)
    if isinstance(params, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return [fill_tokens(v, member) for v in params]
    if isinstance(params, dict):
        result = {}
        for key, item in params.items():
            member = None
            if shape is not None and shape.type_name == "structure":
                member = shape.members.get(key)
            elif shape is not None and shape.type_name == "map":
                member = shape.value
            result[key] = fill_tokens(item, member)
        return result
    return params


class Wrong:
    """A value of the wrong Python type, shown as its repr."""

    def __init__(self, given: Any) -> None:
        self.given = given

    def __repr__(self) -> str:
        return f"Wrong({self.given!r})"


# --------------------------------------------------------------------------- weighted choice


class _Draw:
    clean = False
    """While True (see :func:`clean_examples`), every ``field_of`` draws its valid branch."""


def field_of(valid: st.SearchStrategy[Any], *others: st.SearchStrategy[Any], weight: int = 4) -> st.SearchStrategy[Any]:
    """Mostly ``valid``; otherwise one of ``others`` (edges, out-of-range, wrong types, tokens).

    Shrinks towards ``valid``.
    """
    if not others:
        return valid
    return st.integers(min_value=0, max_value=weight + len(others) - 1).flatmap(
        lambda i: valid if i < weight or _Draw.clean else others[i - weight])


@contextlib.contextmanager
def clean_examples(draw: st.DrawFn, share: float = 0.4) -> Iterator[None]:
    """Draw a whole example from the valid branches only, ``share`` of the time (the rest of the
    time every field may go wrong): enough accepted examples to exercise the template checks."""
    previous = _Draw.clean
    _Draw.clean = draw(st.integers(min_value=0, max_value=99)) >= round(100 * (1 - share))
    try:
        yield
    finally:
        _Draw.clean = previous


def wrong_types(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


# --------------------------------------------------------------------------- images

_ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
_DLC_ACCOUNT = "763104351884"  # aws-cdk-lib's DLC_REPOSITORY_ACCOUNT fact for us-east-1


@dataclass(frozen=True)
class Image:
    """A ContainerImage factory call."""

    factory: str  # "uri" | "dlc" | "ecr" | "token"
    name: str
    tag: str = "latest"
    accelerated: bool = False
    declare: bool = False
    """Pass ``accelerator=`` explicitly (the tag does not say)."""

    def build(self, stack: Stack) -> ContainerImage:
        accelerator = Accelerator.GPU if (self.declare and self.accelerated) else None
        if self.factory == "dlc":
            return ContainerImage.from_dlc(self.name, self.tag, accelerator=accelerator)
        if self.factory == "ecr":
            repository = ecr.Repository.from_repository_name(stack, f"Repo{next_id(stack)}", self.name)
            return ContainerImage.from_ecr_repository(repository, self.tag, accelerator=accelerator)
        if self.factory == "token":
            return ContainerImage.from_uri(Tok().build(stack))
        return ContainerImage.from_uri(self.name, accelerator=accelerator)

    def uri(self) -> Any:
        if self.factory == "dlc":
            return f"{_DLC_ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{self.name}:{self.tag}"
        if self.factory == "ecr":
            return f"{_ECR}/{self.name}:{self.tag}"
        if self.factory == "token":
            return Tok()
        return self.name


CPU_IMAGES = (
    Image("dlc", "pytorch-inference", "2.3.0-cpu-py311"),
    Image("uri", f"{_ECR}/infer:2.0-cpu-py311"),
    Image("ecr", "my-models", "v1"),
)
ACCELERATED_IMAGES = (
    Image("dlc", "pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu22.04-sagemaker", accelerated=True),
    Image("dlc", "huggingface-pytorch-inference-neuronx", "1.13.1-neuronx-py310-sdk2.18.0-ubuntu20.04",
          accelerated=True),
    Image("uri", f"{_ECR}/custom-llm:1.0", accelerated=True, declare=True),
)
EDGE_IMAGES = (
    Image("uri", f"{_ECR}/" + "r" * (255 - len(_ECR) - 3) + ":1"),  # exactly 255 characters
    Image("token", ""),
)
BAD_IMAGES = (
    Image("uri", f"{_ECR}/" + "r" * (256 - len(_ECR) - 3) + ":1"),  # 256 characters
    Image("uri", f"{_ECR}/with space:1"),
    Image("uri", ""),
    Image("ecr", "my-models", "v 1"),
)

images = field_of(st.sampled_from(CPU_IMAGES), st.sampled_from(ACCELERATED_IMAGES), st.sampled_from(EDGE_IMAGES),
                  st.sampled_from(BAD_IMAGES), wrong_types(Wrong("ecr-uri-as-str")), weight=5)
cpu_images = field_of(st.sampled_from(CPU_IMAGES), st.sampled_from(EDGE_IMAGES), weight=6)


# --------------------------------------------------------------------------- model data


@dataclass(frozen=True)
class Data:
    """A ModelData factory call."""

    factory: str  # "bucket" | "uncompressed" | "created" | "token-bucket"
    key: Any = "models/model.tar.gz"

    def build(self, stack: Stack) -> ModelData:
        suffix = next_id(stack)
        if self.factory == "created":
            bucket: s3.IBucket = s3.Bucket(stack, f"ModelBucket{suffix}", enforce_ssl=True)
        elif self.factory == "token-bucket":
            bucket = s3.Bucket.from_bucket_name(stack, f"Models{suffix}", Tok().build(stack))
        else:
            bucket = s3.Bucket.from_bucket_name(stack, f"Models{suffix}", "my-models")
        if self.factory == "uncompressed":
            return ModelData.from_uncompressed_prefix(bucket, self.key)
        return ModelData.from_bucket(bucket, self.key)

    @property
    def uncompressed(self) -> bool:
        return self.factory == "uncompressed"

    def url(self) -> Any:
        if self.factory == "token-bucket":
            return Tok()
        bucket = "placeholder-bucket" if self.factory == "created" else "my-models"
        key = self.key
        if self.uncompressed and isinstance(key, str) and not key.endswith("/"):
            key += "/"
        return f"s3://{bucket}/{key}"


model_data = field_of(
    st.sampled_from((None, Data("bucket"), Data("created"))),
    st.sampled_from((Data("uncompressed", "llm/weights"), Data("token-bucket"), Data("bucket", "m/model.bin"),
                     Data("bucket", "k" * (1024 - len("s3://my-models/") - 7) + ".tar.gz"),
                     Data("bucket", "k" * (1025 - len("s3://my-models/") - 7) + ".tar.gz"))),
    weight=5,
)


# --------------------------------------------------------------------------- environments

_env_key = st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True)
_env_value = st.text(alphabet="abcxyz0123456789/-._ ", max_size=20)
_valid_env = st.dictionaries(_env_key, _env_value, max_size=4)
_edge_env = st.sampled_from((
    {f"K{i}": "v" for i in range(100)},                          # 100 entries
    {"K": "v" * 1024},                                            # longest value
    {f"K{i}": "v" * 1000 for i in range(31)},                     # ~31 KB in all
))
_bad_env = st.sampled_from((
    {f"K{i}": "v" for i in range(101)},                          # 101 entries
    {"K": "v" * 1025},                                            # value too long
    {"1BAD": "v"},                                                # key pattern
    {"BAD-KEY": "v"},
    {f"K{i}": "v" * 1000 for i in range(34)},                     # > 32 KB in all
    {"K": Wrong(5)},                                              # value of the wrong type
    {Wrong(7): "v"},                                              # key of the wrong type
))
environments = field_of(st.one_of(st.none(), _valid_env), _edge_env, _bad_env,
                        wrong_types(Wrong(["A=b"]), Wrong("A=b")), weight=6)


def plain(given: Any) -> Any:
    """Unwrap ``Wrong`` markers (the construct gets the raw wrong value)."""
    if isinstance(given, Wrong):
        return given.given
    if isinstance(given, dict):
        return {plain(k): plain(v) for k, v in given.items()}
    if isinstance(given, list):
        return [plain(v) for v in given]
    return given


# --------------------------------------------------------------------------- containers and models


@dataclass(frozen=True)
class Container:
    image: Any = None
    data: Any = None
    environment: Any = None
    mode: Any = None  # ContainerMode value name, or Wrong
    hostname: Any = None
    access_mode: Any = None  # "Platform" | "Vpc" | Wrong
    package: Any = None

    def build(self, stack: Stack) -> ContainerDefinition:
        kwargs: dict[str, Any] = {}
        if self.image is not None:
            kwargs["image"] = self.image.build(stack) if isinstance(self.image, Image) else plain(self.image)
        if self.data is not None:
            kwargs["model_data"] = self.data.build(stack) if isinstance(self.data, Data) else plain(self.data)
        if self.environment is not None:
            kwargs["environment"] = plain(self.environment)
        if self.mode is not None:
            kwargs["mode"] = ContainerMode(self.mode) if isinstance(self.mode, str) else plain(self.mode)
        if self.hostname is not None:
            kwargs["container_hostname"] = value(stack, plain(self.hostname))
        if self.access_mode is not None:
            kwargs["repository_access_mode"] = (RepositoryAccessMode(self.access_mode)
                                                if isinstance(self.access_mode, str) else plain(self.access_mode))
        if isinstance(self.package, str):
            kwargs["model_package"] = (ModelPackage.from_registry_version_arn(self.package)
                                       if re.search(r"/[0-9]+$", self.package) else ModelPackage.from_marketplace(self.package))
        elif self.package is not None:
            kwargs["model_package"] = plain(self.package)
        return ContainerDefinition(**kwargs)

    def request(self) -> dict[str, Any]:
        """The ContainerDefinition of CreateModel (Wrong values go in as they are: botocore judges)."""
        out: dict[str, Any] = {}
        if self.image is not None:  # a Wrong object stays in: botocore reports its type
            out["Image"] = self.image.uri() if isinstance(self.image, Image) else self.image
        if isinstance(self.data, Data):
            if self.data.uncompressed:
                out["ModelDataSource"] = {"S3DataSource": {"S3Uri": self.data.url(), "S3DataType": "S3Prefix",
                                                           "CompressionType": "None"}}
            else:
                out["ModelDataUrl"] = self.data.url()
        elif self.data is not None:
            out["ModelDataUrl"] = self.data
        if self.environment or (self.environment is not None and not isinstance(self.environment, dict)):
            out["Environment"] = self.environment
        if self.mode is not None and self.mode != "SingleModel":
            out["Mode"] = self.mode
        if self.hostname is not None:
            out["ContainerHostname"] = self.hostname
        if self.access_mode is not None and self.access_mode != "Platform":
            out["ImageConfig"] = {"RepositoryAccessMode": self.access_mode}
        if self.package is not None:
            out["ModelPackageName"] = self.package
        return out


@dataclass(frozen=True)
class Vpc:
    subnets: int
    security_groups: int | None = None

    def build(self, stack: Stack, prefix: str = "") -> dict[str, Any]:
        zones = [f"{REGION}{chr(97 + i % 26)}{i // 26 or ''}" for i in range(max(self.subnets, 1))]
        vpc = ec2.Vpc.from_vpc_attributes(
            stack, f"{prefix}Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=zones,
            private_subnet_ids=[f"subnet-{i:017x}" for i in range(self.subnets)] or None)
        kwargs: dict[str, Any] = {"vpc": vpc}
        if self.security_groups is not None:
            kwargs["security_groups"] = [
                ec2.SecurityGroup.from_security_group_id(stack, f"{prefix}Sg{i}", f"sg-{i:017x}")
                for i in range(self.security_groups)]
        return kwargs

    def request(self) -> dict[str, Any]:
        groups = 1 if self.security_groups is None else self.security_groups
        return {"Subnets": [f"subnet-{i:017x}" for i in range(self.subnets)],
                "SecurityGroupIds": [f"sg-{i:017x}" for i in range(groups)]}


@dataclass(frozen=True)
class Model:
    """An InferenceModel: one container through image/model_data/environment, or ``containers``."""

    containers: tuple[Container, ...]
    as_list: bool = False
    execution_mode: Any = None  # "Serial" | "Direct" | Wrong
    vpc: Vpc | None = None
    isolation: Any = False
    imported_role: bool = False

    def build(self, stack: Stack, construct_id: str = "Model") -> InferenceModel:
        kwargs: dict[str, Any] = {}
        if self.as_list:
            kwargs["containers"] = [c.build(stack) for c in self.containers]
        else:
            only = self.containers[0]
            if only.image is not None:
                kwargs["image"] = only.image.build(stack) if isinstance(only.image, Image) else plain(only.image)
            if only.data is not None:
                kwargs["model_data"] = only.data.build(stack)
            if only.environment is not None:
                kwargs["environment"] = plain(only.environment)
        if self.execution_mode is not None:
            kwargs["inference_execution_mode"] = (InferenceExecutionMode(self.execution_mode)
                                                  if isinstance(self.execution_mode, str)
                                                  else plain(self.execution_mode))
        if self.vpc is not None:
            kwargs.update(self.vpc.build(stack, construct_id))
        if self.isolation is not False:
            kwargs["network_isolation"] = plain(self.isolation)
        if self.imported_role:
            kwargs["role"] = iam.Role.from_role_arn(stack, f"{construct_id}ImportedRole", f"arn:aws:iam::{ACCOUNT}:role/inference",
                                                    mutable=False)
        return InferenceModel(stack, construct_id, **kwargs)

    def request(self, name: str = "m-model") -> dict[str, Any]:
        out: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/model-role"}
        rendered = [c.request() for c in self.containers]
        if len(rendered) == 1:
            out["PrimaryContainer"] = rendered[0]
        else:
            out["Containers"] = rendered
        if self.execution_mode is not None:
            out["InferenceExecutionConfig"] = {"Mode": self.execution_mode}
        if self.vpc is not None:
            out["VpcConfig"] = self.vpc.request()
        if self.isolation is not False:
            out["EnableNetworkIsolation"] = self.isolation
        return out

    def facts(self) -> ModelFacts:
        return ModelFacts(accelerated_images=tuple(
            isinstance(c.image, Image) and c.image.accelerated and c.image.declare for c in self.containers))


_hostnames = field_of(st.none() | st.sampled_from(("primary", "secondary", "c-3")),
                      st.sampled_from(("bad_host", "h" * 64)), st.just(Tok()), wrong_types(Wrong(5)), weight=6)
_modes = field_of(st.sampled_from((None, "SingleModel")), st.just("MultiModel"), wrong_types(Wrong("MultiModel")),
                  weight=6)
_access = field_of(st.sampled_from((None, "Platform")), st.just("Vpc"), wrong_types(Wrong("Vpc")), weight=6)
_packages = field_of(st.none(), st.sampled_from(("arn:aws:sagemaker:us-east-1:865070037744:model-package/some-package",
                                                  "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3")),
                     wrong_types(Wrong(5)), weight=8)


@st.composite
def containers(draw: st.DrawFn, image_strategy: st.SearchStrategy[Any] = images) -> Container:
    package = draw(_packages)
    image = None if package is not None and draw(st.booleans()) else draw(image_strategy)
    if package is None and draw(field_of(st.just(False), st.just(True), weight=20)):
        image = None  # neither an image nor a model package
    data = draw(model_data)
    mode = draw(_modes)
    if mode == "MultiModel" and isinstance(data, Data) and draw(st.booleans()):
        data = Data("bucket", "many/")
    return Container(image=image, data=data, environment=draw(environments), mode=mode,
                     hostname=draw(_hostnames), access_mode=draw(_access), package=package)


@st.composite
def simple_containers(draw: st.DrawFn, image_strategy: st.SearchStrategy[Any] = images) -> Container:
    return Container(image=draw(image_strategy), data=draw(model_data), environment=draw(environments))


_vpcs = field_of(st.none(), st.builds(Vpc, st.integers(1, 3), st.none() | st.integers(1, 2)),
                 st.sampled_from((Vpc(16), Vpc(17), Vpc(0), Vpc(2, 0), Vpc(2, 5), Vpc(2, 6))), weight=6)
_isolation = field_of(st.just(False), st.just(True), wrong_types(Wrong("yes")), weight=6)
_execution_modes = field_of(st.none(), st.sampled_from(("Serial", "Direct")), wrong_types(Wrong("Serial")), weight=3)


@st.composite
def models(draw: st.DrawFn, image_strategy: st.SearchStrategy[Any] = images) -> Model:
    """Mostly single-container models; sometimes pipelines and odd ones."""
    as_list = draw(field_of(st.just(False), st.just(True), weight=3))
    if as_list:
        count = draw(field_of(st.integers(1, 3), st.sampled_from((0, 15, 16)), weight=6))
        parts = tuple(draw(containers(image_strategy)) for _ in range(min(count, 16)))
        if count > 3:  # keep big pipelines cheap: copies of one container
            parts = (parts[0],) * count if parts else ()
        mode = draw(_execution_modes)
    else:
        parts = (draw(simple_containers(image_strategy)),)
        mode = None
    return Model(containers=parts, as_list=as_list, execution_mode=mode, vpc=draw(_vpcs),
                 isolation=draw(_isolation), imported_role=draw(st.booleans()))


def model_props(path: str) -> set[str]:
    """Which props of InferenceModel / ContainerDefinition a CreateModel request path comes from."""
    rules = (
        ("InferenceExecutionConfig", {"inference_execution_mode", "containers"}),
        ("ModelPackageName", {"model_package", "model_package_name", "image"}),
        ("ModelDataUrl", {"model_data"}), ("ModelDataSource", {"model_data"}),
        ("ContainerHostname", {"container_hostname", "hostname"}), ("ImageConfig", {"repository_access_mode"}),
        ("Environment", {"environment"}), ("Mode", {"mode"}),
        # the image factories' own arguments are the parts of the URI (ContainerImage.from_dlc(name, tag, ...))
        ("Image", {"image", "model_package", "tag", "repository_name", "account_id"}),
        ("Subnets", {"vpc_subnets", "vpc"}), ("SecurityGroupIds", {"security_groups", "vpc"}),
        ("VpcConfig", {"vpc"}), ("EnableNetworkIsolation", {"network_isolation"}),
        ("ExecutionRoleArn", {"role"}),
    )
    found: set[str] = set()
    for key, props in rules:
        if key in path:
            found |= props
            break
    if path.startswith("Containers"):
        found.add("containers")
    return found or {"model", "containers", "image"}

