"""The model layer shared by every hosting option: images, model data, the model and its role."""

from __future__ import annotations

import enum
import functools
import inspect
import os
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_cdk import Aws, Fn, Stack, Tokenization
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.region_info import FactName
from constructs import Construct, IDependable

from .._keys import BASELINE_CONTEXT
from ..constraints import NAME_PATTERN, constraint
from ..errors import Problem, ValidationError
from ..instance_types import Accelerator
from ..tokens import is_unresolved
from ..typecheck import TypeChecks, checked, props_class
from ..validation.checks import UNKNOWN_BUCKET_NAME, Checker
from ._base import (
    RemovalPolicyMixin,
    acknowledge_all,
    acknowledge_execution_role,
    add_unscoped_statement,
    create_execution_role,
    is_library_role,
    nag_objects,
    policies_of,
    remember_policies,
    renew_standing_acknowledgments,
    with_notes,
)
from ._batch import Batch, Ref, struct
from ._lazy import lazy_module
from ._memo import (
    adopt,
    bucket_arn,
    bucket_name,
    iam_literal,
    key_folder,
    memo,
    node_of,
    object_key,
    objects_in,
    s3_url,
    stack_of,
    stack_singleton,
    with_literal_start,
)

__all__ = [
    "ContainerDefinition",
    "ContainerImage",
    "ContainerMode",
    "InferenceExecutionMode",
    "InferenceModel",
    "ModelData",
    "ModelPackage",
    "ModelPackageSource",
    "RepositoryAccessMode",
]

# Submodules only some props use, imported on first use (see _lazy).
if TYPE_CHECKING:
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_ecr as ecr
    from aws_cdk import aws_ecr_assets as ecr_assets
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3_assets as s3_assets

    from ..specs import ContainerSpec
else:
    ec2 = lazy_module("aws_cdk.aws_ec2")
    ecr = lazy_module("aws_cdk.aws_ecr")  # a repository of your own, a DLC or Marketplace image's grant
    ecr_assets = lazy_module("aws_cdk.aws_ecr_assets")
    s3_assets = lazy_module("aws_cdk.aws_s3_assets")
    kms = lazy_module("aws_cdk.aws_kms")


class ContainerMode(enum.Enum):
    """Whether a container hosts one model or many (``ContainerDefinition.Mode``)."""

    SINGLE_MODEL = "SingleModel"
    MULTI_MODEL = "MultiModel"


class RepositoryAccessMode(enum.Enum):
    """Where SageMaker pulls the image from (``ImageConfig.RepositoryAccessMode``)."""

    PLATFORM = "Platform"
    """Amazon ECR (the default)."""
    VPC = "Vpc"
    """A private Docker registry reached through the model's VPC."""


class InferenceExecutionMode(enum.Enum):
    """How a multi-container model is invoked (``InferenceExecutionConfig.Mode``)."""

    SERIAL = "Serial"
    """An inference pipeline: each container's output feeds the next (2–15 containers)."""
    DIRECT = "Direct"
    """Each container is invoked on its own by ``TargetContainerHostname`` (hostnames required)."""


_ACCELERATED_TAG = re.compile(r"(^|[-_.:/])(gpu|cu\d+|neuron[a-z]*|inf\d?|trn\d?|hpu)([-_.:]|$)")


def _accelerator_from_tag(tag: str) -> Accelerator:
    """Guess the accelerator an image is built for from its tag (the DLC naming convention:
    ``2.3.0-gpu-py311-cu121-…``, ``…-neuronx-…``). Only the tag: a repository name such as ``bert-inf``
    says nothing of the build. A guess is advice (the constructs warn on it); a declared ``accelerator=``
    is the user's word."""
    match = _ACCELERATED_TAG.search(tag.lower())
    if not match:
        return Accelerator.NONE
    word = match.group(2)
    if word.startswith(("neuron", "inf", "trn")):
        return Accelerator.NEURON
    if word == "hpu":
        return Accelerator.GAUDI
    return Accelerator.GPU


@dataclass(frozen=True)
class InlineGrant:
    """What an image or model data needs of a library-made execution role, written into the role's own
    inline policy when the role is created (see :meth:`ContainerImage._inline_grant`)."""

    statements: tuple[dict[str, Any], ...]
    """IAM policy statements, as JSON."""
    findings: tuple[tuple[str, str | None, str], ...] = ()
    """The cdk-nag findings (rule, finding, reason) they raise, acknowledged on the role resource."""


class ContainerImage:
    """The inference image of a container.

    Use ``from_ecr_repository`` (grants the pull), ``from_asset`` (built from a local
    Dockerfile at deploy time), ``from_dlc`` (an AWS Deep Learning Container) or ``from_uri``.
    """

    pulls_from_ecr: bool = False
    """True: the role needs ``ecr:GetAuthorizationToken`` to pull the image (ECR, an asset, a DLC)."""

    _binds_in_scope = True
    """Whether :meth:`bind` may create constructs in its scope (an asset); False: it creates none there."""

    def __init__(self, *, description: str, accelerator: Accelerator | None, tag: str = "",
                 validation_uri: str | None = None) -> None:
        self._description = description
        self.accelerator = accelerator if accelerator is not None else _accelerator_from_tag(tag)
        """GPU, Neuron, Gaudi or none: serverless endpoints refuse an image declared accelerated and warn on
        one whose tag reads as accelerated."""
        self.accelerator_guessed = accelerator is None
        """True when :attr:`accelerator` is read from the tag, not given as ``accelerator=``."""
        self.validation_uri = description if validation_uri is None else validation_uri
        """The image URI as validation sees it (the shortest URI the image can have)."""

    @property
    def description(self) -> str:
        """The image as the user named it (for messages)."""
        return self._description

    def bind(self, scope: Construct, grantee: iam.IGrantable | None) -> str:
        """Create what the image needs in ``scope``, grant ``grantee`` the pull, return the URI.

        ``grantee`` None: the role has the pull already, from :meth:`_inline_grant`.
        """
        raise NotImplementedError  # pragma: no cover - every factory returns a subclass

    def _inline_grant(self, stack: Stack) -> InlineGrant | None:
        """The pull, as statements a library-made role can hold from the start, when they are exactly what
        ``bind`` would grant (then ``bind`` is called without a grantee); None: ``bind`` grants it.
        Default: None."""
        return None

    @staticmethod
    @checked("ContainerImage.from_ecr_repository")
    def from_ecr_repository(repository: ecr.IRepository, tag: str = "latest", *,
                            accelerator: Accelerator | None = None) -> ContainerImage:
        """An image in an ECR repository of this account; the model's role may pull it.

        ``tag`` default: ``latest``; a digest ``sha256:<hex>`` pins the image (rendered ``<uri>@sha256:<hex>``).
        ``accelerator`` default: guessed from the tag (``gpu``, ``cu121``, ``neuron``, …).
        """
        _check_ecr_reference("ContainerImage.from_ecr_repository", None, tag, None)
        return _EcrImage(repository, tag, accelerator)

    @staticmethod
    @checked("ContainerImage.from_asset")
    def from_asset(directory: str, *, accelerator: Accelerator = Accelerator.NONE,
                   **asset_props: Any) -> ContainerImage:
        """An image built from ``directory`` (a Dockerfile) and pushed by ``cdk deploy``.

        ``accelerator`` default: ``Accelerator.NONE`` (a CPU image). ``asset_props`` are passed to
        ``aws_ecr_assets.DockerImageAsset`` (e.g. ``file``, ``build_args``, ``platform``); default: none.
        """
        _check_asset_props(asset_props)
        return _AssetImage(directory, accelerator, dict(asset_props))

    @staticmethod
    @checked("ContainerImage.from_dlc")
    def from_dlc(repository_name: str, tag: str, *, account_id: str | None = None,
                 accelerator: Accelerator | None = None) -> ContainerImage:
        """An AWS Deep Learning Container, e.g. ``from_dlc("pytorch-inference", "2.3.0-cpu-py311")``.

        ``tag``: the image's tag, or a digest ``sha256:<hex>`` (rendered ``<uri>@sha256:<hex>``); no default.
        ``account_id`` default: the DLC account of the stack's Region (aws-cdk-lib's regional
        fact). ``accelerator`` default: guessed from the tag. The role may pull that repository.
        """
        _check_ecr_reference("ContainerImage.from_dlc", repository_name, tag, account_id)
        return _DlcImage(repository_name, tag, account_id, accelerator)

    @staticmethod
    @checked("ContainerImage.from_uri")
    def from_uri(uri: str, *, accelerator: Accelerator | None = None) -> ContainerImage:
        """Any image URI (escape hatch): no pull permission is granted.

        ``accelerator`` default: guessed from the tag.
        """
        name = uri.rsplit("/", 1)[-1] if isinstance(uri, str) and not is_unresolved(uri) else ""
        if name.endswith((":", "@")):  # ':' after the last '/' is the tag's separator, not a registry port
            check = Checker()
            check.fail("model.image-reference", "uri", uri,
                       f"ends with '{name[-1]}' but names no {'tag' if name[-1] == ':' else 'digest'} after it",
                       "give the tag (…/repository:1.0) or the digest (…/repository@sha256:…), or neither "
                       "(the latest image)")
            raise ValidationError("", "ContainerImage.from_uri", check.problems)
        return _UriImage(uri, accelerator)


def _check_ecr_reference(factory: str, repository_name: str | None, tag: str, account_id: str | None) -> None:
    """The parts of an ECR image reference, against ECR's rules (an empty tag rendered ``…/name:``, which
    CreateModel refuses after the deploy has started)."""
    check = Checker()
    check.text("model.ecr-repository", "repository_name", repository_name,
               fix="use the repository's name: lower-case letters, digits and . _ - / separators (e.g. "
               "pytorch-inference)")
    check.text("model.ecr-tag", "tag", tag, fix="pass the image's tag, e.g. 2.3.0-cpu-py311")
    check.text("model.ecr-account", "account_id", account_id, fix="pass the 12-digit registry account, or omit it")
    literal = [v for v in (repository_name, tag) if isinstance(v, str) and not is_unresolved(v)]
    if not check.problems and repository_name is not None and len(literal) == 2:
        # The shortest URI the image can have (a 12-digit account in a 9-character Region) within CreateModel's 255.
        shortest = f"{'0' * 12}.dkr.ecr.us-east-1.amazonaws.com/{repository_name}:{tag}"
        limit = constraint("model.image").max_length or 255
        if len(shortest) > limit:
            check.fail("model.image", "tag", tag if len(tag) <= 60 else f"{tag[:40]}… ({len(tag)} characters)",
                       f"the image URI <account>.dkr.ecr.<region>.amazonaws.com/{repository_name}:<tag> would be at "
                       f"least {len(shortest)} characters: a model's image has at most {limit}",
                       f"use a tag of at most {len(tag) - (len(shortest) - limit)} characters (or a shorter "
                       "repository name)")
    if check.problems:
        raise ValidationError("", factory, check.problems)


def _tag_or_digest(tag: str) -> str:
    """``:<tag>``, or ``@sha256:<hex>`` for a digest given as the tag (``repository_uri_for_tag_or_digest``'s rule)."""
    return f"@{tag}" if isinstance(tag, str) and tag.startswith("sha256:") else f":{tag}"


class _EcrImage(ContainerImage):
    pulls_from_ecr = True
    _binds_in_scope = False

    def __init__(self, repository: ecr.IRepository, tag: str, accelerator: Accelerator | None) -> None:
        super().__init__(description=f"{repository.node.path}:{tag}", accelerator=accelerator, tag=tag)
        self._repository, self._tag = repository, tag

    def bind(self, scope: Construct, grantee: iam.IGrantable | None) -> str:
        if grantee is not None:
            _grant_pull(self._repository, grantee)
        # A tag given as 'sha256:<hex>' is a digest: <uri>@sha256:<hex> (aws-cdk-lib's convention, as its ECS
        # images; CreateModel takes registry/repository[:tag] or registry/repository[@digest], not <uri>:sha256:…).
        return self._repository.repository_uri_for_tag_or_digest(self._tag)


class _AssetImage(ContainerImage):
    pulls_from_ecr = True

    def __init__(self, directory: str, accelerator: Accelerator, props: dict[str, Any]) -> None:
        # Validation sees the shortest URI the asset can have: the bootstrap repository of a 12-digit
        # account in us-east-1 and a 64-character hash tag (the description is for messages only).
        shortest = (f"{'0' * 12}.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-{'0' * 12}"
                    f"-us-east-1:{'0' * 64}")
        super().__init__(description=f"asset {directory}", accelerator=accelerator, validation_uri=shortest)
        # Absolute: the jsii runtime resolves relative paths against its own working directory.
        self._directory, self._props = os.path.abspath(directory), props

    @property
    def missing(self) -> tuple[str, str] | None:
        """(the path, what is missing there) when the directory or its Dockerfile is not there, else None."""
        dockerfile = os.path.join(self._directory, str(self._props.get("file") or "Dockerfile"))
        if not os.path.isdir(self._directory):
            return self._directory, "no such directory (a local image asset)"
        return None if os.path.isfile(dockerfile) else (dockerfile, "no such Dockerfile in the image's directory")

    def bind(self, scope: Construct, grantee: iam.IGrantable | None) -> str:
        asset = ecr_assets.DockerImageAsset(scope, "ImageAsset", directory=self._directory, **self._props)
        if grantee is not None:
            _grant_pull(asset.repository, grantee)
        return asset.image_uri


def _check_asset_props(props: dict[str, Any]) -> None:
    """``from_asset``'s pass-through props, checked by aws-cdk-lib's own ``DockerImageAssetProps`` (a plain
    Python struct: no round trip), so a misspelt or mistyped prop is a ValidationError here, not jsii's
    TypeError when the model binds the image."""
    try:
        ecr_assets.DockerImageAssetProps(directory=".", **props)
    except TypeError as error:
        check = Checker()
        accepted = [name for name in inspect.signature(ecr_assets.DockerImageAssetProps.__init__).parameters
                    if name not in ("self", "directory")]
        unknown = [name for name in props if name not in accepted]
        if unknown:
            import difflib  # only a refusal suggests a close match: an app that passes never loads it

            close = difflib.get_close_matches(unknown[0], accepted, n=1)
            check.fail("props.type", unknown[0], props[unknown[0]], "is not a prop of DockerImageAsset",
                       f"did you mean {close[0]!r}?" if close else f"the props are: {', '.join(accepted)}")
        else:
            match = re.search(r"type of argument (\w+)", str(error))
            field = match.group(1) if match else "asset_props"
            check.fail("props.type", field, props.get(field), str(error).split("\n", 1)[0],
                       "pass the type aws_ecr_assets.DockerImageAsset documents for it")
        raise ValidationError("", "ContainerImage.from_asset", check.problems) from None


def select_vpc_subnets(construct: Construct, construct_type: str, vpc: ec2.IVpc,
                       vpc_subnets: ec2.SubnetSelection | None) -> ec2.SelectedSubnets:
    """``vpc_subnets`` of ``vpc``, or a ValidationError with aws-cdk-lib's reason when it cannot select them (a
    subnet group the VPC lacks, subnets imported without their availability zone)."""
    try:
        return vpc.select_subnets(**_selection_kwargs(vpc_subnets))
    except RuntimeError as error:  # jsii raises aws-cdk-lib's errors as RuntimeError
        check = TypeChecks()
        check.fail("props.type", "vpc_subnets", "the selection",
                   f"aws-cdk-lib cannot select these subnets: {str(error).splitlines()[0].removeprefix('Error: ')}",
                   "select subnets the VPC has (a subnet group, or subnets imported with "
                   "ec2.Subnet.from_subnet_attributes(..., availability_zone=...))")
        raise ValidationError(construct.node.path, construct_type, check.problems) from None


def report_missing_asset(check: Checker, field: str, asset: object) -> None:
    """A local asset (an image's directory and Dockerfile, a model.tar.gz) that is not there: a problem of
    ``field``, before aws-cdk-lib's raw error at synth."""
    missing: tuple[str, str] | None = getattr(asset, "missing", None)
    if missing is not None:
        check.fail("props.required", field, missing[0], missing[1],
                   "pass the path of an existing model.tar.gz (model_data) or of a directory with a Dockerfile "
                   "(image; file= names another Dockerfile)")


class _DlcImage(ContainerImage):
    _binds_in_scope = False
    pulls_from_ecr = True

    def __init__(self, name: str, tag: str, account: str | None, accelerator: Accelerator | None) -> None:
        # Validation sees the shortest URI this image can have (a 12-digit account in us-east-1),
        # so the 255-character limit is checked without ever refusing a URI that would fit.
        shortest = f"{account or '0' * 12}.dkr.ecr.us-east-1.amazonaws.com/{name}:{tag}"
        registry = f"account {account}" if account else "the Region's registry account"
        super().__init__(description=f"Deep Learning Container {name}:{tag} ({registry})", accelerator=accelerator,
                         tag=tag, validation_uri=shortest)
        self._name, self._tag, self._account = name, tag, account

    def _account_in(self, stack: Stack) -> str:
        return self._account or memo(stack, FactName, lambda: _dlc_account(stack, f"{self._name}:{self._tag}"))

    def _inline_grant(self, stack: Stack) -> InlineGrant:
        # What aws-cdk-lib's grant on the imported repository writes (a principal statement: an imported
        # repository has no policy of its own to change), written here so that a default role holds it from
        # the start, without a default policy resource and its round trips (benchmarks/synth_bench.py).
        account, name = self._account_in(stack), self._name
        arn = memo(stack, ("dlc-repository-arn", account, name), lambda: stack.format_arn(
            service="ecr", account=account, resource="repository", resource_name=name))
        return InlineGrant(statements=({"Effect": "Allow", "Action": list(_PULL_ACTIONS), "Resource": arn},))

    def bind(self, scope: Construct, grantee: iam.IGrantable | None) -> str:
        stack = stack_of(scope)
        account = self._account_in(stack)
        region, url_suffix = _region_and_url_suffix()
        uri = f"{account}.dkr.ecr.{region}.{url_suffix}/{self._name}{_tag_or_digest(self._tag)}"
        if grantee is None:  # the pull is in the role already (_inline_grant)
            return uri
        name = self._name

        def import_repository(stack: Stack, construct_id: str) -> ecr.IRepository:
            return ecr.Repository.from_repository_attributes(
                stack, construct_id, repository_name=name,
                repository_arn=stack.format_arn(service="ecr", account=account, resource="repository",
                                                resource_name=name))

        # One import per stack and repository (the account is a literal or the stack's one regional-fact token).
        literal_account = "" if is_unresolved(account) else account
        repository = stack_singleton(stack, f"SageMakerDlc-{literal_account}-{name.replace('/', '-')}",
                                     import_repository)
        _grant_pull(repository, grantee)
        return uri


class UnknownDlcRegionError(Exception):
    """The stack's literal Region has no Deep Learning Containers account in aws-cdk-lib's region-info:
    raised by a DLC image's ``bind``, turned into a ``ValidationError`` by the construct binding it (which
    knows its own path, type and field)."""

    def __init__(self, region: str, image: str) -> None:
        super().__init__(region)
        self.region, self.image = region, image

    def problems(self, field: str) -> list[Problem]:
        """The ``model.dlc-account`` problem, for the prop ``field``."""
        check = Checker()
        check.fail("model.dlc-account", field, self.image,
                   f"aws-cdk-lib knows no Deep Learning Containers registry account for the stack's Region, "
                   f"{self.region}",
                   "pass account_id= to ContainerImage.from_dlc (the registry account of the Region in the AWS Deep "
                   "Learning Containers list of available images), or use ContainerImage.from_uri")
        return check.problems


def bind_image(image: ContainerImage, scope: Construct, grantee: iam.IGrantable | None, *, owner: Construct,
               construct_type: str, field: str) -> str:
    """``image.bind(scope, grantee)``, with a DLC image's unknown Region reported as ``owner``'s problem on
    ``field`` (the model's or component's path, not the scope the image binds in)."""
    try:
        return image.bind(scope, grantee)
    except UnknownDlcRegionError as unknown:
        raise ValidationError(owner.node.path, construct_type, unknown.problems(field)) from None


def _image_inline_grant(image: ContainerImage, stack: Stack, *, owner: Construct, field: str) -> InlineGrant | None:
    """``image._inline_grant(stack)``, with a DLC image's unknown Region reported as in :func:`bind_image`."""
    try:
        return image._inline_grant(stack)
    except UnknownDlcRegionError as unknown:
        raise ValidationError(owner.node.path, "InferenceModel", unknown.problems(field)) from None


def _dlc_account(stack: Stack, image: str) -> str:
    """The Deep Learning Containers registry account of ``stack``'s Region (aws-cdk-lib's regional fact: a
    literal in an env-pinned stack, else a lookup in a mapping of the Regions aws-cdk-lib knows, which the
    preflight command compares with the target Region)."""
    try:
        return stack.regional_fact(FactName.DLC_REPOSITORY_ACCOUNT)
    except RuntimeError:  # RegionFactNotFound: a literal Region aws-cdk-lib's region-info has no account for
        raise UnknownDlcRegionError(stack.region, image) from None


_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
"""What aws-cdk-lib's ``IRepository.grant_pull`` grants on the repository."""


def _grant_pull(repository: ecr.IRepository, grantee: iam.IGrantable) -> None:
    """``repository.grant_pull(grantee)``, with its ``ecr:GetAuthorizationToken`` (on ``*``: the action
    has no resource type) once in a library-made role's own policy for it (``add_unscoped_statement``)."""
    repository.grant(grantee, *_PULL_ACTIONS)
    add_unscoped_statement(grantee, ECR_AUTH, _ECR_AUTH)


@functools.cache
def _region_and_url_suffix() -> tuple[str, str]:
    """``Aws.REGION`` and ``Aws.URL_SUFFIX``: the same token strings in every stack (two round trips, once)."""
    return Aws.REGION, Aws.URL_SUFFIX


class _UriImage(ContainerImage):
    _binds_in_scope = False

    def __init__(self, uri: str, accelerator: Accelerator | None) -> None:
        # The instance rules load with the first image given by URI or endpoint on instances.
        from ..validation.instances import image_tag

        super().__init__(description=uri, accelerator=accelerator, tag="" if is_unresolved(uri) else image_tag(uri))
        self._uri = uri

    def bind(self, scope: Construct, grantee: iam.IGrantable | None) -> str:
        return self._uri


class ModelData:
    """Where the model artifacts are: ``from_bucket``, ``from_asset`` or ``from_uncompressed_prefix``."""

    _binds_in_scope = True
    """Whether :meth:`bind` may create constructs in its scope (an asset); False: it creates none there."""

    def __init__(self, *, validation_url: str, uncompressed: bool, accept_eula: bool = False) -> None:
        self.validation_url = validation_url
        """The URL as validation sees it (a placeholder stands for an unresolved bucket name)."""
        self.uncompressed = uncompressed
        """True for ``ModelDataSource`` (an uncompressed S3 prefix)."""
        self.accept_eula = accept_eula
        """True: the model's end-user license agreement is accepted (``ModelAccessConfig.AcceptEula``)."""

    def bind(self, scope: Construct, grantee: iam.IGrantable | None, *, prefix: bool = False) -> str:
        """Create what the data needs in ``scope``, grant ``grantee`` read, return the S3 URL.

        ``prefix``: the URL names a key prefix (a multi-model container's models), so the grant
        covers every object under it. Default: False (one object). ``grantee`` None: the role has the
        read already, from :meth:`_inline_grant`.
        """
        raise NotImplementedError  # pragma: no cover

    def _inline_grant(self, stack: Stack, *, prefix: bool = False) -> InlineGrant | None:
        """The read, as statements a library-made role can hold from the start, when they are exactly what
        ``bind`` would grant (then ``bind`` is called without a grantee); None: ``bind`` grants it.
        Default: None."""
        return None

    @staticmethod
    @checked("ModelData.from_bucket")
    def from_bucket(bucket: s3.IBucket, key: str) -> ModelData:
        """A ``model.tar.gz`` at ``key`` in ``bucket``; the model's role may read exactly that object."""
        return _BucketData(bucket, object_key(key), uncompressed=False)

    @staticmethod
    @checked("ModelData.from_uncompressed_prefix")
    def from_uncompressed_prefix(bucket: s3.IBucket, prefix: str, *, accept_eula: bool = False) -> ModelData:
        """Uncompressed artifacts under ``prefix`` (``ModelDataSource``): real-time and async only.

        ``accept_eula``: accept the end-user license agreement of a gated model (for example a
        JumpStart Llama model), which SageMaker requires to deploy it (``ModelAccessConfig.AcceptEula``,
        which exists only on ``ModelDataSource``); you are responsible for its terms. Default: False.
        """
        return _BucketData(bucket, key_folder(prefix), uncompressed=True, accept_eula=accept_eula)

    @staticmethod
    @checked("ModelData.from_asset")
    def from_asset(path: str) -> ModelData:
        """A local ``model.tar.gz``, uploaded by ``cdk deploy`` to the bootstrap bucket."""
        return _AssetData(path)


class _BucketData(ModelData):
    _binds_in_scope = False

    def __init__(self, bucket: s3.IBucket, key: str, *, uncompressed: bool, accept_eula: bool = False) -> None:
        name = bucket_name(bucket)
        shown = UNKNOWN_BUCKET_NAME if is_unresolved(name) else name
        super().__init__(validation_url=f"s3://{shown}/{key}", uncompressed=uncompressed, accept_eula=accept_eula)
        self._bucket, self._key = bucket, key

    def _pattern(self, prefix: bool) -> tuple[str, bool]:
        """The grant's key pattern (one key for URL and grant: a folder's objects, a multi-model prefix's
        objects, or one object), and whether it is a prefix."""
        many = self.uncompressed or prefix
        return (objects_in(self._key) if many else iam_literal(self._key)), many

    def _prefix_finding(self, stack: Stack, pattern: str) -> tuple[str, str | None, str]:
        return ("AwsSolutions-IAM5", nag_objects(stack, self._bucket, pattern),
                "the model's data is every object under the prefix given to ModelData (a multi-model "
                "container's models, or an uncompressed model's files)")  # the prefix is the user's choice

    def _inline_grant(self, stack: Stack, *, prefix: bool = False) -> InlineGrant | None:
        # aws-cdk-lib's read grant on a bucket it imported (from_bucket_name, from_bucket_arn,
        # from_bucket_attributes: its Import class, which jsii gives Python as BucketBase's proxy) of the role's
        # account, without a key, is one principal statement; a bucket of this app, a key, another account or
        # a bucket class of the user's goes through grant_read itself. Written here so that a default role holds
        # it from the start, without a default policy resource and its round trips (synth_bench.py --profile).
        bucket = self._bucket
        kind = type(bucket)
        if kind.__module__ != s3.__name__ or kind.__name__ != "_BucketBaseProxy":
            return None
        if memo(bucket, "encryption_key", lambda: bucket.encryption_key) is not None:
            return None
        # grant_read adds to the bucket's policy too when the accounts differ (aws-iam's
        # Grant.addToPrincipalOrResource: not the same literal account, or one of them a token).
        theirs, ours = memo(bucket, "account", lambda: bucket.env.account), memo(stack, "account", lambda: stack.account)
        same_account = (is_unresolved(theirs) and is_unresolved(ours)) or (
            not is_unresolved(theirs) and not is_unresolved(ours) and theirs == ours)
        if not same_account:
            return None
        pattern, many = self._pattern(prefix)
        arn = bucket_arn(bucket)
        return InlineGrant(
            statements=({"Effect": "Allow", "Action": list(_BUCKET_READ_ACTIONS), "Resource": [arn, f"{arn}/{pattern}"]},),
            findings=(self._prefix_finding(stack, pattern),) if many else ())

    def bind(self, scope: Construct, grantee: iam.IGrantable | None, *, prefix: bool = False) -> str:
        if grantee is not None:
            pattern, many = self._pattern(prefix)
            self._bucket.grant_read(grantee, pattern)
            if many and isinstance(grantee, Construct) and is_library_role(grantee):
                acknowledge_all(grantee, [self._prefix_finding(stack_of(scope), pattern)])
        return s3_url(self._bucket, self._key)


_BUCKET_READ_ACTIONS = ("s3:GetObject*", "s3:GetBucket*", "s3:List*")
"""What aws-cdk-lib's ``grant_read`` grants on the bucket and its objects (aws-s3's perms.ts)."""


class _AssetData(ModelData):
    def __init__(self, path: str) -> None:
        super().__init__(validation_url=f"s3://cdk-assets/{os.path.basename(path)}", uncompressed=False)
        # Absolute: the jsii runtime resolves relative paths against its own working directory.
        self._path = os.path.abspath(path)

    @property
    def missing(self) -> tuple[str, str] | None:
        """(the path, what is wrong there) when it is not a regular file, else None."""
        if os.path.isfile(self._path):
            return None
        return self._path, ("not a regular file" if os.path.exists(self._path) else
                            "no such file or directory") + " (a local model.tar.gz asset)"

    def bind(self, scope: Construct, grantee: iam.IGrantable | None, *, prefix: bool = False) -> str:
        asset = s3_assets.Asset(scope, "ModelDataAsset", path=self._path)
        if grantee is not None:  # read on this one object, not the whole staging bucket (Asset.grant_read: bucket/*)
            asset.bucket.grant_read(grantee, asset.s3_object_key)
        return asset.s3_object_url


class ModelPackageSource(enum.Enum):
    """Where a model package comes from: the SageMaker Model Registry or AWS Marketplace."""

    REGISTRY = "registry"
    MARKETPLACE = "marketplace"
    UNVERSIONED = "unversioned"
    """A model package of your own that is not part of a model package group (``from_unversioned``)."""


class ModelPackage:
    """A model package to create a model from, instead of an image: a **Model Registry version**
    (``from_registry_version`` / ``from_registry_version_arn``), an **unversioned** package of your own
    (``from_unversioned``) or an **AWS Marketplace** package (``from_marketplace``). Only Marketplace
    packages carry Marketplace's exclusions (no serverless, async or shadow variants; network isolation
    required)."""

    def __init__(self, *, source: ModelPackageSource, arn: str | None, group_name: str | None = None,
                 version: int | None = None, name: str | None = None, account: str | None = None,
                 region: str | None = None,
                 artifact_bucket: s3.IBucket | None = None, artifact_prefix: str = "",
                 image_repositories: Sequence[ecr.IRepository] = (), kms_key: kms.IKey | None = None,
                 inference_specification: str | None = None) -> None:
        self.source = source
        """Registry version, unversioned package or Marketplace package."""
        self.inference_specification = inference_specification
        """The package's inference specification the model runs (``InferenceSpecificationName``); None: its main
        one."""
        self._arn, self._group, self._version, self._name = arn, group_name, version, name
        self._account, self._region = account, region
        self._bucket, self._prefix = artifact_bucket, artifact_prefix
        self._repositories, self._key = tuple(image_repositories), kms_key

    @property
    def validation_arn(self) -> str:
        """The ARN as validation sees it (the group and version in a placeholder Region and account
        when those are the stack's)."""
        if self._arn is not None:
            return self._arn
        # None is the stack's (a placeholder here); an empty string stays empty and fails the ARN's pattern
        region = "us-east-1" if self._region is None else self._region
        account = "0" * 12 if self._account is None else self._account
        if self._name is not None:  # an unversioned package by name, in the stack's account and Region
            return f"arn:aws:sagemaker:{region}:{account}:model-package/{self._name}"
        version = "1" if is_unresolved(self._version) else self._version  # a token: known at deploy time
        return f"arn:aws:sagemaker:{region}:{account}:model-package/{self._group}/{version}"

    @property
    def marketplace(self) -> bool:
        """True for an AWS Marketplace package."""
        return self.source is ModelPackageSource.MARKETPLACE

    @property
    def pulls_from_ecr(self) -> bool:
        """True: the role is granted the pull of ``image_repositories`` (and ``ecr:GetAuthorizationToken``)."""
        return bool(self._repositories)

    def bind(self, scope: Construct, grantee: iam.IGrantable) -> str:
        """Grant ``grantee`` what the package's containers need, return the package ARN."""
        if self._bucket is not None:
            pattern = objects_in(key_folder(self._prefix)) if self._prefix else "*"
            self._bucket.grant_read(grantee, pattern)
            if isinstance(grantee, Construct) and is_library_role(grantee):  # the prefix is the user's choice
                acknowledge_all(grantee, [("AwsSolutions-IAM5", nag_objects(stack_of(scope), self._bucket, pattern),
                                           "the model package version's artifacts: every object under the "
                                           "artifact prefix given to ModelPackage")])
        for repository in self._repositories:
            _grant_pull(repository, grantee)
        if self._key is not None:
            self._key.grant_decrypt(grantee)
        if self._arn is not None:
            return self._arn
        stack = stack_of(scope)
        if self._name is not None:
            return stack.format_arn(service="sagemaker", resource="model-package", resource_name=self._name)
        version = (Tokenization.stringify_number(self._version) if self._version is not None and is_unresolved(self._version)
                   else self._version)
        return stack.format_arn(service="sagemaker", resource="model-package",
                                resource_name=f"{self._group}/{version}",
                                region=self._region, account=self._account)

    @staticmethod
    @checked("ModelPackage.from_registry_version")
    def from_registry_version(group_name: str, version: int, *, account: str | None = None,
                              region: str | None = None, artifact_bucket: s3.IBucket | None = None,
                              artifact_prefix: str = "", image_repositories: Sequence[ecr.IRepository] = (),
                              kms_key: kms.IKey | None = None,
                              inference_specification: str | None = None) -> ModelPackage:
        """Version ``version`` of the Model Registry's model package group ``group_name``.

        ``account`` and ``region`` default to the stack's (a central registry in another account:
        pass its account). The model's default role is granted read on ``artifact_bucket`` (under
        ``artifact_prefix``, default: the whole bucket), pull on ``image_repositories`` and decrypt
        with ``kms_key``, each default none: name where the version's artifacts and images are.
        ``inference_specification``: the name of one of the version's additional inference
        specifications to run (``InferenceSpecificationName``, 1–63 letters, digits and hyphens).
        Default: the version's main inference specification.
        """
        _check_package_parts("ModelPackage.from_registry_version", group_name=group_name, version=version,
                             account=account, region=region, inference_specification=inference_specification)
        return ModelPackage(source=ModelPackageSource.REGISTRY, arn=None, group_name=group_name, version=version,
                            account=account, region=region, artifact_bucket=artifact_bucket,
                            artifact_prefix=artifact_prefix, image_repositories=image_repositories, kms_key=kms_key,
                            inference_specification=inference_specification)

    @staticmethod
    @checked("ModelPackage.from_registry_version_arn")
    def from_registry_version_arn(arn: str, *, artifact_bucket: s3.IBucket | None = None,
                                  artifact_prefix: str = "", image_repositories: Sequence[ecr.IRepository] = (),
                                  kms_key: kms.IKey | None = None,
                                  inference_specification: str | None = None) -> ModelPackage:
        """A Model Registry version by its ARN, ``arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>``
        (what a pipeline's ``RegisterModel`` step or ``CreateModelPackage`` returns).

        The grants and ``inference_specification`` are those of :meth:`from_registry_version` (default
        none; the version's main inference specification).
        """
        _check_package_parts("ModelPackage.from_registry_version_arn", inference_specification=inference_specification)
        return ModelPackage(source=ModelPackageSource.REGISTRY, arn=arn, artifact_bucket=artifact_bucket,
                            artifact_prefix=artifact_prefix, image_repositories=image_repositories, kms_key=kms_key,
                            inference_specification=inference_specification)

    @staticmethod
    @checked("ModelPackage.from_unversioned")
    def from_unversioned(name_or_arn: str, *, artifact_bucket: s3.IBucket | None = None, artifact_prefix: str = "",
                         image_repositories: Sequence[ecr.IRepository] = (), kms_key: kms.IKey | None = None,
                         inference_specification: str | None = None) -> ModelPackage:
        """A model package of your own that is not part of a model package group (an *unversioned* package,
        ``CreateModelPackage`` with a ``ModelPackageName``): by its name (in the stack's account and Region) or its
        ARN, ``arn:aws:sagemaker:<region>:<account>:model-package/<name>``. Marketplace's rules do not apply (use
        :meth:`from_marketplace` for a package you subscribed to).

        The grants and ``inference_specification`` are those of :meth:`from_registry_version` (default none; the
        package's main inference specification).
        """
        is_arn = isinstance(name_or_arn, str) and (name_or_arn.startswith("arn:") or is_unresolved(name_or_arn))
        _check_package_parts("ModelPackage.from_unversioned", package_name=None if is_arn else name_or_arn,
                             inference_specification=inference_specification)
        return ModelPackage(source=ModelPackageSource.UNVERSIONED, arn=name_or_arn if is_arn else None,
                            name=None if is_arn else name_or_arn, artifact_bucket=artifact_bucket,
                            artifact_prefix=artifact_prefix, image_repositories=image_repositories, kms_key=kms_key,
                            inference_specification=inference_specification)

    @staticmethod
    @checked("ModelPackage.from_marketplace")
    def from_marketplace(arn: str, *, inference_specification: str | None = None) -> ModelPackage:
        """An AWS Marketplace model package you subscribed to, by its ARN
        (``arn:aws:sagemaker:<region>:<seller account>:model-package/<name>``). The model needs
        ``network_isolation=True``. ``inference_specification``: one of the package's additional
        inference specifications (``InferenceSpecificationName``). Default: its main one."""
        _check_package_parts("ModelPackage.from_marketplace", inference_specification=inference_specification)
        return ModelPackage(source=ModelPackageSource.MARKETPLACE, arn=arn,
                            inference_specification=inference_specification)


def _check_package_parts(factory: str, *, group_name: object = None, version: object = None, account: object = None,
                         region: object = None, inference_specification: object = None,
                         package_name: object = None) -> None:
    """A model package factory's literal arguments, each against its part of the version's ARN (the rows
    ``model.registry-version`` and ``model.inference-specification``): refused by the factory, naming the argument,
    rather than by the model, naming ``model_package`` and an ARN the user never wrote."""
    check = Checker()
    parts = (("group_name", group_name, NAME_PATTERN, "1–63 letters, digits and hyphens, starting and ending with a "
              "letter or digit", "pass the model package group's name as the registry shows it (e.g. churn-model)"),
             ("name_or_arn", package_name, NAME_PATTERN, "a model package name (1–63 letters, digits and hyphens, "
              "starting and ending with a letter or digit) or an ARN",
              "pass the package's name, or its ARN arn:aws:sagemaker:<region>:<account>:model-package/<name>"),
             ("account", account, r"^[0-9]{12}$", "a 12-digit account id", "pass the registry's 12-digit account, or "
              "omit it for the stack's"),
             ("region", region, r"^[a-z0-9\-]{9,16}$", "a Region name such as us-east-1", "pass the registry's Region, "
              "or omit it for the stack's"))
    for field, value, pattern, allowed, fix in parts:
        if isinstance(value, str) and not is_unresolved(value) and not re.fullmatch(pattern, value):
            row = "model.unversioned-package" if field == "name_or_arn" else "model.registry-version"
            check.fail(row, field, value, f"is not {allowed}", fix)
    if (isinstance(version, int) and not isinstance(version, bool) and not is_unresolved(version)
            and not 1 <= version <= 999_999_999):
        check.fail("model.registry-version", "version", version, "is not a version: registry versions are 1 to "
                   "999,999,999", "use the version number the registry gave (1, 2, …)")
    check.text("model.inference-specification", "inference_specification", inference_specification,
               fix="pass the Name of one of the version's AdditionalInferenceSpecifications (DescribeModelPackage), "
               "or leave it out for the version's main inference specification")
    if check.problems:
        raise ValidationError("", factory, check.problems)


@props_class
@dataclass(frozen=True, kw_only=True)
class ContainerDefinition:
    """One container of an :class:`InferenceModel` (use several for a multi-container model)."""

    image: ContainerImage | None = None
    """The inference image. Default: none, which is allowed only with ``model_package``."""
    model_data: ModelData | None = None
    """The model artifacts. Default: none (the image carries the model)."""
    environment: Mapping[str, str] | None = None
    """Environment variables (≤ 100, values ≤ 1024 characters). Default: none."""
    mode: ContainerMode = ContainerMode.SINGLE_MODEL
    """Single- or multi-model. Default: ``SINGLE_MODEL``. Serverless refuses ``MULTI_MODEL``."""
    container_hostname: str | None = None
    """Required on every container with ``InferenceExecutionMode.DIRECT``. Default: none."""
    repository_access_mode: RepositoryAccessMode = RepositoryAccessMode.PLATFORM
    """Where the image is pulled from. Default: ``PLATFORM`` (ECR). Serverless refuses ``VPC``."""
    repository_credentials_provider_arn: str | None = None
    """The ARN of the Lambda function that returns the credentials of a private Docker registry that
    requires authentication (``ImageConfig.RepositoryAuthConfig``); only with ``repository_access_mode=VPC``.
    The model's role may invoke that function (``lambda:InvokeFunction`` on it). Default: none (the
    registry needs no authentication)."""
    model_cache: bool | None = None
    """For a ``MULTI_MODEL`` container: whether SageMaker keeps loaded models on the instance
    (``MultiModelConfig.ModelCacheSetting``; turn it off when most models are used once). Default:
    SageMaker's (cached)."""
    model_package: ModelPackage | None = None
    """A Model Registry version or an AWS Marketplace package instead of an image (see
    :class:`ModelPackage`). Default: none."""


class InferenceModel(Construct, RemovalPolicyMixin):
    """A SageMaker model (``AWS::SageMaker::Model``) with a least-privilege execution role.

    Pass either ``image`` (plus ``model_data``/``environment``) for one container, or
    ``containers`` for a multi-container model. The model's name is left to CloudFormation:
    every property of a model is create-only, so any change replaces it.
    """

    @staticmethod
    @checked("InferenceModel.from_model_name")
    def from_model_name(scope: Construct, construct_id: str, model_name: str, *, role: iam.IRole) -> InferenceModel:
        """A model that exists already (created outside this app), by its name: to run it in a
        :class:`BatchTransformJob` or host it on an endpoint.

        The library cannot see its containers, so what depends on them (GPU images on serverless,
        uncompressed data in batch transform, Marketplace exclusions) is not checked. ``role`` is
        the model's execution role (``DescribeModel``'s ``ExecutionRoleArn``): the constructs grant
        it what SageMaker does with it and pass it (``iam:PassRole``). No default for either.
        """
        return _ImportedModel(scope, construct_id, model_name=model_name, role=role)

    @staticmethod
    @checked("InferenceModel.from_model_arn")
    def from_model_arn(scope: Construct, construct_id: str, model_arn: str, *, role: iam.IRole) -> InferenceModel:
        """A model that exists already, by its ARN ``arn:aws:sagemaker:<region>:<account>:model/<name>``
        (see :meth:`from_model_name`). No default for either."""
        return _ImportedModel(scope, construct_id, model_arn=model_arn, role=role)

    @checked("InferenceModel")
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        image: ContainerImage | None = None,
        model_data: ModelData | None = None,
        environment: Mapping[str, str] | None = None,
        model_package: ModelPackage | None = None,
        containers: Sequence[ContainerDefinition] | None = None,
        inference_execution_mode: InferenceExecutionMode | None = None,
        role: iam.IRole | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        network_isolation: bool = False,
    ) -> None:
        """Define a model.

        :param image: the image of a single-container model. Default: none (then ``containers``).
        :param model_data: artifacts of the single container. Default: none.
        :param environment: environment of the single container. Default: none.
        :param model_package: a Model Registry version or AWS Marketplace package for the single
            container, instead of ``image`` (see :class:`ModelPackage`). Default: none.
        :param containers: the containers of a multi-container model (1–15), instead of
            ``image``. Default: none.
        :param inference_execution_mode: ``SERIAL`` (pipeline) or ``DIRECT`` for several
            containers. Default: SageMaker's default, ``SERIAL``.
        :param role: the execution role. Default: a role that may pull the image, read the
            model data and write logs and metrics, nothing more.
        :param vpc: run the model's containers in this VPC. Default: no VPC. Serverless
            endpoints refuse a VPC.
        :param vpc_subnets: subnets in ``vpc`` (1–16). Default: the VPC's private subnets.
        :param security_groups: 1–5 security groups. Default: one is created when ``vpc`` is set.
        :param network_isolation: no outbound network from the containers. Default: False.
            Serverless endpoints refuse it.
        """
        super().__init__(scope, construct_id)
        # Types, numbers and tokens of every prop (down into the containers) were checked by @checked.
        types = TypeChecks()
        for index, definition in enumerate(containers or ()):
            if definition.image is None and definition.model_package is None:
                types.conflict(f"containers[{index}].image", "a container needs an image (or a model_package)")
        if vpc is None:
            for field, given in (("security_groups", security_groups), ("vpc_subnets", vpc_subnets)):
                if given is not None:
                    types.fail("vpc.needs-vpc", field, given,
                               f"{field} needs vpc: without it the model runs in no VPC and {field} would be ignored",
                               f"pass vpc=... as well, or drop {field}")
        if containers is not None and (image is not None or model_data is not None or environment is not None
                                       or model_package is not None):
            types.conflict("containers", "pass either containers=[...] or image/model_data/environment/model_package, "
                           "not both")
        if containers is None and image is None and model_package is None:
            types.conflict("image", "a model needs an image (or a model_package, or containers=[...])",
                           "pass image=ContainerImage.from_dlc(...) (or from_ecr_repository, from_asset, from_uri), "
                           "model_package=ModelPackage..., or containers=[ContainerDefinition(...)]")
        for field, asset in (("image", image), ("model_data", model_data),
                             *((f"containers[{i}].{name}", getattr(c, name)) for i, c in enumerate(containers or ())
                               if isinstance(c, ContainerDefinition) for name in ("image", "model_data"))):
            report_missing_asset(types, field, asset)
        types.raise_if_any(self, "InferenceModel")

        definitions: tuple[ContainerDefinition, ...] = (
            tuple(containers) if containers is not None
            else (ContainerDefinition(image=image, model_data=model_data, environment=environment,
                                      model_package=model_package),)
        )
        subnet_count: int | None = None
        selected: ec2.SelectedSubnets | None = None
        if vpc is not None:
            selected = select_vpc_subnets(self, "InferenceModel", vpc, vpc_subnets)
            subnet_count = len(selected.subnets)
        # The model rules load with the first model (an inference component's app has none).
        from ..specs import ModelSpec
        from ..validation.model import model_warnings, validate_model

        self.spec = ModelSpec(
            containers=tuple(_container_spec(self, d) for d in definitions),
            inference_execution_mode=inference_execution_mode.value if inference_execution_mode else None,
            vpc=vpc is not None,
            subnet_count=subnet_count,
            security_group_count=len(security_groups) if security_groups is not None else (1 if vpc else None),
            network_isolation=network_isolation,
        )
        """What validation sees of this model (plain data)."""
        problems = validate_model(self.spec)
        if problems:
            raise ValidationError(self.node.path, "InferenceModel", problems)
        with_notes(model_warnings(self.spec), self)

        adopt(self, scope)
        # The synth-time guard runs for any app with a construct of this library, so removing the
        # last endpoint (models kept) is compared too (the context is read once per scope).
        if memo(scope, BASELINE_CONTEXT, lambda: scope.node.try_get_context(BASELINE_CONTEXT)):
            from ..guard.plugin import register_guard  # the guard loads only for an app with a baseline

            register_guard(self)
        # A default role holds what each image and model data need from the start where it can (_inline_grant);
        # the others are granted by bind, into the role's default policy.
        inline: dict[tuple[int, str], InlineGrant] = {}
        if role is None:
            stack = stack_of(self)
            for index, definition in enumerate(definitions):
                prefix = f"containers[{index}]." if containers is not None else ""
                grants = (
                    ("image", _image_inline_grant(definition.image, stack, owner=self, field=f"{prefix}image")
                     if definition.image is not None else None),
                    ("model_data", definition.model_data._inline_grant(
                        stack, prefix=definition.mode is ContainerMode.MULTI_MODEL)
                     if definition.model_data is not None else None))
                inline.update(((index, part), grant) for part, grant in grants if grant is not None)
        self._inline = inline
        # The default role, its acknowledgments and the model are made in one jsii round trip (see _batch);
        # what binds an image or model data, or makes a security group, runs after what is queued before it.
        batch = Batch()
        default_role = None if role is not None else _default_role(
            self, batch=batch, vpc=vpc is not None,
            pulls_from_ecr=any((d.image is not None and d.image.pulls_from_ecr)
                               or (d.model_package is not None and d.model_package.pulls_from_ecr)
                               for d in definitions),
            grants=list(inline.values()))
        self._default_role = default_role
        if role is not None:
            self.role = role
        self.security_groups: tuple[ec2.ISecurityGroup, ...] = ()
        vpc_config: dict[str, Any] | None = None
        if vpc is not None and selected is not None:
            batch.run()  # the role before the security group, as the construct tree had them
            self.security_groups = tuple(security_groups) if security_groups else (
                ec2.SecurityGroup(self, "SecurityGroup", vpc=vpc,
                                  description=f"{self.node.path}: SageMaker model containers",
                                  allow_all_outbound=True),
            )
            vpc_config = struct(
                sagemaker.CfnModel.VpcConfigProperty,
                subnets=selected.subnet_ids,
                security_group_ids=[sg.security_group_id for sg in self.security_groups],
            )
        if len(definitions) > 1 or any(part is not None and part._binds_in_scope
                                       for d in definitions for part in (d.image, d.model_data)):
            batch.run()  # a bind creates constructs in the model (an asset; a container's scope): after the role
        # (A bind that grants the role reads it first, which makes what is queued: _execution_role.)
        rendered = [self._render(i, d, f"containers[{i}]." if containers is not None else "")
                    for i, d in enumerate(definitions)]
        # What bind granted went into the role's default policy (the model waits for it); a default role
        # whose every grant is inline has none, and nothing to look up.
        bound = any(d.model_package is not None or d.repository_credentials_provider_arn
                    or (d.image is not None and (i, "image") not in inline)
                    or (d.model_data is not None and (i, "model_data") not in inline)
                    for i, d in enumerate(definitions))
        policies: list[IDependable] = []
        if default_role is not None:
            policies = _finish_default_role(default_role, self, batch=batch, bound=bound,
                                            findings=[f for grant in inline.values() for f in grant.findings])
        else:  # another model's (or an endpoint's) role: the binds may have created its default policy
            renew_standing_acknowledgments(self.role)
        resource = batch.new(
            sagemaker.CfnModel, self, "Resource", props=sagemaker.CfnModelProps,
            execution_role_arn=default_role.attr("roleArn") if default_role is not None else self.role.role_arn,
            primary_container=rendered[0] if len(rendered) == 1 else None,
            containers=rendered if len(rendered) > 1 else None,
            inference_execution_config=(
                struct(sagemaker.CfnModel.InferenceExecutionConfigProperty, mode=inference_execution_mode.value)
                if inference_execution_mode is not None else None
            ),
            vpc_config=vpc_config,
            enable_network_isolation=network_isolation or None,
        )
        # The role's policies must exist before SageMaker validates the model (it pulls the image);
        # the role itself (with its inline policy) is already a dependency through ExecutionRoleArn.
        if role is not None:
            policies = policies_of(self.role)
        if policies:
            batch.call(batch.of(resource, "node"), "addDependency", *policies)
        model_name = batch.get(resource.attr("attrModelName"))
        batch.run()
        if default_role is not None:
            self.role = default_role.value
        self.grant_principal: iam.IPrincipal = self.role
        self.resource: sagemaker.CfnModel = resource.value
        self.model_name: str = model_name.value
        """The model's name (chosen by CloudFormation)."""
        del self._default_role

    role: iam.IRole
    """The execution role SageMaker assumes."""

    def _execution_role(self) -> iam.IRole:
        """The execution role while the model is being made (the default role is made first if it is queued)."""
        return typing.cast(iam.IRole, self._default_role.value) if self._default_role is not None else self.role

    def _render(self, index: int, definition: ContainerDefinition,
                prefix: str) -> dict[str, Any]:
        scope = Construct(self, f"Container{index}") if index else self
        image_uri = bind_image(definition.image, scope,
                               None if (index, "image") in self._inline else self._execution_role(),
                               owner=self, construct_type="InferenceModel",
                               field=f"{prefix}image") if definition.image else None
        data_url: str | None = None
        source: dict[str, Any] | None = None
        if definition.model_data is not None:
            url = definition.model_data.bind(scope, None if (index, "model_data") in self._inline
                                             else self._execution_role(),
                                             prefix=definition.mode is ContainerMode.MULTI_MODEL)
            if definition.model_data.uncompressed:
                source = struct(
                    sagemaker.CfnModel.ModelDataSourceProperty,
                    s3_data_source=struct(
                        sagemaker.CfnModel.S3DataSourceProperty,
                        s3_uri=url, s3_data_type="S3Prefix", compression_type="None",
                        model_access_config=struct(sagemaker.CfnModel.ModelAccessConfigProperty, accept_eula=True)
                        if definition.model_data.accept_eula else None))
            else:
                data_url = url
        credentials = definition.repository_credentials_provider_arn
        if credentials:  # SageMaker calls it with the execution role (the developer guide's private-registry page)
            self._execution_role().add_to_principal_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"],
                                                                  resources=[credentials]))
        return struct(
            sagemaker.CfnModel.ContainerDefinitionProperty,
            image=image_uri,
            model_data_url=data_url,
            model_data_source=source,
            environment=dict(definition.environment) if definition.environment else None,
            mode=definition.mode.value if definition.mode is not ContainerMode.SINGLE_MODEL else None,
            container_hostname=definition.container_hostname,
            image_config=(
                struct(sagemaker.CfnModel.ImageConfigProperty,
                       repository_access_mode=definition.repository_access_mode.value,
                       repository_auth_config=struct(sagemaker.CfnModel.RepositoryAuthConfigProperty,
                                                     repository_credentials_provider_arn=credentials)
                       if credentials else None)
                if definition.repository_access_mode is not RepositoryAccessMode.PLATFORM else None
            ),
            multi_model_config=struct(
                sagemaker.CfnModel.MultiModelConfigProperty,
                model_cache_setting="Enabled" if definition.model_cache else "Disabled")
            if definition.model_cache is not None else None,
            model_package_name=(definition.model_package.bind(scope, self._execution_role())
                                if definition.model_package else None),
            inference_specification_name=(definition.model_package.inference_specification
                                          if definition.model_package else None),
        )


class _ImportedModel(InferenceModel):
    """A model created outside this app: its name and role, no resource (``resource`` is not set)."""

    def __init__(self, scope: Construct, construct_id: str, *, role: iam.IRole, model_name: str | None = None,
                 model_arn: str | None = None) -> None:
        Construct.__init__(self, scope, construct_id)
        check = Checker()
        if model_arn is not None:
            check.text("model.imported-arn", "model_arn", with_literal_start(self, model_arn),
                       fix="pass the model's ARN, arn:aws:sagemaker:<region>:<account>:model/<name> (DescribeModel's "
                       "ModelArn), or its name to InferenceModel.from_model_name")
        else:
            check.text("model.imported-name", "model_name", with_literal_start(self, model_name),
                       fix="pass the model's name: 1–63 letters, digits and hyphens, starting and ending with a "
                       "letter or digit")
        if check.problems:
            raise ValidationError(self.node.path, "InferenceModel", check.problems)
        if model_arn is not None:  # arn:<partition>:sagemaker:<region>:<account>:model/<name>
            if is_unresolved(model_arn):
                model_name = Fn.select(1, Fn.split(":model/", model_arn))
            else:
                model_name = model_arn.split(":model/", 1)[1]
                check.text("model.imported-name", "model_arn", model_name,
                           fix="the ARN's name (after model/) must be 1–63 letters, digits and hyphens")
                if check.problems:
                    raise ValidationError(self.node.path, "InferenceModel", check.problems)
        from ..specs import ModelSpec

        self.spec = ModelSpec(containers=())
        self.role = role
        self.grant_principal = role
        self.security_groups = ()
        self.model_name = str(model_name)


def _selection_kwargs(selection: ec2.SubnetSelection | None) -> dict[str, Any]:
    if selection is None:
        return {}
    return {k: v for k, v in {
        "availability_zones": selection.availability_zones,
        "one_per_az": selection.one_per_az,
        "subnet_filters": selection.subnet_filters,
        "subnet_group_name": selection.subnet_group_name,
        "subnets": selection.subnets,
        "subnet_type": selection.subnet_type,
    }.items() if v is not None}


def _container_spec(scope: Construct, definition: ContainerDefinition) -> ContainerSpec:
    from ..specs import ContainerSpec

    image = definition.image
    data = definition.model_data
    return ContainerSpec(
        image=image.validation_uri if image else None,
        accelerator=image.accelerator if image else Accelerator.NONE,
        accelerator_guessed=bool(image and image.accelerator_guessed),
        image_description=image.description if image else None,
        model_data_url=data.validation_url if data else None,
        model_data_uncompressed=bool(data and data.uncompressed),
        environment=dict(definition.environment or {}),
        mode=definition.mode.value if isinstance(definition.mode, ContainerMode) else str(definition.mode),
        hostname=with_literal_start(scope, definition.container_hostname),
        repository_credentials=definition.repository_credentials_provider_arn,
        model_cache=definition.model_cache,
        repository_access_mode=(definition.repository_access_mode.value
                                if isinstance(definition.repository_access_mode, RepositoryAccessMode)
                                else str(definition.repository_access_mode)),
        marketplace=definition.model_package is not None and definition.model_package.marketplace,
        model_package_name=(with_literal_start(scope, definition.model_package.validation_arn)
                            if definition.model_package else None),
        model_package_source=definition.model_package.source.value if definition.model_package else None,
        inference_specification=(with_literal_start(scope, definition.model_package.inference_specification)
                                 if definition.model_package else None),
    )


def _default_role(scope: Construct, *, batch: Batch, vpc: bool, pulls_from_ecr: bool,
                  grants: Sequence[InlineGrant] = ()) -> Ref:
    """A role with CloudWatch Logs and metrics (and, for ``vpc``, the network interfaces; for
    ``pulls_from_ecr``, ECR's authorization token) and ``grants`` in its inline policy, queued in ``batch``; the
    grants the binds make go to its default policy, and ``_finish_default_role`` completes it once they are."""
    stack = stack_of(scope)
    unscoped = {ECR_AUTH: _ECR_AUTH} if pulls_from_ecr else {}
    if vpc:
        unscoped[VPC_ACCESS] = _VPC_ACCESS
    role = create_execution_role(
        scope, "Role", description="SageMaker model execution role (least privilege, cdk-sagemaker-inference)",
        statements=[*(batch.constant(shared) for shared in (_logs_statement(stack), _METRICS, *unscoped.values())),
                    *(statement for grant in grants for statement in grant.statements)],
        names=unscoped, batch=batch)
    return role


def _finish_default_role(role: Ref, scope: Construct, *, batch: Batch, bound: bool,
                         findings: Sequence[tuple[str, str | None, str]] = ()) -> list[IDependable]:
    """The acknowledgments of ``role`` (made in ``scope`` by :func:`_default_role`; the inline policy's
    ``findings`` among them), queued in ``batch``, and the policy the model depends on: the default policy when
    ``bound`` (a bind granted something; none under ``iam.Role.customize_roles``, a role that only records its
    policies)."""
    default_policy = node_of(role.value).try_find_child("DefaultPolicy") if bound else None
    policies: list[IDependable] = [default_policy] if default_policy is not None else []
    if policies:
        remember_policies(role.value, *policies)
    stack = stack_of(scope)
    no_inline = ("NIST.800.53.R5-IAMNoInlinePolicy", None,
                 "The role's permissions are inline policies scoped to this model's image, data, logs and its "
                 "endpoint's locations: a customer-managed policy could be attached to other principals. Pass "
                 "role= to use a role of your own")
    read_grant = "aws-cdk-lib's read grant, scoped to the model data bucket and object (or prefix)"
    reads = [("AwsSolutions-IAM5", f"Action::{action}", read_grant) for action in _BUCKET_READ_ACTIONS]
    # One call for the role resource: Resource "*" and the log groups are acknowledged there, on the inline
    # policy only the library writes, never on the role's default policy, so a user's "*" statement there
    # stays reported.
    acknowledge_execution_role(role, [
        ("AwsSolutions-IAM5", "Resource::*", _UNSCOPED_REASON),
        ("AwsSolutions-IAM5", _logs_finding(stack),
         "SageMaker names endpoint log groups /aws/sagemaker/Endpoints/<name> at run time"),
        no_inline, *reads, *findings], batch=batch)
    # The library's grants into the default policy (now, or an endpoint's later): acknowledged on the role.
    acknowledge_all(role, [*reads, no_inline], standing=True, batch=batch)
    return policies


_UNSCOPED_REASON = ("cloudwatch:PutMetricData (scoped by a namespace condition), ecr:GetAuthorizationToken and "
                    "the EC2 network-interface actions of a VPC support no resource-level permissions")


def _logs_statement(stack: Stack) -> dict[str, Any]:
    """The log-group statement of every default role of ``stack`` (its ARN asked once per stack)."""
    def create() -> dict[str, Any]:
        arn = stack.format_arn(service="logs", resource="log-group", resource_name="/aws/sagemaker/*",
                               arn_format=_colon_resource_name())
        return {"Sid": "EndpointLogs", "Effect": "Allow", "Resource": arn,
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                           "logs:DescribeLogStreams"]}

    return memo(stack, "default-role-logs", create)


_METRICS: dict[str, Any] = {
    "Sid": "EndpointMetrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData",
    "Resource": "*",  # PutMetricData has no resource type: the namespace condition scopes it
    "Condition": {"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "AWS/SageMaker"]}}}
ECR_AUTH = "ecr-auth"
_ECR_AUTH: dict[str, Any] = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
VPC_ACCESS = "vpc-access"
_VPC_ACCESS: dict[str, Any] = {  # the ENI permissions SageMaker needs to place containers in a VPC (only on "*")
    "Sid": "VpcNetworkInterfaces", "Effect": "Allow", "Resource": "*",
    "Action": ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
               "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
               "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
               "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]}


def _logs_finding(stack: Stack) -> str:
    """cdk-nag's IAM5 finding for the log-group statement, as this stack renders it: the Region and
    account are tokens in an environment-agnostic stack and literals in an env-pinned one (the
    acknowledgment must name what cdk-nag reports, or the finding stays unacknowledged)."""
    def render() -> str:
        partition, region, account = stack.partition, stack.region, stack.account
        parts = ["<AWS::Partition>" if is_unresolved(partition) else partition,
                 "<AWS::Region>" if is_unresolved(region) else region,
                 "<AWS::AccountId>" if is_unresolved(account) else account]
        return f"Resource::arn:{parts[0]}:logs:{parts[1]}:{parts[2]}:log-group:/aws/sagemaker/*"

    return memo(stack, "logs-finding", render)


def _colon_resource_name() -> Any:
    from aws_cdk import ArnFormat

    return ArnFormat.COLON_RESOURCE_NAME
