"""From a synthesized template to SageMaker API requests, and a fast cfn-lint.

CloudFormation intrinsics are replaced by well-formed placeholders: pseudo parameters by fixed
values (us-east-1, account 123456789012), a reference to a resource by a value of the kind
CloudFormation returns for it (a bucket name, a topic ARN, a key ARN, …), a template parameter
by a value valid for the API field it lands in (an :class:`oracles.Unknown`), and ``Fn::Join``,
``Fn::Sub``, ``Fn::Select``, ``Fn::Split`` and ``Fn::FindInMap`` are evaluated on those.

CloudFormation property names are the API parameter names for ``AWS::SageMaker::Model`` →
CreateModel, ``EndpointConfig`` → CreateEndpointConfig (``ProductionVariants[].ServerlessConfig``,
``AsyncInferenceConfig``, ``DataCaptureConfig`` included) and ``Endpoint`` → CreateEndpoint (compared
against cfn-lint's resource schemas): the differences are the read-only ``*Arn`` attributes, and the
Endpoint's ``RetainAllVariantProperties`` / ``ExcludeRetainedVariantProperties`` /
``RetainDeploymentConfig``, which are UpdateEndpoint parameters and are dropped here. The names
CloudFormation generates (ModelName, EndpointConfigName, EndpointName) become placeholders that
link the requests (a variant's ModelName is the placeholder name of the model it references).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape

from oracles import Unknown, UnknownFloat, UnknownInt, UnknownStr, input_shape

REGION = "us-east-1"
ACCOUNT = "123456789012"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "placeholder-stack",
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/placeholder-stack/1",
}


def _arn(service: str, resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _name(logical_id: str, prefix: str = "p") -> str:
    """A name valid for SageMaker name patterns, unique per logical id."""
    return f"{prefix}-{logical_id}"[:63]


def _ref(resource_type: str, logical_id: str) -> str | None:
    """What ``Ref`` returns for a resource of this type."""
    name = _name(logical_id).lower()
    return {
        "AWS::S3::Bucket": f"placeholder-bucket-{logical_id.lower()}"[:63],
        "AWS::SNS::Topic": _arn("sns", name),
        "AWS::KMS::Key": KEY_ID,
        "AWS::KMS::Alias": f"alias/{name}",
        "AWS::IAM::Role": name,
        "AWS::IAM::Policy": name,
        "AWS::IAM::ManagedPolicy": _arn("iam", f"policy/{name}", region=""),
        "AWS::SageMaker::Model": _arn("sagemaker", f"model/{name}"),
        "AWS::SageMaker::EndpointConfig": _arn("sagemaker", f"endpoint-config/{name}"),
        "AWS::SageMaker::Endpoint": _arn("sagemaker", f"endpoint/{name}"),
        "AWS::SageMaker::InferenceComponent": _arn("sagemaker", f"inference-component/{name}"),
        "AWS::EC2::SecurityGroup": "sg-0123456789abcdef0",
        "AWS::EC2::Subnet": "subnet-0123456789abcdef0",
        "AWS::EC2::VPC": "vpc-0123456789abcdef0",
        "AWS::StepFunctions::StateMachine": _arn("states", f"stateMachine:{name}"),
        "AWS::Lambda::Function": name,
        "AWS::CloudWatch::Alarm": name,
        "AWS::Logs::LogGroup": name,
        "AWS::Events::Rule": name,
        "AWS::ECR::Repository": name,
    }.get(resource_type)


def _get_att(resource_type: str, logical_id: str, attribute: str) -> str | None:
    """What ``Fn::GetAtt`` returns for this resource type and attribute."""
    name = _name(logical_id).lower()
    known = {
        ("AWS::S3::Bucket", "Arn"): f"arn:aws:s3:::placeholder-bucket-{logical_id.lower()}"[:80],
        ("AWS::S3::Bucket", "DomainName"): f"placeholder-bucket-{logical_id.lower()}.s3.amazonaws.com",
        ("AWS::SNS::Topic", "TopicArn"): _arn("sns", name),
        ("AWS::SNS::Topic", "TopicName"): name,
        ("AWS::KMS::Key", "Arn"): _arn("kms", f"key/{KEY_ID}"),
        ("AWS::KMS::Key", "KeyId"): KEY_ID,
        ("AWS::IAM::Role", "Arn"): f"arn:aws:iam::{ACCOUNT}:role/{name}",
        ("AWS::IAM::Role", "RoleId"): "AROAPLACEHOLDER",
        ("AWS::SageMaker::Model", "ModelName"): _name(logical_id, "m"),
        ("AWS::SageMaker::EndpointConfig", "EndpointConfigName"): _name(logical_id, "c"),
        ("AWS::SageMaker::Endpoint", "EndpointName"): _name(logical_id, "e"),
        ("AWS::EC2::SecurityGroup", "GroupId"): "sg-0123456789abcdef0",
        ("AWS::StepFunctions::StateMachine", "Arn"): _arn("states", f"stateMachine:{name}"),
        ("AWS::StepFunctions::StateMachine", "Name"): name,
        ("AWS::CloudWatch::Alarm", "Arn"): _arn("cloudwatch", f"alarm:{name}"),
        ("AWS::Logs::LogGroup", "Arn"): _arn("logs", f"log-group:{name}:*"),
        ("AWS::Lambda::Function", "Arn"): _arn("lambda", f"function:{name}"),
        ("AWS::ECR::Repository", "Arn"): _arn("ecr", f"repository/{name}"),
        ("AWS::Events::Rule", "Arn"): _arn("events", f"rule/{name}"),
    }
    if (resource_type, attribute) in known:
        return known[(resource_type, attribute)]
    service = resource_type.split("::")[1].lower() if resource_type.count("::") == 2 else "unknown"
    if attribute.endswith("Arn"):
        return _arn(service, f"placeholder/{name}")
    if attribute.endswith(("Name", "Id")):
        return name
    return None


# --------------------------------------------------------------------------- placeholders by field

_CANDIDATES = {
    "arn": (f"arn:aws:iam::{ACCOUNT}:role/placeholder-role", _arn("sns", "placeholder-topic"),
            _arn("kms", f"key/{KEY_ID}"), _arn("sagemaker", "model-package/placeholder/1")),
    "url": ("s3://placeholder-bucket/placeholder-key",),
    "image": (f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/placeholder:latest",),
    "name": ("placeholder-name", "Placeholder", "placeholder", "sg-0123456789abcdef0", "1", "text/csv"),
}


def _string_candidates(shape: Shape | None) -> list[str]:
    name = (shape.name if shape is not None else "").lower()
    order: list[str] = []
    if "arn" in name or "role" in name or "topic" in name or "kms" in name or "packagename" in name:
        order += _CANDIDATES["arn"]
    if "url" in name or "uri" in name or "s3" in name or "path" in name:
        order += _CANDIDATES["url"]
    if "image" in name:
        order += _CANDIDATES["image"]
    for values in _CANDIDATES.values():
        order += [v for v in values if v not in order]
    return order


def _fits(value: str, shape: Shape | None) -> bool:
    if shape is None:
        return True
    meta = shape.metadata
    if not meta.get("min", 0) <= len(value) <= meta.get("max", 10**9):
        return False
    enum = getattr(shape, "enum", None)
    if enum:
        return value in enum
    pattern = meta.get("pattern")
    if pattern:
        try:
            return re.fullmatch(pattern, value) is not None
        except re.error:
            return True
    return True


def placeholder_for(shape: Shape | None) -> Any:
    """An :class:`Unknown` value that is valid for ``shape`` (an API member shape)."""
    kind = shape.type_name if shape is not None else "string"
    if kind in ("integer", "long"):
        assert shape is not None
        low = shape.metadata.get("min", 1)
        high = shape.metadata.get("max", max(low, 1))
        return UnknownInt(max(low, min(1, high)))
    if kind in ("float", "double"):
        assert shape is not None
        return UnknownFloat(max(shape.metadata.get("min", 1.0), 1.0))
    if kind == "boolean":
        return False
    if kind == "list":
        assert shape is not None
        return [placeholder_for(shape.member)]
    if kind == "string":
        enum = getattr(shape, "enum", None)
        if enum:
            return UnknownStr(enum[0])
        for candidate in _string_candidates(shape):
            if _fits(candidate, shape):
                return UnknownStr(candidate)
    return UnknownStr("placeholder")


# --------------------------------------------------------------------------- resolution


@dataclass
class Resolver:
    """Evaluates intrinsics of one template."""

    template: Mapping[str, Any]

    @property
    def resources(self) -> Mapping[str, Any]:
        return self.template.get("Resources", {})

    @property
    def parameters(self) -> Mapping[str, Any]:
        return self.template.get("Parameters", {})

    def ref(self, target: str, shape: Shape | None) -> Any:
        if target in PSEUDO:
            return PSEUDO[target]
        if target in self.parameters:
            if shape is None and self.parameters[target].get("Type") == "Number":
                return UnknownInt(1)  # e.g. inside a state machine definition's JSON text
            return placeholder_for(shape)
        resource = self.resources.get(target)
        if resource is not None:
            value = _ref(resource["Type"], target)
            if value is not None:
                return value
        return placeholder_for(shape)

    def get_att(self, target: str, attribute: str, shape: Shape | None) -> Any:
        resource = self.resources.get(target)
        if resource is not None:
            value = _get_att(resource["Type"], target, attribute)
            if value is not None:
                return value
        return placeholder_for(shape)

    def resolve(self, node: Any, shape: Shape | None = None) -> Any:
        """``node`` with every intrinsic evaluated; ``shape`` guides placeholders for parameters."""
        if isinstance(node, list):
            member = shape.member if shape is not None and shape.type_name == "list" else None
            return [self.resolve(item, member) for item in node if not _is_no_value(item)]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg, shape)
            if key == "Fn::GetAtt":
                target, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(target, attribute, shape)
            if key == "Fn::Join":
                delimiter, parts = arg
                values = self.resolve(parts)
                if not isinstance(values, list):
                    return placeholder_for(shape)
                text = delimiter.join(str(v) for v in _flatten(values))
                unknown = any(isinstance(v, Unknown) for v in _flatten(values))
                return UnknownStr(text) if unknown else text
            if key == "Fn::Select":
                index, items = arg
                values = self.resolve(items)
                return values[int(self.resolve(index))] if isinstance(values, list) else placeholder_for(shape)
            if key == "Fn::Split":
                delimiter, text = arg
                value = self.resolve(text)
                return str(value).split(delimiter)
            if key == "Fn::FindInMap":
                name, first, second = (self.resolve(a) for a in arg[:3])
                return self.template["Mappings"][name][first][second]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                _condition, yes, _no = arg
                return self.resolve(yes, shape)
            if key == "Fn::GetAZs":
                return [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
            if key == "Fn::Base64":
                return self.resolve(arg, shape)
            if key == "Fn::ImportValue" and shape is None:
                return UnknownInt(1)  # inside JSON text (a definition string): "1" fits a number and a string
            if key.startswith("Fn::"):
                return placeholder_for(shape)
        return self.resolve_structure(node, shape)

    def resolve_structure(self, node: Mapping[str, Any], shape: Shape | None) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, value in node.items():
            if _is_no_value(value):
                continue
            member: Shape | None = None
            if shape is not None and shape.type_name == "structure":
                member = shape.members.get(name)
            elif shape is not None and shape.type_name == "map":
                member = shape.value
            result[name] = self.resolve(value, member)
        return result

    def _sub(self, arg: Any) -> Any:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        unknown = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown
            name = match.group(1)
            if name in variables:
                value = self.resolve(variables[name])
            elif "." in name:
                target, attribute = name.split(".", 1)
                value = self.get_att(target, attribute, None)
            else:
                value = self.ref(name, None)
            unknown = unknown or isinstance(value, Unknown)
            return str(value)

        result = re.sub(r"\$\{([^!}][^}]*)\}", replace, text)
        return UnknownStr(result) if unknown else result


def _is_no_value(node: Any) -> bool:
    return isinstance(node, dict) and node == {"Ref": "AWS::NoValue"}


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(_flatten(value))
        else:
            flat.append(value)
    return flat


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Request:
    """One SageMaker API request that a resource of the template stands for."""

    operation: str
    logical_id: str
    params: dict[str, Any]


_OPERATIONS = {
    "AWS::SageMaker::Model": ("CreateModel", "ModelName", "m"),
    "AWS::SageMaker::EndpointConfig": ("CreateEndpointConfig", "EndpointConfigName", "c"),
    "AWS::SageMaker::Endpoint": ("CreateEndpoint", "EndpointName", "e"),
    "AWS::SageMaker::InferenceComponent": ("CreateInferenceComponent", "InferenceComponentName", "ic"),
}
# CloudFormation-only properties: the Endpoint's Retain*/Exclude* are UpdateEndpoint parameters, and so is an
# inference component's DeploymentConfig (UpdateInferenceComponent).
_CFN_ONLY = {"ExcludeRetainedVariantProperties", "RetainAllVariantProperties", "RetainDeploymentConfig"}
_CFN_ONLY_BY_TYPE = {"AWS::SageMaker::InferenceComponent": {"DeploymentConfig"}}


def sagemaker_requests(template: Mapping[str, Any]) -> list[Request]:
    """CreateModel / CreateEndpointConfig / CreateEndpoint / CreateInferenceComponent requests of the template's resources,
    and CreateTransformJob requests of its state machines."""
    resolver = Resolver(template)
    requests: list[Request] = []
    for logical_id, resource in template.get("Resources", {}).items():
        kind = resource.get("Type")
        if kind in _OPERATIONS:
            operation, name_key, prefix = _OPERATIONS[kind]
            skipped = _CFN_ONLY | _CFN_ONLY_BY_TYPE.get(kind, set())
            properties = {k: v for k, v in resource.get("Properties", {}).items() if k not in skipped}
            params = resolver.resolve_structure(properties, input_shape(operation))
            params.setdefault(name_key, _name(logical_id, prefix))
            requests.append(Request(operation, logical_id, params))
        elif kind == "AWS::StepFunctions::StateMachine":
            requests += transform_job_requests(resolver, logical_id, resource)
    return requests


_TRANSFORM_RESOURCE = re.compile(r":states:::sagemaker:createTransformJob(\.sync|\.waitForTaskToken)?$")


def transform_job_requests(resolver: Resolver, logical_id: str, resource: Mapping[str, Any]) -> list[Request]:
    """CreateTransformJob requests of the Task states of a state machine definition.

    JSONPath (``"Key.$": "$.x"``) and JSONata (``"{% ... %}"``) values are resolved at run time:
    they become placeholders valid for their field.
    """
    properties = resource.get("Properties", {})
    definition = properties.get("Definition")
    if definition is None:
        text = resolver.resolve(properties.get("DefinitionString"))
        definition = json.loads(str(text))
    else:
        definition = resolver.resolve(definition)
    found: list[Request] = []
    for state_path, state in _task_states(definition):
        if not _TRANSFORM_RESOURCE.search(str(state.get("Resource", ""))):
            continue
        arguments = state.get("Arguments", state.get("Parameters", {}))
        params = _dynamic_to_placeholders(arguments, input_shape("CreateTransformJob"))
        found.append(Request("CreateTransformJob", f"{logical_id}:{state_path}", params))
    return found


def _task_states(definition: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for name, state in (definition.get("States") or {}).items():
        if not isinstance(state, Mapping):
            continue
        path = f"{prefix}{name}"
        if state.get("Type") == "Task":
            found.append((path, state))
        for branch in state.get("Branches") or []:
            found += _task_states(branch, f"{path}/")
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), Mapping):
                found += _task_states(state[key], f"{path}/")
    return found


def _dynamic_to_placeholders(node: Any, shape: Shape | None) -> Any:
    if isinstance(node, str) and node.startswith("{%") and node.endswith("%}"):
        return placeholder_for(shape)
    if isinstance(node, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return [_dynamic_to_placeholders(item, member) for item in node]
    if not isinstance(node, Mapping):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        name = key[:-2] if key.endswith(".$") else key
        member: Shape | None = None
        if shape is not None and shape.type_name == "structure":
            member = shape.members.get(name)
        elif shape is not None and shape.type_name == "map":
            member = shape.value
        if key.endswith(".$"):
            result[name] = placeholder_for(member)
        else:
            result[name] = _dynamic_to_placeholders(value, member)
    return result


# --------------------------------------------------------------------------- cfn-lint


@functools.cache
def _lint_setup() -> tuple[Any, Any]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    config = ConfigMixIn(regions=[REGION])
    return config, Runner(config).rules


def cfn_lint_errors(template: Mapping[str, Any]) -> list[str]:
    """cfn-lint's errors for ``template`` (rules loaded once per process: ~0.1 s per template)."""
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    config, rules = _lint_setup()
    decoded, errors = decode_str(json.dumps(template))
    matches = errors if errors else list(run_template_by_data(decoded, config, rules))
    return [f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path)})"
            for m in matches if m.rule.id.startswith("E")]
