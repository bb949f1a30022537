"""AsyncEndpoint: every async constraint passes and fails with a message that says why, and the
documented scale-to-zero recipe is in the template exactly."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match

from cdk_sagemaker_inference import (
    METADATA_KEY,
    AsyncEndpoint,
    AsyncS3Location,
    ContainerDefinition,
    ContainerImage,
    ContainerMode,
    IncludeInferenceResponseIn,
    InferenceExecutionMode,
    InferenceModel,
    InstanceType,
    ModelData,
    ModelPackage,
    ValidationError,
)
from cdk_sagemaker_inference.validation.async_inference import (
    LocationSpec,
    validate_async_inference,
    validate_async_locations,
)
from helpers import (
    cfn_lint_errors,
    infos_of,
    nag_findings,
    new_app,
    new_stack,
    resources_of,
    snapshot_of,
    template_of,
    warnings_of,
)
from stacks.async_stack import AsyncStack
from stacks.common import synthesizer
from template_invariants import check_template, policy_documents

IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker")
SUCCESS = IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC
ERROR = IncludeInferenceResponseIn.ERROR_NOTIFICATION_TOPIC
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:"


def model_in(stack: Any, **kwargs: Any) -> InferenceModel:
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    props: dict[str, Any] = {"image": IMAGE, "model_data": ModelData.from_bucket(bucket, "m/model.tar.gz")}
    props.update(kwargs)
    return InferenceModel(stack, "Model", **props)


def async_endpoint(stack: Any = None, model: InferenceModel | None = None, **kwargs: Any) -> AsyncEndpoint:
    stack = stack or new_stack()
    props: dict[str, Any] = {"instance_type": InstanceType.G5_XLARGE}
    props.update(kwargs)
    return AsyncEndpoint(stack, "Endpoint", model=model or model_in(stack), **props)


def refused(**kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        async_endpoint(**kwargs)
    return caught.value


def template_json(endpoint: AsyncEndpoint) -> dict[str, Any]:
    return template_of(endpoint.node.scope).to_json()  # type: ignore[arg-type]


def only(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = resources_of(template, resource_type).values()
    return resource


def logical_id(template: dict[str, Any], resource_type: str) -> str:
    (name,) = resources_of(template, resource_type)
    return name


def s3_uri_of(bucket_ref: Any, prefix: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["s3://", bucket_ref, f"/{prefix}"]]}


def statements_of(template: dict[str, Any], role_prefix: str) -> list[dict[str, Any]]:
    """Every statement that applies to the roles ``role_prefix…``: their policies and their inline policies."""
    return [statement for _, statements, roles in policy_documents(template["Resources"])
            if any(r.get("Ref", "").startswith(role_prefix) for r in roles) for statement in statements]


def flat(value: Any) -> str:
    """A resource ARN as text: joins are joined, references become <Name>."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        return str(delimiter).join(flat(p) for p in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    return repr(value)


def actions_on(statements: list[dict[str, Any]], resource_suffix: str) -> set[str]:
    """Actions allowed on resources whose ARN ends with ``resource_suffix``."""
    found: set[str] = set()
    for statement in statements:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if any(flat(r).endswith(resource_suffix) for r in resources):
            actions = statement["Action"]
            found.update([actions] if isinstance(actions, str) else actions)
    return found


# =========================================================================== defaults
def test_default_renders_async_inference_config_with_created_bucket_and_topics() -> None:
    endpoint = async_endpoint()
    template = template_json(endpoint)
    bucket = {"Ref": logical_id(template, "AWS::S3::Bucket")}
    topics = resources_of(template, "AWS::SNS::Topic")
    success = next(k for k, v in topics.items() if "succeeded" in v["Properties"]["DisplayName"])
    error = next(k for k, v in topics.items() if "failed" in v["Properties"]["DisplayName"])
    config = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]
    assert config["AsyncInferenceConfig"] == {"OutputConfig": {
        "S3OutputPath": s3_uri_of(bucket, "output"),
        "S3FailurePath": s3_uri_of(bucket, "failure"),
        "NotificationConfig": {"SuccessTopic": {"Ref": success}, "ErrorTopic": {"Ref": error}},
    }}
    assert config["ProductionVariants"] == [{
        "VariantName": "AllTraffic", "ModelName": {"Fn::GetAtt": [logical_id(template, "AWS::SageMaker::Model"),
                                                                  "ModelName"]},
        "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1, "InitialVariantWeight": 1,
    }]
    assert "EndpointConfigName" not in config
    assert resources_of(template, "AWS::ApplicationAutoScaling::ScalableTarget") == {}
    assert resources_of(template, "AWS::CloudWatch::Alarm") == {}


def test_stamps_kind_async_and_keeps_the_construct_ids() -> None:
    endpoint = async_endpoint()
    template = template_json(endpoint)
    assert only(template, "AWS::SageMaker::Endpoint")["Metadata"][METADATA_KEY] == {"kind": "async"}
    assert endpoint.node.find_child("Resource") is endpoint.resource
    assert endpoint.node.find_child("Config") is endpoint.endpoint_config


def test_exposes_locations_and_topics() -> None:
    endpoint = async_endpoint()
    stack = endpoint.node.scope
    assert endpoint.bucket is not None
    for location, prefix in ((endpoint.input_location, "input"), (endpoint.output_location, "output"),
                             (endpoint.failure_location, "failure")):
        assert location.bucket is endpoint.bucket and location.prefix == prefix
        assert stack.resolve(location.s3_uri) == s3_uri_of(stack.resolve(endpoint.bucket.bucket_name), prefix)
    assert stack.resolve(endpoint.input_location.uri_for("a.json"))["Fn::Join"][1][-1] == "/input/a.json"
    assert isinstance(endpoint.success_topic, sns.Topic) and isinstance(endpoint.error_topic, sns.Topic)


def test_created_bucket_blocks_public_access_enforces_tls_and_encrypts() -> None:
    template = template_json(async_endpoint())
    bucket = only(template, "AWS::S3::Bucket")["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["BucketEncryption"] == {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    policy = only(template, "AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy)


def test_created_topics_enforce_tls() -> None:
    template = template_json(async_endpoint())
    policies = resources_of(template, "AWS::SNS::TopicPolicy")
    assert len(policies) == 2
    for policy in policies.values():
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny" and statement["Action"] == "sns:Publish"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_execution_role_gets_exactly_the_async_permissions() -> None:
    template = template_json(async_endpoint())
    statements = statements_of(template, "ModelRole")
    assert actions_on(statements, "/input/*") == {"s3:GetObject"}
    assert actions_on(statements, "/output/*") == {"s3:PutObject", "s3:AbortMultipartUpload"}
    assert actions_on(statements, "/failure/*") == {"s3:PutObject", "s3:AbortMultipartUpload"}
    publish = [s for s in statements if s["Action"] == "sns:Publish"]
    assert len(publish) == 1
    assert sorted(r["Ref"] for r in publish[0]["Resource"]) == sorted(resources_of(template, "AWS::SNS::Topic"))
    text = str(statements)
    assert "s3:ListBucket" not in text and "s3:*" not in text and "kms:" not in text
    # No hand-written wildcard on "*" beyond the model role's own PutMetricData/GetAuthorizationToken.
    star = [s["Action"] for s in statements if s["Resource"] == "*"]
    assert sorted(map(str, star)) == ["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"]


def test_endpoint_config_waits_for_the_role_policy() -> None:
    template = template_json(async_endpoint())
    config = only(template, "AWS::SageMaker::EndpointConfig")
    assert any(d.startswith("ModelRoleDefaultPolicy") for d in config["DependsOn"])


# =========================================================================== options
def test_kms_key_encrypts_outputs_bucket_and_topics() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    endpoint = async_endpoint(stack, kms_key=key)
    template = template_json(endpoint)
    key_arn = {"Fn::GetAtt": [logical_id(template, "AWS::KMS::Key"), "Arn"]}
    config = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]
    assert config["AsyncInferenceConfig"]["OutputConfig"]["KmsKeyId"] == key_arn
    encryption = only(template, "AWS::S3::Bucket")["Properties"]["BucketEncryption"]
    assert encryption == {"ServerSideEncryptionConfiguration": [{"BucketKeyEnabled": True,
        "ServerSideEncryptionByDefault": {"KMSMasterKeyID": key_arn, "SSEAlgorithm": "aws:kms"}}]}
    for topic in resources_of(template, "AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == key_arn
    role_kms = [s for s in statements_of(template, "ModelRole") if s["Resource"] == key_arn]
    assert {a for s in role_kms for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])} >= {
        "kms:Decrypt", "kms:GenerateDataKey"}


def test_topic_kms_key_overrides_the_topic_key() -> None:
    stack = new_stack()
    topic_key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    template = template_json(async_endpoint(stack, topic_kms_key=topic_key))
    for topic in resources_of(template, "AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [logical_id(template, "AWS::KMS::Key"), "Arn"]}
    assert "KmsKeyId" not in only(template, "AWS::SageMaker::EndpointConfig")["Properties"][
        "AsyncInferenceConfig"]["OutputConfig"]


def test_expirations_add_lifecycle_rules_per_prefix() -> None:
    endpoint = async_endpoint(input_expiration=Duration.days(1), output_expiration=Duration.days(14))
    rules = only(template_json(endpoint), "AWS::S3::Bucket")["Properties"]["LifecycleConfiguration"]["Rules"]
    assert {(r["Prefix"], r["ExpirationInDays"]) for r in rules} == {
        ("input/", 1), ("output/", 14), ("failure/", 14)}
    assert all(r["Status"] == "Enabled" for r in rules)


def test_server_access_logs_go_to_the_given_bucket() -> None:
    stack = new_stack()
    logs = s3.Bucket(stack, "Logs", enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)
    endpoint = async_endpoint(stack, server_access_logs_bucket=logs, server_access_logs_prefix="async/")
    buckets = resources_of(template_json(endpoint), "AWS::S3::Bucket")
    logging = next(b["Properties"]["LoggingConfiguration"] for b in buckets.values()
                   if "LoggingConfiguration" in b["Properties"])
    assert logging == {"DestinationBucketName": {"Ref": next(k for k in buckets if k.startswith("Logs"))},
                       "LogFilePrefix": "async/"}


def test_passed_bucket_and_prefixes_are_used_as_given() -> None:
    stack = new_stack()
    shared = s3.Bucket.from_bucket_name(stack, "Shared", "shared-inference")
    endpoint = async_endpoint(stack, bucket=shared, input_prefix="/jobs/in/", output_prefix="jobs/out",
                              failure_prefix="jobs/errors/")
    template = template_json(endpoint)
    assert resources_of(template, "AWS::S3::Bucket") == {}
    assert endpoint.bucket is None
    assert endpoint.input_location.prefix == "jobs/in"
    output = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]["OutputConfig"]
    assert (output["S3OutputPath"], output["S3FailurePath"]) == (
        "s3://shared-inference/jobs/out", "s3://shared-inference/jobs/errors")
    statements = statements_of(template, "ModelRole")
    assert actions_on(statements, "/jobs/in/*") == {"s3:GetObject"}
    assert nag_findings(endpoint.node.root) == []


def test_passed_locations_may_use_several_buckets() -> None:
    stack = new_stack()
    inbox = s3.Bucket.from_bucket_name(stack, "Inbox", "team-inbox")
    results = s3.Bucket.from_bucket_name(stack, "Results", "team-results")
    endpoint = async_endpoint(stack, input_location=AsyncS3Location(inbox, "orders"),
                              output_location=AsyncS3Location(results, "orders"),
                              failure_location=AsyncS3Location(results, "orders-failed"))
    template = template_json(endpoint)
    assert resources_of(template, "AWS::S3::Bucket") == {}
    output = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]["OutputConfig"]
    assert (output["S3OutputPath"], output["S3FailurePath"]) == (
        "s3://team-results/orders", "s3://team-results/orders-failed")


def test_one_passed_location_keeps_the_created_bucket_for_the_others() -> None:
    stack = new_stack()
    inbox = s3.Bucket.from_bucket_name(stack, "Inbox", "team-inbox")
    endpoint = async_endpoint(stack, input_location=AsyncS3Location(inbox, "orders"))
    assert endpoint.bucket is not None
    assert endpoint.input_location.bucket is inbox and endpoint.output_location.bucket is endpoint.bucket


def test_passed_topics_are_used_and_none_created() -> None:
    stack = new_stack()
    ok = sns.Topic.from_topic_arn(stack, "Ok", TOPIC_ARN + "done")
    failed = sns.Topic.from_topic_arn(stack, "Failed", TOPIC_ARN + "failed")
    endpoint = async_endpoint(stack, success_topic=ok, error_topic=failed,
                              include_inference_response_in=[SUCCESS, ERROR])
    template = template_json(endpoint)
    assert resources_of(template, "AWS::SNS::Topic") == {}
    notification = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"][
        "OutputConfig"]["NotificationConfig"]
    assert notification == {"SuccessTopic": TOPIC_ARN + "done", "ErrorTopic": TOPIC_ARN + "failed",
                            "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"]}
    publish = [s for s in statements_of(template, "ModelRole") if s["Action"] == "sns:Publish"]
    assert sorted(publish[0]["Resource"]) == [TOPIC_ARN + "done", TOPIC_ARN + "failed"]


def test_without_topics_there_is_no_notification_config() -> None:
    endpoint = async_endpoint(create_topics=False)
    template = template_json(endpoint)
    assert resources_of(template, "AWS::SNS::Topic") == {}
    assert "NotificationConfig" not in only(template, "AWS::SageMaker::EndpointConfig")["Properties"][
        "AsyncInferenceConfig"]["OutputConfig"]
    assert endpoint.success_topic is None and endpoint.error_topic is None


def test_only_an_error_topic() -> None:
    stack = new_stack()
    failed = sns.Topic.from_topic_arn(stack, "Failed", TOPIC_ARN + "failed")
    endpoint = async_endpoint(stack, create_topics=False, error_topic=failed, include_inference_response_in=[ERROR])
    notification = only(template_json(endpoint), "AWS::SageMaker::EndpointConfig")["Properties"][
        "AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"]
    assert notification == {"ErrorTopic": TOPIC_ARN + "failed", "IncludeInferenceResponseIn": ["ERROR_NOTIFICATION_TOPIC"]}


@pytest.mark.parametrize("value", [1, 1000])
def test_accepts_max_concurrent_invocations_at_the_edges(value: int) -> None:
    endpoint = async_endpoint(max_concurrent_invocations_per_instance=value)
    config = only(template_json(endpoint), "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": value}


def test_variant_timeouts_are_rendered_in_seconds() -> None:
    endpoint = async_endpoint(model_data_download_timeout=Duration.minutes(30),
                              container_startup_health_check_timeout=Duration.seconds(600), initial_instance_count=2)
    (variant,) = only(template_json(endpoint), "AWS::SageMaker::EndpointConfig")["Properties"]["ProductionVariants"]
    assert variant["ModelDataDownloadTimeoutInSeconds"] == 1800
    assert variant["ContainerStartupHealthCheckTimeoutInSeconds"] == 600
    assert variant["InitialInstanceCount"] == 2


def test_accepts_a_serial_inference_pipeline() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(image=IMAGE), ContainerDefinition(image=IMAGE)],
                           inference_execution_mode=InferenceExecutionMode.SERIAL)
    async_endpoint(stack, model=model)


def test_accepts_an_unknown_instance_type_when_allowed() -> None:
    endpoint = async_endpoint(instance_type=InstanceType.of("ml.future9.xlarge"), allow_unknown_instance_type=True)
    (variant,) = only(template_json(endpoint), "AWS::SageMaker::EndpointConfig")["Properties"]["ProductionVariants"]
    assert variant["InstanceType"] == "ml.future9.xlarge"


def test_accepts_a_burstable_instance_without_autoscaling() -> None:
    async_endpoint(instance_type=InstanceType.T2_MEDIUM)


# =========================================================================== scale to zero (the documented recipe)
def test_scale_to_zero_wires_the_documented_recipe_exactly() -> None:
    endpoint = async_endpoint(min_instances=0, max_instances=5, endpoint_name="orders-async")
    template = template_json(endpoint)
    endpoint_id = logical_id(template, "AWS::SageMaker::Endpoint")
    endpoint_name = {"Fn::GetAtt": [endpoint_id, "EndpointName"]}
    # Metrics name a given endpoint_name as written (as real-time's do): the endpoint's own alarms may then
    # roll its deployments back without a reference cycle.
    metric_name = "orders-async"

    # 1. The scalable target: DesiredInstanceCount of endpoint/<name>/variant/<variant>, MinCapacity 0.
    target_id = logical_id(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert target["ServiceNamespace"] == "sagemaker"
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert target["ResourceId"] == {"Fn::Join": ["", ["endpoint/", endpoint_name, "/variant/AllTraffic"]]}
    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 5)
    assert "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint" in str(target["RoleARN"])

    policies = resources_of(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert len(policies) == 2
    by_type = {p["Properties"]["PolicyType"]: (k, p["Properties"]) for k, p in policies.items()}

    # 2. Target tracking on the customized metric ApproximateBacklogSizePerInstance.
    _, tracking = by_type["TargetTrackingScaling"]
    assert tracking["ScalingTargetId"] == {"Ref": target_id}
    assert tracking["TargetTrackingScalingPolicyConfiguration"] == {
        "CustomizedMetricSpecification": {
            "MetricName": "ApproximateBacklogSizePerInstance",
            "Namespace": "AWS/SageMaker",
            "Dimensions": [{"Name": "EndpointName", "Value": metric_name}],
            "Statistic": "Average",
        },
        "TargetValue": 5,
        "ScaleInCooldown": 600,
        "ScaleOutCooldown": 300,
    }

    # 3. The step policy: +1 instance (ChangeInCapacity) from lower bound 0, cooldown 300.
    step_id, step = by_type["StepScaling"]
    assert step["ScalingTargetId"] == {"Ref": target_id}
    assert step["StepScalingPolicyConfiguration"] == {
        "AdjustmentType": "ChangeInCapacity",
        "Cooldown": 300,
        "MetricAggregationType": "Average",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
    }

    # 4. The alarm on HasBacklogWithoutCapacity fires the step policy.
    alarm = only(template, "AWS::CloudWatch::Alarm")["Properties"]
    assert {k: v for k, v in alarm.items() if k != "AlarmDescription"} == {
        "MetricName": "HasBacklogWithoutCapacity",
        "Namespace": "AWS/SageMaker",
        "Dimensions": [{"Name": "EndpointName", "Value": metric_name}],
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 2,
        "DatapointsToAlarm": 2,
        "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "missing",
        "AlarmActions": [{"Ref": step_id}],
    }
    # The endpoint config still starts with one instance (InitialInstanceCount ≥ 1).
    (variant,) = only(template, "AWS::SageMaker::EndpointConfig")["Properties"]["ProductionVariants"]
    assert variant["InitialInstanceCount"] == 1
    # Registering the target needs the endpoint to exist: its resource ID reads the endpoint's name
    # (Fn::GetAtt), which orders it after the endpoint without a DependsOn.
    target = resources_of(template, "AWS::ApplicationAutoScaling::ScalableTarget")[target_id]
    assert {"Fn::GetAtt": [endpoint_id, "EndpointName"]} in target["Properties"]["ResourceId"]["Fn::Join"][1]
    assert "DependsOn" not in target
    assert endpoint.scale_from_zero_policy is not None and endpoint.has_backlog_without_capacity_alarm is not None


def test_min_instances_one_is_backlog_tracking_without_the_wake_up_policy() -> None:
    endpoint = async_endpoint(min_instances=1, max_instances=3, target_backlog_per_instance=2.5,
                              scale_in_cooldown=Duration.minutes(15), scale_out_cooldown=Duration.seconds(60))
    template = template_json(endpoint)
    target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)
    policy = only(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["Properties"]
    assert policy["PolicyType"] == "TargetTrackingScaling"
    configuration = policy["TargetTrackingScalingPolicyConfiguration"]
    assert (configuration["TargetValue"], configuration["ScaleInCooldown"], configuration["ScaleOutCooldown"]) == (
        2.5, 900, 60)
    assert configuration["CustomizedMetricSpecification"]["MetricName"] == "ApproximateBacklogSizePerInstance"
    assert resources_of(template, "AWS::CloudWatch::Alarm") == {}
    assert endpoint.scale_from_zero_policy is None


def test_a_floor_known_only_at_deploy_time_keeps_the_wake_up_policy() -> None:
    stack = new_stack()
    floor = CfnParameter(stack, "Floor", type="Number").value_as_number
    endpoint = async_endpoint(stack, min_instances=floor, max_instances=4)
    template = template_of(stack)
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": {"Ref": "Floor"}})
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 2)
    assert endpoint.has_backlog_without_capacity_alarm is not None


def test_scale_from_zero_cooldown_is_a_prop() -> None:
    endpoint = async_endpoint(min_instances=0, scale_from_zero_cooldown=Duration.minutes(2))
    template_of(endpoint.node.scope).has_resource_properties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": Match.object_like({"Cooldown": 120})})


def test_notes_that_an_autoscaled_instance_type_cannot_change_in_place() -> None:
    """Advice, not a warning: nothing is wrong, and `cdk synth --strict` (fails on warnings) must pass."""
    endpoint = async_endpoint(min_instances=0)
    infos = infos_of(endpoint.node.scope)  # type: ignore[arg-type]
    assert any("instance_type = 'ml.g5.xlarge'" in i and "migration.autoscaled-instance-type" in i
               for i in infos), infos
    assert not [w for w in warnings_of(endpoint.node.scope) if "autoscaled-instance-type" in w]  # type: ignore[arg-type]


def test_does_not_warn_without_autoscaling() -> None:
    endpoint = async_endpoint()
    assert warnings_of(endpoint.node.scope) == []  # type: ignore[arg-type]


# =========================================================================== grants, metrics, alarms
def test_grant_invoke_allows_invoke_async_put_input_and_get_results() -> None:
    stack = new_stack()
    endpoint = async_endpoint(stack)
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    grant = endpoint.grant_invoke(caller)
    assert grant.success
    template = template_of(stack).to_json()
    statements = statements_of(template, "Caller")
    invoke = [s for s in statements if s["Action"] == "sagemaker:InvokeEndpointAsync"]
    assert invoke == [{"Action": "sagemaker:InvokeEndpointAsync", "Effect": "Allow",
                       "Resource": {"Ref": logical_id(template, "AWS::SageMaker::Endpoint")}}]
    assert actions_on(statements, "/input/*") == {"s3:PutObject", "s3:AbortMultipartUpload"}
    assert actions_on(statements, "/output/*") == {"s3:GetObject"}
    assert actions_on(statements, "/failure/*") == {"s3:GetObject"}
    assert "sagemaker:InvokeEndpoint\"" not in str(statements) and "'sagemaker:InvokeEndpoint'" not in str(statements)
    assert len(statements) == 3
    assert nag_findings(stack.node.root) == []


def test_grant_invoke_includes_the_keys() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    endpoint = async_endpoint(stack, kms_key=key)
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    endpoint.grant_invoke(caller)
    template = template_of(stack).to_json()
    key_arn = {"Fn::GetAtt": [logical_id(template, "AWS::KMS::Key"), "Arn"]}
    kms_statements = [s for s in statements_of(template, "Caller") if s["Resource"] == key_arn]
    assert [sorted(s["Action"]) for s in kms_statements] == [["kms:Decrypt", "kms:GenerateDataKey"]]


def test_metrics_are_the_async_metrics_with_the_endpoint_name_dimension() -> None:
    endpoint = async_endpoint()
    stack = endpoint.node.scope
    cases = {
        endpoint.metric_approximate_backlog_size(): ("ApproximateBacklogSize", "Average"),
        endpoint.metric_approximate_backlog_size_per_instance(): ("ApproximateBacklogSizePerInstance", "Average"),
        endpoint.metric_approximate_age_of_oldest_request(): ("ApproximateAgeOfOldestRequest", "Maximum"),
        endpoint.metric_has_backlog_without_capacity(): ("HasBacklogWithoutCapacity", "Average"),
        endpoint.metric_invocations_processed(): ("InvocationsProcessed", "Sum"),
        endpoint.metric_invocation_failures(): ("InvocationFailures", "Sum"),
        endpoint.metric_time_in_backlog(): ("TimeInBacklog", "Average"),
        endpoint.metric_total_processing_time(): ("TotalProcessingTime", "Average"),
        endpoint.metric_notification_failures(): ("NotificationFailures", "Sum"),
    }
    for metric, (name, statistic) in cases.items():
        assert (metric.metric_name, metric.statistic, metric.namespace) == (name, statistic, "AWS/SageMaker")
        assert list(metric.dimensions) == ["EndpointName"]
        assert stack.resolve(metric.dimensions["EndpointName"]) == stack.resolve(endpoint.endpoint_name)
    latency = endpoint.metric_model_latency(statistic="p99")
    assert (latency.metric_name, latency.statistic, set(latency.dimensions)) == (
        "ModelLatency", "p99", {"EndpointName", "VariantName"})
    assert endpoint.metric_has_backlog_without_capacity(period=Duration.minutes(1)).period.to_seconds() == 60


def test_does_not_offer_metrics_async_endpoints_never_publish() -> None:
    endpoint = async_endpoint()
    for name in ("metric_invocations", "metric_invocations_per_instance", "metric_overhead_latency"):
        assert not hasattr(endpoint, name), name


def test_alarms_are_opt_in() -> None:
    endpoint = async_endpoint()
    age = endpoint.add_oldest_request_age_alarm(max_age=Duration.minutes(20), evaluation_periods=2)
    failures = endpoint.add_invocation_failures_alarm(threshold=3)
    template = template_json(endpoint)
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    by_metric = {a["Properties"]["MetricName"]: a["Properties"] for a in alarms.values()}
    assert set(by_metric) == {"ApproximateAgeOfOldestRequest", "InvocationFailures"}
    assert {k: by_metric["ApproximateAgeOfOldestRequest"][k] for k in
            ("Statistic", "Threshold", "EvaluationPeriods", "ComparisonOperator", "Period")} == {
        "Statistic": "Maximum", "Threshold": 1200, "EvaluationPeriods": 2,
        "ComparisonOperator": "GreaterThanThreshold", "Period": 300}
    assert {k: by_metric["InvocationFailures"][k] for k in ("Statistic", "Threshold", "ComparisonOperator")} == {
        "Statistic": "Sum", "Threshold": 3, "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
    assert age.node.id == "OldestRequestAgeAlarm" and failures.node.id == "InvocationFailuresAlarm"


# =========================================================================== validation: async rows
@pytest.mark.parametrize("value", [0, 1001, -1])
def test_fails_when_max_concurrent_invocations_is_out_of_range(value: int) -> None:
    error = refused(max_concurrent_invocations_per_instance=value)
    text = str(error)
    assert error.fields == ("max_concurrent_invocations_per_instance",)
    assert f"max_concurrent_invocations_per_instance = {value}: {value} is out of range: must be between 1 and 1000" in text
    assert "async.max-concurrent-invocations" in text and "BC AsyncInferenceClientConfig" in text
    assert "AsyncEndpoint at 'Test/Endpoint'" in text


def test_fails_when_max_concurrent_invocations_is_not_a_whole_number() -> None:
    error = refused(max_concurrent_invocations_per_instance=2.5)
    assert "max_concurrent_invocations_per_instance = 2.5: must be a whole number, got float" in str(error)


@pytest.mark.parametrize("field,prop", [("output_location", "output_prefix"), ("failure_location", "failure_prefix")])
def test_fails_when_an_output_path_is_longer_than_512(field: str, prop: str) -> None:
    error = refused(**{prop: "p" * 520})
    text = str(error)
    assert error.fields == (prop,)  # the prop the user set; the message shows the whole location
    assert f"{prop} = 's3://<?>/ppp" in text and "characters long: at most 512 are allowed" in text
    assert "async.output-path" in text and "BC AsyncInferenceOutputConfig" in text


def test_accepts_an_output_path_of_512_characters() -> None:
    stack = new_stack()
    results = s3.Bucket.from_bucket_name(stack, "Results", "results")
    prefix = "o" * (512 - len("s3://results/"))
    endpoint = async_endpoint(stack, output_location=AsyncS3Location(results, prefix))
    output = only(template_json(endpoint), "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]
    assert len(output["OutputConfig"]["S3OutputPath"]) == 512


def test_fails_when_the_output_path_is_missing() -> None:
    problems = validate_async_inference(output_path=None, failure_path="s3://b/f")
    assert [(p.field, p.value, p.message, p.constraint_id) for p in problems] == [
        ("output_location", None, "is required", "async.output-path")]


def test_fails_when_a_topic_arn_is_not_an_sns_topic_arn() -> None:
    stack = new_stack()
    bad = sns.Topic.from_topic_arn(stack, "Bad", "arn:aws:sns:us-east-1:12345:short-account")
    error = refused(stack=stack, success_topic=bad)
    text = str(error)
    assert error.fields == ("success_topic",)
    assert "success_topic = 'arn:aws:sns:us-east-1:12345:short-account': does not match" in text
    assert "async.notification-topics" in text


@pytest.mark.parametrize("arn", ["arn:aws:sns:us-east-1:123456789012:results:3f1c2a9e-subscription-id",
                                 "arn:aws:sns:us-east-1:123456789012:orders results"])
def test_fails_when_a_topic_arn_names_more_than_a_topic(arn: str) -> None:
    """Found by review: the pattern took anything after the account (a subscription ARN passed by mistake);
    botocore's SnsTopicArn and the CloudFormation schema take a topic name of letters, digits, '_', '.', '-'."""
    stack = new_stack()
    error = refused(stack=stack, success_topic=sns.Topic.from_topic_arn(stack, "Bad", arn))
    assert error.fields == ("success_topic",)
    assert f"success_topic = {arn!r}: does not match" in str(error) and "async.notification-topics" in str(error)


def test_a_fifo_topic_of_another_partition_is_accepted() -> None:
    stack = new_stack()
    topic = sns.Topic.from_topic_arn(stack, "Ok", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:Results_v2.fifo")
    async_endpoint(stack=stack, success_topic=topic)


@pytest.mark.parametrize("include,missing", [(ERROR, "error_topic"), (SUCCESS, "success_topic")])
def test_fails_when_included_response_has_no_topic(include: IncludeInferenceResponseIn, missing: str) -> None:
    error = refused(create_topics=False, include_inference_response_in=[include])
    text = str(error)
    assert error.fields == ("include_inference_response_in[0]",)
    assert f"include_inference_response_in[0] = '{include.value}'" in text
    assert f"there is no {missing}" in text and "async.include-response" in text
    assert "SUCCESS_NOTIFICATION_TOPIC, ERROR_NOTIFICATION_TOPIC" in text


def test_fails_when_an_included_response_is_listed_twice() -> None:
    error = refused(include_inference_response_in=[SUCCESS, SUCCESS])
    assert error.fields == ("include_inference_response_in[1]",)
    assert "is listed twice" in str(error)


def test_fails_when_included_response_is_a_string() -> None:
    error = refused(include_inference_response_in=["SUCCESS_NOTIFICATION_TOPIC"])
    text = str(error)
    assert "include_inference_response_in[0] = 'SUCCESS_NOTIFICATION_TOPIC': must be IncludeInferenceResponseIn, got str" in text


def test_fails_when_the_model_is_a_marketplace_package() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(
        model_package=ModelPackage.from_marketplace("arn:aws:sagemaker:us-east-1:865070037744:model-package/some-package"))], network_isolation=True)
    error = refused(stack=stack, model=model)
    text = str(error)
    assert error.fields == ("model.model_package",)
    assert "model.model_package = True: asynchronous inference does not support AWS Marketplace" in text
    assert "async.no-marketplace" in text and "aws/sagemaker-python-sdk issue #3969" in text


def test_fails_when_the_container_is_multi_model() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    model = InferenceModel(stack, "Model", containers=[ContainerDefinition(
        image=IMAGE, model_data=ModelData.from_bucket(bucket, "many/"), mode=ContainerMode.MULTI_MODEL)])
    error = refused(stack=stack, model=model)
    text = str(error)
    assert error.fields == ("model.mode",)
    assert "model.mode = 'MultiModel'" in text and "InvokeEndpointAsync cannot pick a target model" in text
    assert "async.no-multi-model" in text


def test_fails_when_multi_container_invocation_is_direct() -> None:
    stack = new_stack()
    model = InferenceModel(stack, "Model", containers=[
        ContainerDefinition(image=IMAGE, container_hostname="a"), ContainerDefinition(image=IMAGE, container_hostname="b")],
        inference_execution_mode=InferenceExecutionMode.DIRECT)
    error = refused(stack=stack, model=model)
    text = str(error)
    assert error.fields == ("model.inference_execution_mode",)
    assert "model.inference_execution_mode = 'Direct'" in text and "async.no-direct-invocation" in text


def test_warns_when_locations_overlap_in_one_bucket() -> None:
    """SageMaker accepts overlapping locations: least privilege is advice (a warning), not a refusal."""
    endpoint = async_endpoint(input_prefix="data", output_prefix="data/results")
    (warning,) = [w for w in warnings_of(endpoint.node.scope) if "async.distinct-locations" in w]
    assert "output_location.prefix = 'data/results': overlaps input_location.prefix ('data')" in warning


def test_accepts_a_bucket_root_location_and_grants_exactly_it() -> None:
    """An empty (or '/') prefix is the bucket root: SageMaker accepts it, with a warning, and the
    grant covers the root's objects (``bucket/*``, not ``bucket//*``)."""
    stack = new_stack()
    out = s3.Bucket.from_bucket_name(stack, "Out", "my-results")
    endpoint = async_endpoint(stack, output_location=AsyncS3Location(out, ""),
                              failure_location=AsyncS3Location(out, "/"))
    warnings = [w for w in warnings_of(stack) if "async.distinct-locations" in w]
    assert any("output_location.prefix = '': is empty" in w for w in warnings)
    config = template_json(endpoint)
    output = next(r for r in config["Resources"].values()
              if r["Type"] == "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]
    assert output["OutputConfig"]["S3OutputPath"] == "s3://my-results/"
    findings = check_template(config)
    assert findings.problems == [] and findings.locations_compared >= 2


def test_accepts_same_prefixes_in_different_buckets() -> None:
    stack = new_stack()
    a = s3.Bucket.from_bucket_name(stack, "A", "bucket-a")
    b = s3.Bucket.from_bucket_name(stack, "B", "bucket-b")
    async_endpoint(stack, input_location=AsyncS3Location(a, "x"), output_location=AsyncS3Location(b, "x"),
                   failure_location=AsyncS3Location(b, "y"))


def test_pure_location_check_treats_prefixes_as_folders() -> None:
    specs = [LocationSpec("input_location", "b", "out", "s3://b/out"),
             LocationSpec("output_location", "b", "output", "s3://b/output")]
    assert validate_async_locations(specs) == []  # 'out/' does not contain 'output/'


# =========================================================================== validation: instances and scaling
def test_fails_when_the_instance_type_is_unknown() -> None:
    error = refused(instance_type=InstanceType.of("ml.g5.xlarg"))
    text = str(error)
    assert error.fields == ("instance_type",)
    assert "instance_type = 'ml.g5.xlarg': is not an instance type" in text and "did you mean ml.g5.xlarge" in text
    assert "realtime.instance-type" in text


def test_fails_when_the_instance_type_is_a_string() -> None:
    error = refused(instance_type="ml.m5.large")
    assert "instance_type = 'ml.m5.large': must be InstanceType, got str" in str(error)


@pytest.mark.parametrize("count", [0, -1])
def test_fails_when_initial_instance_count_is_below_one(count: int) -> None:
    error = refused(initial_instance_count=count)
    text = str(error)
    assert error.fields == ("initial_instance_count",)
    assert f"initial_instance_count = {count}: {count} is out of range: must be at least 1" in text
    assert "min_instances=0" in text


def test_fails_when_autoscaling_a_burstable_instance() -> None:
    error = refused(instance_type=InstanceType.T2_MEDIUM, min_instances=0)
    text = str(error)
    assert error.fields == ("instance_type",)
    assert "instance_type = 'ml.t2.medium': autoscaling is not supported on burstable ml.t* instance types" in text
    assert "autoscaling.no-burstable" in text


def test_fails_when_min_instances_exceeds_max_instances() -> None:
    error = refused(min_instances=3, max_instances=2)
    text = str(error)
    assert error.fields == ("min_instances",)
    assert "min_instances = 3: is greater than max_instances (2)" in text and "async.scale-to-zero" in text


def test_fails_when_min_instances_is_negative() -> None:
    error = refused(min_instances=-1)
    assert "min_instances = -1: -1 is out of range: must be at least 0" in str(error)


def test_fails_when_max_instances_is_zero() -> None:
    error = refused(min_instances=0, max_instances=0)
    text = str(error)
    assert error.fields == ("max_instances",)
    assert "max_instances = 0: 0 is out of range: must be at least 1" in text and "async.autoscaling-settings" in text


@pytest.mark.parametrize("target,message", [(0, "0 is out of range: must be greater than 0"),
                                            (-2.5, "-2.5 is out of range: must be greater than 0"),
                                            ("5", "must be a number, got str")])
def test_fails_when_the_backlog_target_is_not_positive(target: Any, message: str) -> None:
    error = refused(min_instances=0, target_backlog_per_instance=target)
    assert error.fields == ("target_backlog_per_instance",)
    assert f"target_backlog_per_instance = {target!r}: {message}" in str(error)


@pytest.mark.parametrize("prop", ["max_instances", "target_backlog_per_instance"])
def test_fails_when_a_scaling_setting_is_none(prop: str) -> None:
    error = refused(min_instances=0, **{prop: None})
    assert error.fields == (prop,)
    assert f"{prop} = None: is required" in str(error)


def test_fails_when_a_variant_timeout_has_fractions_of_a_second() -> None:
    error = refused(model_data_download_timeout=Duration.millis(90500))
    assert error.fields == ("model_data_download_timeout",)
    assert "model_data_download_timeout = '90.5 seconds': is not a whole number of seconds: the template carries this field as an integer number of seconds" in str(error)


def test_fails_when_a_cooldown_has_fractions_of_a_second() -> None:
    error = refused(min_instances=0, scale_in_cooldown=Duration.millis(1500))
    text = str(error)
    assert error.fields == ("scale_in_cooldown",)
    assert "scale_in_cooldown = '1.5 seconds': is not a whole number of seconds" in text


def test_fails_when_a_cooldown_is_not_a_duration() -> None:
    error = refused(min_instances=0, scale_out_cooldown=300)
    assert "scale_out_cooldown = 300: must be Duration, got int" in str(error)


@pytest.mark.parametrize("prop,value", [("max_instances", 4), ("target_backlog_per_instance", 2.0),
                                        ("scale_in_cooldown", Duration.minutes(1))])
def test_fails_when_scaling_settings_come_without_min_instances(prop: str, value: Any) -> None:
    error = refused(**{prop: value})
    assert error.fields == (prop,)
    assert "needs min_instances" in str(error)


def test_fails_when_the_wake_up_cooldown_is_set_without_scale_to_zero() -> None:
    error = refused(min_instances=1, scale_from_zero_cooldown=Duration.minutes(1))
    assert error.fields == ("scale_from_zero_cooldown",)


@pytest.mark.parametrize("prop", ["model_data_download_timeout", "container_startup_health_check_timeout"])
def test_fails_when_a_variant_timeout_is_out_of_range(prop: str) -> None:
    error = refused(**{prop: Duration.seconds(30)})
    assert error.fields == (prop,)
    assert f"{prop} = 30: 30 s is out of range: must be between 60 and 3600 s" in str(error)


# =========================================================================== validation: bucket options and types
def test_fails_when_expiring_objects_of_a_passed_bucket() -> None:
    stack = new_stack()
    shared = s3.Bucket.from_bucket_name(stack, "Shared", "shared")
    error = refused(stack=stack, bucket=shared, output_expiration=Duration.days(3))
    text = str(error)
    assert error.fields == ("output_expiration",)
    assert "output_expiration = 3: expires objects in a bucket you passed in" in text
    assert "async.bucket-expiration" in text


@pytest.mark.parametrize("duration,message", [(Duration.hours(12), "'0.5 days': is not a whole number of days"),
                                              (Duration.days(0), "'0 days': 0 days is out of range: must be at least 1")])
def test_fails_when_an_expiration_is_not_whole_days(duration: Duration, message: str) -> None:
    error = refused(input_expiration=duration)
    assert error.fields == ("input_expiration",)
    assert f"input_expiration = {message}" in str(error)


def test_fails_when_logging_a_passed_bucket() -> None:
    stack = new_stack()
    shared = s3.Bucket.from_bucket_name(stack, "Shared", "shared")
    logs = s3.Bucket.from_bucket_name(stack, "Logs", "logs")
    error = refused(stack=stack, bucket=shared, server_access_logs_bucket=logs)
    assert error.fields == ("server_access_logs_bucket",)


def test_fails_when_a_log_prefix_has_no_log_bucket() -> None:
    error = refused(server_access_logs_prefix="logs/")
    assert error.fields == ("server_access_logs_prefix",)
    assert "needs server_access_logs_bucket" in str(error)


def test_fails_when_prefix_and_location_are_both_given() -> None:
    stack = new_stack()
    shared = s3.Bucket.from_bucket_name(stack, "Shared", "shared")
    error = refused(stack=stack, output_prefix="out", output_location=AsyncS3Location(shared, "out"))
    assert error.fields == ("output_prefix",)
    assert "pass either output_prefix or output_location, not both" in str(error)


@pytest.mark.parametrize("prop,value,expected", [
    ("model", "my-model", "model = 'my-model': must be InferenceModel, got str"),
    ("model", None, "model = None: is required"),
    ("kms_key", "arn:aws:kms:us-east-1:123456789012:key/abc", "kms_key = 'arn:aws:kms:us-east-1:123456789012:key/abc': must be IKey, got str"),
    ("bucket", "my-bucket", "bucket = 'my-bucket': must be IBucket, got str"),
    ("success_topic", TOPIC_ARN + "t", f"success_topic = '{TOPIC_ARN}t': must be ITopic, got str"),
    ("output_location", "s3://b/out", "output_location = 's3://b/out': must be AsyncS3Location, got str"),
    ("input_prefix", 7, "input_prefix = 7: must be str, got int"),
    ("create_topics", "yes", "create_topics = 'yes': must be bool, got str"),
    ("variant_name", None, "variant_name = None: is required"),
    ("variant_name", 7, "variant_name = 7: must be str, got int"),
    ("allow_unknown_instance_type", "no", "allow_unknown_instance_type = 'no': must be bool, got str"),
])
def test_fails_with_a_validation_error_for_wrong_python_types(prop: str, value: Any, expected: str) -> None:
    stack = new_stack()
    kwargs: dict[str, Any] = {prop: value}
    if prop != "model":
        kwargs["model"] = model_in(stack)
    with pytest.raises(ValidationError) as caught:
        AsyncEndpoint(stack, "Endpoint", instance_type=InstanceType.M5_LARGE, **kwargs)
    assert expected in str(caught.value)
    assert "AsyncEndpoint at 'Test/Endpoint'" in str(caught.value)


def test_fails_when_a_location_holds_wrong_types() -> None:
    error = refused(input_location=AsyncS3Location("bucket", 3))  # type: ignore[arg-type]
    assert set(error.fields) == {"input_location.bucket", "input_location.prefix"}


def test_fails_when_the_endpoint_name_is_invalid() -> None:
    error = refused(endpoint_name="orders_async")
    assert error.fields == ("endpoint_name",)
    assert "name.endpoint" in str(error)


def test_collects_every_problem_in_one_error() -> None:
    error = refused(max_concurrent_invocations_per_instance=0, initial_instance_count=0, min_instances=5,
                    max_instances=1, endpoint_name="bad_name")
    assert set(error.fields) == {"max_concurrent_invocations_per_instance", "initial_instance_count",
                                 "min_instances", "endpoint_name"}
    assert "has 4 invalid settings" in str(error)


def test_skips_unresolved_tokens() -> None:
    stack = new_stack()
    count = CfnParameter(stack, "Count", type="Number").value_as_number
    concurrency = CfnParameter(stack, "Concurrency", type="Number").value_as_number
    prefix = CfnParameter(stack, "Prefix").value_as_string
    async_endpoint(stack, initial_instance_count=count, max_concurrent_invocations_per_instance=concurrency,
                   output_prefix=prefix)
    template_of(stack).has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "AsyncInferenceConfig": Match.object_like({"ClientConfig": {"MaxConcurrentInvocationsPerInstance":
                                                                    {"Ref": "Concurrency"}}})})


# =========================================================================== alarms validation
@pytest.mark.parametrize("kwargs,field,message", [
    ({"evaluation_periods": 0}, "evaluation_periods", "evaluation_periods = 0: 0 is out of range: must be at least 1"),
    # 289 periods of the 5-minute metric: more than the one day CloudWatch evaluates (288 is the most).
    ({"evaluation_periods": 289}, "evaluation_periods", "289 periods of 300 seconds span 86,700 seconds"),
])
def test_fails_when_the_failures_alarm_is_misconfigured(kwargs: dict[str, Any], field: str, message: str) -> None:
    endpoint = async_endpoint()
    with pytest.raises(ValidationError) as caught:
        endpoint.add_invocation_failures_alarm(**kwargs)
    assert caught.value.fields == (field,)
    assert message in str(caught.value) and "props.alarm" in str(caught.value)


def test_alarm_thresholds_are_advice_and_the_window_a_rule() -> None:
    # CloudWatch takes any threshold: a threshold the metric always crosses is a warning, never a refusal.
    endpoint = async_endpoint()
    endpoint.add_oldest_request_age_alarm(max_age=Duration.seconds(0))
    warnings = warnings_of(Stack.of(endpoint))
    assert not [w for w in warnings if "props.alarm-threshold" in w], warnings  # > 0: any queued request
    endpoint.add_invocation_failures_alarm(threshold=0)  # >= 0 on a count: always in alarm
    warnings = warnings_of(Stack.of(endpoint))
    assert any("props.alarm-threshold" in w and "threshold = 0: 0: the metric is never negative, so the alarm (>= 0) "
               "fires whenever there is data" in w for w in warnings), warnings
    endpoint.add_oldest_request_age_alarm(max_age=Duration.days(1), evaluation_periods=288, construct_id="Day")
    with pytest.raises(ValidationError, match=r"evaluation_periods = 289: 289 periods of 300 seconds") as caught:
        endpoint.add_oldest_request_age_alarm(evaluation_periods=289, construct_id="TooLong")
    assert "rule props.alarm-window" in str(caught.value) and "use at most 288 evaluation periods" in str(caught.value)


def test_fails_when_an_alarm_is_added_twice() -> None:
    endpoint = async_endpoint()
    endpoint.add_invocation_failures_alarm()
    with pytest.raises(ValidationError) as caught:
        endpoint.add_invocation_failures_alarm()
    assert caught.value.fields == ("construct_id",)
    assert ("construct_id = 'InvocationFailuresAlarm': is already the id of another construct in Test/Endpoint"
            in str(caught.value))
    with pytest.raises(ValidationError) as caught:  # the endpoint's own resource is not an alarm (found by a sweep)
        endpoint.add_invocation_failures_alarm(construct_id="Resource")
    assert "construct_id = 'Resource': is already the id of another construct" in str(caught.value)


# =========================================================================== snapshots, cfn-lint, cdk-nag
def full_config(stack: Any) -> AsyncEndpoint:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    logs = s3.Bucket(stack, "AccessLogs", enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                     encryption=s3.BucketEncryption.S3_MANAGED)
    endpoint = async_endpoint(
        stack, endpoint_name="orders-async", instance_type=InstanceType.G5_XLARGE, initial_instance_count=1,
        kms_key=key, input_expiration=Duration.days(7), output_expiration=Duration.days(30),
        server_access_logs_bucket=logs, server_access_logs_prefix="orders-async/",
        include_inference_response_in=[SUCCESS, ERROR], max_concurrent_invocations_per_instance=4,
        min_instances=0, max_instances=4, target_backlog_per_instance=3,
        model_data_download_timeout=Duration.minutes(20), container_startup_health_check_timeout=Duration.minutes(10),
    )
    endpoint.add_oldest_request_age_alarm()
    endpoint.add_invocation_failures_alarm()
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    endpoint.grant_invoke(caller)
    return endpoint


def test_snapshot_default(snapshot_json: Any) -> None:
    endpoint = async_endpoint(endpoint_name="orders-async")
    stack = endpoint.node.scope
    template = template_of(stack)
    template.resource_count_is("AWS::SageMaker::Endpoint", 1)
    template.resource_count_is("AWS::S3::Bucket", 1)
    template.resource_count_is("AWS::SNS::Topic", 2)
    template.has_resource_properties("AWS::SageMaker::Endpoint", {"EndpointName": "orders-async"})
    assert snapshot_of(stack) == snapshot_json


def test_snapshot_scale_to_zero_full_config(snapshot_json: Any) -> None:
    stack = new_stack()
    full_config(stack)
    template = template_of(stack)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 2)
    template.resource_count_is("AWS::CloudWatch::Alarm", 3)
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0, "MaxCapacity": 4})
    assert snapshot_of(stack) == snapshot_json


@pytest.mark.parametrize("kwargs", [{}, {"min_instances": 0}, {"min_instances": 2, "max_instances": 6},
                                    {"create_topics": False}])
def test_templates_pass_cfn_lint(kwargs: dict[str, Any]) -> None:
    endpoint = async_endpoint(**kwargs)
    assert cfn_lint_errors(template_json(endpoint)) == []


def test_full_config_passes_cfn_lint_and_cdk_nag() -> None:
    stack = new_stack()
    full_config(stack)
    assert cfn_lint_errors(template_of(stack).to_json()) == []
    assert nag_findings(stack.node.root) == []


def test_defaults_pass_cdk_nag_aws_solutions() -> None:
    endpoint = async_endpoint()
    assert nag_findings(endpoint.node.root) == []


def test_scale_to_zero_passes_cdk_nag_aws_solutions() -> None:
    endpoint = async_endpoint(min_instances=0)
    assert nag_findings(endpoint.node.root) == []


def test_example_stack_scales_to_zero_notifies_and_is_clean() -> None:
    app = new_app()
    stack = AsyncStack(app, "AsyncInference", synthesizer=synthesizer(app))
    template = template_of(stack)
    template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {
        "MinCapacity": 0, "MaxCapacity": 4, "ScalableDimension": "sagemaker:variant:DesiredInstanceCount"})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "MetricName": "HasBacklogWithoutCapacity", "Period": 60, "EvaluationPeriods": 2, "DatapointsToAlarm": 2,
        "Threshold": 1, "TreatMissingData": "missing", "AlarmActions": [{"Ref": Match.string_like_regexp("ScaleOutFromZero")}]})
    template.resource_count_is("AWS::SNS::Topic", 2)
    template.has_resource_properties("AWS::SageMaker::EndpointConfig", {"AsyncInferenceConfig": {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
        "OutputConfig": Match.object_like({"NotificationConfig": Match.object_like({
            "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC"]})})}})
    outputs = template.to_json()["Outputs"]
    assert {"EndpointName", "InputLocation", "OutputLocation", "FailureLocation", "SuccessTopicArn",
            "ErrorTopicArn"} <= set(outputs)
    assert cfn_lint_errors(template.to_json()) == []
    assert nag_findings(app) == []


def test_an_expiration_is_32_bit_in_days_the_unit_the_lifecycle_rule_carries() -> None:
    """Found by review: the 32-bit check measured every Duration in seconds, so 24,856 days (an integer number
    of days that fits) was refused; the limit is the lifecycle rule's ExpirationInDays integer."""
    endpoint = async_endpoint(input_expiration=Duration.days(24_856), output_expiration=Duration.days(100_000))
    assert endpoint is not None
    error = refused(input_expiration=Duration.days(3_000_000_000))
    assert "is 3e+09 days, more than the API's integer type holds" in str(error)


def test_a_prefix_no_object_key_fits_under_is_refused() -> None:
    """Found by review: an input prefix of 1,100 characters was accepted; an S3 key is at most 1,024 bytes."""
    async_endpoint(input_prefix="i" * 1022)
    error = refused(input_prefix="i" * 1023)
    assert error.fields == ("input_prefix",) and "is 1023 bytes long: no object key fits under it" in str(error)
    error = refused(input_prefix="é" * 512)  # two bytes each
    assert "is 1024 bytes long" in str(error)


# -- deployment guardrails and the instances' volume (found by review: async could set neither) --------------
def test_deployment_guardrails_and_rollback_alarms_render_as_for_real_time() -> None:
    """Deployment guardrails apply to asynchronous and real-time endpoints (DG:deployment-guardrails): the
    same DeploymentConfig, its rollback alarms, and the guardrails rules."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    from cdk_sagemaker_inference import DeploymentGuardrails

    stack = new_stack()
    alarm = cloudwatch.Alarm.from_alarm_name(stack, "Errors", "async-errors")
    endpoint = async_endpoint(stack, endpoint_name="scoring", initial_instance_count=4,
                              deployment=DeploymentGuardrails.canary(percent=25, wait=Duration.minutes(5),
                                                                     rollback_alarms=[alarm]))
    endpoint.add_rollback_alarm(endpoint.add_oldest_request_age_alarm(max_age=Duration.minutes(30)))
    (resource,) = resources_of(template_json(endpoint), "AWS::SageMaker::Endpoint").values()
    config = resource["Properties"]["DeploymentConfig"]
    routing = config["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    assert (routing["Type"], routing["CanarySize"]) == ("CANARY", {"Type": "CAPACITY_PERCENT", "Value": 25})
    assert len(config["AutoRollbackConfiguration"]["Alarms"]) == 2 and len(endpoint.rollback_alarms) == 2
    assert not cfn_lint_errors(template_json(endpoint))


def test_guardrails_rules_apply_to_async_endpoints() -> None:
    from cdk_sagemaker_inference import DeploymentGuardrails

    rolling = DeploymentGuardrails.rolling(batch_instances=1, wait=Duration.minutes(1))
    error = refused(initial_instance_count=1, deployment=rolling)
    assert "guardrails.rolling-batch" in str(error) and "is 100% of the variant's 1 instance (its instance count)" \
        in str(error)
    # Autoscaled from 2 to 4, a batch of 1 fits at every count (50% to 25%); from 1 to 4 only at 2 to 4: a
    # warning (SageMaker checks it when the update starts); min_instances=0 is scale to zero (no update at 0).
    stack = new_stack()
    async_endpoint(stack, initial_instance_count=1, min_instances=2, max_instances=4, deployment=rolling)
    assert not [w for w in warnings_of(stack) if "size-some-counts" in w]
    stack = new_stack()
    async_endpoint(stack, initial_instance_count=1, min_instances=1, max_instances=4, deployment=rolling)
    (warning,) = [w for w in warnings_of(stack) if "guardrails.size-some-counts" in w]
    assert "which holds only from 2 to 4 instances" in warning
    # Scale to zero: an update starts at 1 instance or more, so a batch no count of 1–2 fits is refused (it was
    # not checked at all, found by review).
    error = refused(initial_instance_count=1, min_instances=0, max_instances=2,
                    deployment=DeploymentGuardrails.rolling(batch_instances=5, wait=Duration.minutes(1)))
    assert ("is 500% of the variant's 1 instance (1, the fewest an update starts at (the autoscaling minimum is 0)) "
            "and 250% of its 2 instances (maximum): no count it can run at fits") in str(error)
    with pytest.raises(ValidationError, match="rollback alarms need deployment"):
        async_endpoint().add_rollback_alarm()
    stack = new_stack()
    endpoint = async_endpoint(stack, instance_type=InstanceType.of("ml.inf1.xlarge"),
                              deployment=DeploymentGuardrails.all_at_once(wait=Duration.minutes(1)))
    assert any("guardrails.exclusions" in w and "ml.inf1.xlarge (Inf1)" in w for w in warnings_of(stack)), endpoint


def test_volume_key_and_size_render_and_are_checked() -> None:
    stack = new_stack()
    key = kms.Key(stack, "VolumeKey", enable_key_rotation=True)
    endpoint = async_endpoint(stack, instance_type=InstanceType.M5_XLARGE, volume_kms_key=key, volume_size_gb=100)
    (config,) = resources_of(template_json(endpoint), "AWS::SageMaker::EndpointConfig").values()
    assert config["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]}
    assert config["Properties"]["ProductionVariants"][0]["VolumeSizeInGB"] == 100
    nist = nag_findings(stack, packs=("NIST",))
    assert not [f for f in nist if "SageMakerEndpointConfigurationKMSKeyConfigured" in f], nist
    error = refused(instance_type=InstanceType.G5_XLARGE, volume_size_gb=100)  # local NVMe: no volume size
    assert "volume_size_gb" in error.fields
    error = refused(instance_type=InstanceType.M5_XLARGE, volume_size_gb=513)
    assert "realtime.volume-size" in str(error)
    nvme = new_stack()
    async_endpoint(nvme, instance_type=InstanceType.G5_XLARGE,
                   volume_kms_key=kms.Key(nvme, "K", enable_key_rotation=True))
    assert any("realtime.kms-nvme" in w and "volume_kms_key does not encrypt" in w for w in warnings_of(nvme))


def test_prefixes_with_iam_special_characters_are_granted_as_literals() -> None:
    """The same class as batch's: '${x}' in a prefix was an IAM policy variable in the execution role's grants."""
    import json

    stack = new_stack()
    async_endpoint(stack, input_prefix="in/${x}/", output_prefix="out/*/")
    policies = resources_of(template_of(stack).to_json(), "AWS::IAM::Policy").values()
    resources = json.dumps([p["Properties"]["PolicyDocument"] for p in policies])
    assert "in/${$}{x}/*" in resources and "out/${*}/*" in resources and "in/${x}" not in resources
    assert not nag_findings(stack)
