"""What every benchmarked kind shares: the ``Kind`` entry, the app and stacks, hand-written constants.

A kind is one entry: a function that builds ``count`` library constructs into a stack and a
function that builds the same resources by hand with aws-cdk-lib L1 classes only (``Cfn*``),
with the same properties and the same role/policy resources. ``tests/test_bench_equivalence.py``
proves that both produce the same templates (logical ids and generated names aside). The kinds that
aws-cdk's ``aws_sagemaker_alpha`` module covers (realtime, serverless) also have a third builder, the
same endpoints written with that module; what it renders differently is listed in the kind's
``alpha_differences`` and checked by the same test.

Each side imports what it uses inside its builder (this library, the alpha module), so that a whole
process (``bench_app.py``) of one side loads only what a user's app of that side would.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import App, CfnMapping, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker

ROOT = Path(__file__).resolve().parents[1]

Builder = Callable[[Stack, int, int], None]
"""``builder(stack, first, count)`` defines items ``first .. first + count - 1`` in ``stack``."""


@dataclass(frozen=True)
class Kind:
    """One construct kind of the benchmark."""

    name: str
    """``serverless``, ``realtime``, ``async`` or ``batch``."""
    per_stack: int
    """Items per stack: keeps every template below 80% of CloudFormation's 500-resource and 1 MB
    limits (the library warns past 80%), so large N is spread over several stacks."""
    library: Builder
    """Builds the items with this library's constructs."""
    l1: Builder
    """Builds the same resources with ``Cfn*`` classes only (the lower bound a user could write)."""
    alpha: Builder | None = None
    """Builds the same endpoints with aws-cdk's ``aws_sagemaker_alpha`` module (the peer a user would
    pick instead), completed with aws-cdk-lib L2s where the module has no option; None for the kinds
    the module does not cover."""
    alpha_differences: tuple[str, ...] = ()
    """What the alpha app renders differently from the library's, one sentence each."""
    alpha_type_delta: Mapping[str, int] = field(default_factory=dict)
    """Resource types per item the alpha app has more (or, negative, fewer) than the library's
    (checked by ``tests/test_bench_equivalence.py``)."""


def cdk_context() -> dict[str, Any]:
    """The feature flags of the repository's cdk.json: both sides see what ``cdk synth`` sees."""
    try:
        context = dict(json.loads((ROOT / "cdk.json").read_text())["context"])
    except (OSError, KeyError, ValueError):
        context = {}
    # A platform with hundreds of endpoints has raised its serverless quotas and says so (no warnings).
    context["cdk-sagemaker-inference:serverless-concurrency-quota"] = 1_000_000
    context["cdk-sagemaker-inference:serverless-endpoint-quota"] = 1_000_000
    return context


def stack_ranges(n: int, per_stack: int) -> Iterator[tuple[int, int, int]]:
    """``(stack index, first item, count)`` for ``n`` items, ``per_stack`` at most in each stack."""
    for index, first in enumerate(range(0, n, per_stack)):
        yield index, first, min(per_stack, n - first)


ALPHA_MODEL_DIFFERENCES = (
    "each model's role is the module's default: the managed policy AmazonSageMakerFullAccess and one "
    "default policy (ECR pull on the repository, ecr:GetAuthorizationToken, S3 read on every object of "
    "the bucket), where the library's role has one inline least-privilege policy (logs and metrics scoped "
    "to SageMaker, ecr:GetAuthorizationToken, ECR pull on the repository, S3 read on the model object "
    "only): one AWS::IAM::Policy more per model in alpha's app",
    "the model data URL is the object's https:// URL instead of s3://",
)
"""What an alpha ``Model`` renders differently from an ``InferenceModel`` (every alpha kind has models)."""


def builder_of(kind: Kind, side: str) -> Builder:
    """The builder of ``side`` (``library``, ``alpha`` or ``l1``)."""
    builder = {"library": kind.library, "alpha": kind.alpha, "l1": kind.l1}.get(side)
    if builder is None:
        raise ValueError(f"kind {kind.name!r} has no {side!r} side")
    return builder


L1_IMPORTS_BUCKET = "BENCH_L1_IMPORTS_BUCKET"
"""Environment variable: when set, the hand-written app also imports the models' bucket in each stack, as the library
app does for ``ModelData.from_bucket`` (``synth_bench.py --l1-imports-bucket``: how much of the whole-process gap that
import is; it adds no resource)."""


def build_app(kind: Kind, side: str, n: int, outdir: str | None = None) -> App:
    """An app holding ``n`` items of ``kind`` built by ``side`` (``library``, ``alpha`` or ``l1``)."""
    builder = builder_of(kind, side)
    app = App(outdir=outdir, context=cdk_context()) if outdir else App(context=cdk_context())
    for index, first, count in stack_ranges(n, kind.per_stack):
        stack = Stack(app, f"Bench{kind.name.capitalize()}{index}")
        if side == "l1" and os.environ.get(L1_IMPORTS_BUCKET):
            from aws_cdk import aws_s3 as s3

            s3.Bucket.from_bucket_name(stack, "Models", BUCKET)
        builder(stack, first, count)
    return app


# -- constants a hand-writer pastes into an L1 stack ------------------------------------------
SAGEMAKER_ASSUME_ROLE_POLICY: dict[str, Any] = {
    "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                   "Principal": {"Service": "sagemaker.amazonaws.com"}}],
    "Version": "2012-10-17",
}
METADATA_KEY = "cdk-sagemaker-inference"
"""The library's metadata key (pasted, so that the hand-written app does not import the library;
``tests/test_bench_equivalence.py`` checks it is the library's)."""
BUCKET = "bench-models"
"""The (imported) bucket every benchmark model's data lives in."""
REPOSITORY, TAG = "pytorch-inference", "2.3.0-cpu-py311"
"""The DLC image every benchmark model runs."""


def model_key(i: int) -> str:
    """The model data key of endpoint (or job) ``i``."""
    return f"models/m{i}/model.tar.gz"


MODEL_ROLE_DESCRIPTION = "SageMaker model execution role (least privilege, cdk-sagemaker-inference)"
PARTITION: dict[str, Any] = {"Ref": "AWS::Partition"}
REGION: dict[str, Any] = {"Ref": "AWS::Region"}
ACCOUNT: dict[str, Any] = {"Ref": "AWS::AccountId"}
URL_SUFFIX: dict[str, Any] = {"Ref": "AWS::URLSuffix"}
DLC_MAPPING = "DlcRepositoryAccountMap"
DLC_ACCOUNT: dict[str, Any] = {"Fn::FindInMap": [DLC_MAPPING, REGION, "value"]}
AUTOSCALING_SERVICE_LINKED_ROLE: dict[str, Any] = {"Fn::Join": ["", [
    "arn:", PARTITION, ":iam::", ACCOUNT,
    ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
]]}


def join(*parts: Any) -> dict[str, Any]:
    """``Fn::Join`` with an empty delimiter."""
    return {"Fn::Join": ["", list(parts)]}


DLC_ACCOUNTS_FILE = "BENCH_DLC_ACCOUNTS_FILE"
"""Environment variable: a JSON file holding ``dlc_accounts()``, written by the runner, so that the
hand-written app of a whole-process run reads the table as a pasted constant would cost (nothing)."""


@functools.cache
def dlc_accounts() -> dict[str, dict[str, str]]:
    """The DLC account of each Region (the table a hand-writer pastes; computed once per process,
    before the timed region, from aws-cdk-lib's region facts and the app's target partitions, as
    ``Stack.regional_fact`` does, so that both sides agree)."""
    pasted = os.environ.get(DLC_ACCOUNTS_FILE)
    if pasted:
        table: dict[str, dict[str, str]] = json.loads(Path(pasted).read_text())
        return table
    from aws_cdk.region_info import FactName, RegionInfo

    partitions = cdk_context().get("@aws-cdk/core:target-partitions")
    accounts = (RegionInfo.limited_region_map(FactName.DLC_REPOSITORY_ACCOUNT, partitions) if partitions
                else RegionInfo.region_map(FactName.DLC_REPOSITORY_ACCOUNT))
    return {region: {"value": account} for region, account in accounts.items()}


def dlc_mapping(stack: Stack) -> None:
    """The Region → DLC account mapping, once per stack (what ``Stack.regional_fact`` renders)."""
    CfnMapping(stack, DLC_MAPPING, mapping=dlc_accounts())


def model_role(stack: Stack, name: str, key: str) -> iam.CfnRole:
    """A model's execution role as the library writes it: its log groups, its statements on resource ``*``
    and the pull of its DLC image and read of its model object ``key`` in an inline policy of the role;
    an endpoint's later grants go to a policy beside it (``grant_policy``)."""
    return iam.CfnRole(stack, name, assume_role_policy_document=SAGEMAKER_ASSUME_ROLE_POLICY,
                       description=MODEL_ROLE_DESCRIPTION,
                       policies=[iam.CfnRole.PolicyProperty(
                           policy_name="SageMakerExecution",
                           policy_document={"Statement": [*MODEL_ROLE_INLINE,
                                                          *model_role_statements(REPOSITORY, BUCKET, key)],
                                            "Version": "2012-10-17"})])


MODEL_ROLE_INLINE: list[dict[str, Any]] = [
    {"Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
     "Effect": "Allow",
     "Resource": join("arn:", PARTITION, ":logs:", REGION, ":", ACCOUNT, ":log-group:/aws/sagemaker/*"),
     "Sid": "EndpointLogs"},
    {"Action": "cloudwatch:PutMetricData",
     "Condition": {"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "AWS/SageMaker"]}},
     "Effect": "Allow", "Resource": "*", "Sid": "EndpointMetrics"},
    {"Action": "ecr:GetAuthorizationToken", "Effect": "Allow", "Resource": "*"},
]
"""The model role's inline policy (actions sorted, as aws-cdk-lib renders them with the
``@aws-cdk/aws-iam:minimizePolicies`` flag)."""


def model_role_statements(image_repository: str, bucket: str, key: str) -> list[dict[str, Any]]:
    """What a model's execution role needs for a DLC image and one model object (in its inline policy)."""
    return [
        {"Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
         "Effect": "Allow",
         "Resource": join("arn:", PARTITION, ":ecr:", REGION, ":", DLC_ACCOUNT, f":repository/{image_repository}")},
        {"Action": ["s3:GetBucket*", "s3:GetObject*", "s3:List*"],
         "Effect": "Allow",
         "Resource": [join("arn:", PARTITION, f":s3:::{bucket}"), join("arn:", PARTITION, f":s3:::{bucket}/{key}")]},
    ]


def grant_policy(stack: Stack, name: str, role_ref: str, statements: list[dict[str, Any]]) -> iam.CfnPolicy:
    """A role's default policy (its grants), as aws-cdk-lib writes it."""
    return iam.CfnPolicy(stack, f"{name}Policy", policy_name=f"{name}Policy", roles=[role_ref],
                         policy_document={"Statement": statements, "Version": "2012-10-17"})


def role_policies(stack: Stack, name: str, role_ref: str, statements: list[dict[str, Any]],
                  unscoped: list[dict[str, Any]]) -> tuple[iam.CfnPolicy, iam.CfnPolicy]:
    """A state machine role's two policies, as the library writes them: its grants, then those on ``*``."""
    policy = grant_policy(stack, name, role_ref, statements)
    return policy, iam.CfnPolicy(stack, f"{name}UnscopedActions", policy_name=f"{name}UnscopedActions",
                                 roles=[role_ref], policy_document={"Statement": unscoped, "Version": "2012-10-17"})


def dlc_image_uri(repository: str, tag: str) -> dict[str, Any]:
    """``<dlc account>.dkr.ecr.<region>.<url suffix>/<repository>:<tag>``."""
    return join(DLC_ACCOUNT, ".dkr.ecr.", REGION, ".", URL_SUFFIX, f"/{repository}:{tag}")


# -- equivalence of the two sides ---------------------------------------------------------------
GENERATED_NAMES = {"AWS::IAM::Policy": "PolicyName", "AWS::ApplicationAutoScaling::ScalingPolicy": "PolicyName"}
"""Names CloudFormation requires, which the library derives from construct paths and a hand-writer
picks: the only properties allowed to differ."""


def canonical_template(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` with every logical id replaced by ``<type>#<k>`` (the k-th resource of that type,
    in template order) and the generated names dropped, so that two templates that declare the same
    resources with the same properties compare equal."""
    resources: dict[str, Any] = template.get("Resources", {})
    seen: dict[str, int] = {}
    canonical_ids: dict[str, str] = {}
    for logical_id, body in resources.items():
        index = seen.get(body["Type"], 0)
        seen[body["Type"]] = index + 1
        canonical_ids[logical_id] = f"{body['Type']}#{index}"

    def rewrite(value: Any) -> Any:
        if isinstance(value, str):
            return canonical_ids.get(value, value)
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        if isinstance(value, dict):
            return {k: rewrite(v) for k, v in value.items()}
        return value

    out: dict[str, Any] = {}
    for logical_id, body in resources.items():
        body = rewrite(body)
        name = GENERATED_NAMES.get(body["Type"])
        if name:
            body.get("Properties", {}).pop(name, None)
        if isinstance(body.get("DependsOn"), list):
            body["DependsOn"] = sorted(body["DependsOn"])
        out[canonical_ids[logical_id]] = body
    return {**{k: rewrite(v) for k, v in template.items() if k != "Resources"}, "Resources": out}


def retained_endpoint(stack: Stack, construct_id: str, config_name: str) -> sagemaker.CfnEndpoint:
    """An autoscaled endpoint as the library writes it: updates keep the running instance counts
    (weights and data capture excluded from retention)."""
    return sagemaker.CfnEndpoint(
        stack, construct_id, endpoint_config_name=config_name, retain_all_variant_properties=True,
        exclude_retained_variant_properties=[
            sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type=kind)
            for kind in ("DesiredWeight", "DataCaptureConfig")])
