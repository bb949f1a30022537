"""Inference components: the endpoint side, components, adapters, fit checks, copy autoscaling and
scale to zero. Every rule of the "Inference components" area with a passing and a failing case that
reads the message; the template checked by cfn-lint and cdk-nag and asserted property by property."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from cdk_sagemaker_inference import (
    ComponentRollingUpdate,
    ComponentScheduling,
    ComputeRequirements,
    ContainerImage,
    CopyScaling,
    Endpoint,
    IInferenceComponent,
    InferenceComponent,
    InferenceComponentEndpoint,
    InferenceModel,
    InstanceType,
    ManagedInstanceScaling,
    ModelData,
    PlacementStrategy,
    ScaleInStrategy,
    ValidationError,
)
from cdk_sagemaker_inference.constraints import Area, Severity, by_area
from cdk_sagemaker_inference.instance_types import resources_of
from helpers import cfn_lint_errors, infos_of, nag_findings, new_stack, snapshot_of, template_of, warnings_of
from helpers import resources_of as resources_in

LLM_IMAGE = ContainerImage.from_dlc("djl-inference", "0.33.0-lmi15.0.0-cu128")
CPU_IMAGE = ContainerImage.from_dlc("pytorch-inference", "2.3.0-cpu-py311")
GPU_TYPE = "ml.g5.12xlarge"  # 4 GPUs, 48 vCPUs, 192 GiB (EC2 DescribeInstanceTypes via the package data)


def endpoint(stack: Stack, instance_type: str = GPU_TYPE, **props: Any) -> InferenceComponentEndpoint:
    return InferenceComponentEndpoint(stack, "Endpoint", instance_type=InstanceType.of(instance_type), **props)


def artifacts(stack: Stack, key: str = "llm/model.tar.gz") -> ModelData:
    bucket = stack.node.try_find_child("Models") or s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    return ModelData.from_bucket(bucket, key)  # type: ignore[arg-type]


def component(stack: Stack, ep: InferenceComponentEndpoint, construct_id: str = "Llm", **props: Any) -> \
        InferenceComponent:
    props.setdefault("image", LLM_IMAGE)
    props.setdefault("model_data", artifacts(stack))
    props.setdefault("compute", ComputeRequirements(min_memory_mb=16384, accelerator_devices=1, cpu_cores=2))
    return InferenceComponent(stack, construct_id, endpoint=ep, **props)


def refused(build: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build()
    return caught.value


def ids(error: ValidationError) -> list[str]:
    return [p.constraint_id for p in error.problems]


def scale_to_zero_stack() -> tuple[Stack, InferenceComponentEndpoint, InferenceComponent, InferenceComponent]:
    stack = new_stack()
    ep = endpoint(stack, managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=2))
    base = component(stack, ep, "Base", copy_scaling=CopyScaling(min_copies=0, max_copies=4,
                                                                 target_concurrent_requests_per_copy=4))
    adapter = InferenceComponent(stack, "Adapter", endpoint=ep, base_component=base,
                                 model_data=artifacts(stack, "adapters/sql.tar.gz"))
    return stack, ep, base, adapter


# -- the endpoint side ------------------------------------------------------------------------------------
def test_the_variant_has_no_model_and_the_role_vpc_isolation_go_on_the_config() -> None:
    stack = new_stack()
    endpoint(stack, network_isolation=True)
    config = next(iter(resources_in(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()))
    variant = config["Properties"]["ProductionVariants"][0]
    assert "ModelName" not in variant
    assert variant["InstanceType"] == GPU_TYPE and variant["InitialInstanceCount"] == 1
    assert config["Properties"]["EnableNetworkIsolation"] is True
    assert "Fn::GetAtt" in config["Properties"]["ExecutionRoleArn"]


def test_the_variants_startup_timeout_and_metrics_config_render() -> None:
    """Found by review (aws-samples/sagemaker-genai-hosting-examples, inference components with
    ContainerStartupHealthCheckTimeoutInSeconds 600 on the variant and MetricsConfig with enhanced metrics every
    10 s): the endpoint had no prop for either, as a real-time endpoint has."""
    stack = new_stack()
    ep = endpoint(stack, instance_type="ml.g6.12xlarge", instance_count=2,
                  container_startup_health_check_timeout=Duration.minutes(10),
                  metrics_publish_frequency=Duration.seconds(10), enhanced_metrics=True)
    component(stack, ep)
    template = template_of(stack).to_json()
    config = next(iter(resources_in(template, "AWS::SageMaker::EndpointConfig").values()))["Properties"]
    assert config["ProductionVariants"][0]["ContainerStartupHealthCheckTimeoutInSeconds"] == 600
    assert config["MetricsConfig"] == {"MetricPublishFrequencyInSeconds": 10, "EnableEnhancedMetrics": True}
    assert cfn_lint_errors(template) == []


def test_no_metrics_config_or_startup_timeout_by_default() -> None:
    stack = new_stack()
    endpoint(stack)
    config = next(iter(resources_in(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()))
    assert "MetricsConfig" not in config["Properties"]
    assert "ContainerStartupHealthCheckTimeoutInSeconds" not in config["Properties"]["ProductionVariants"][0]


@pytest.mark.parametrize(("props", "field", "rule", "text"), [
    ({"container_startup_health_check_timeout": Duration.seconds(30)}, "container_startup_health_check_timeout",
     "realtime.startup-health-timeout", "30 s is out of range: must be between 60 and 3600 s"),
    ({"metrics_publish_frequency": Duration.seconds(45)}, "metrics_publish_frequency", "realtime.metrics-frequency",
     "45 is not allowed: must be one of 10, 30, 60, 120, 180, 240, 300"),
])
def test_the_variants_startup_timeout_and_metrics_frequency_are_checked(props: dict[str, Any], field: str, rule: str,
                                                                        text: str) -> None:
    error = refused(lambda: endpoint(new_stack(), **props))
    assert error.fields == (field,)
    assert f"rule {rule}" in str(error) and text in str(error), str(error)


def test_the_endpoint_stamps_its_shape_for_the_guard() -> None:
    stack = new_stack()
    endpoint(stack)
    resource = next(iter(resources_in(template_of(stack).to_json(), "AWS::SageMaker::Endpoint").values()))
    assert resource["Metadata"]["cdk-sagemaker-inference"] == {"kind": "realtime", "shape": "inference-components"}


def test_managed_scaling_and_its_scale_in_policy_render() -> None:
    stack = new_stack()
    endpoint(stack, managed_scaling=ManagedInstanceScaling(
        min_instances=1, max_instances=4, scale_in_strategy=ScaleInStrategy.CONSOLIDATION,
        scale_in_cooldown=Duration.minutes(30), scale_in_max_step=2))
    config = next(iter(resources_in(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()))
    assert config["Properties"]["ProductionVariants"][0]["ManagedInstanceScaling"] == {
        "Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 4,
        "ScaleInPolicy": {"Strategy": "CONSOLIDATION", "CooldownInMinutes": 30, "MaximumStepSize": 2}}


@pytest.mark.parametrize(("scaling", "rule", "text"), [
    (ManagedInstanceScaling(min_instances=-1, max_instances=2), "component.managed-scaling", "must be at least 0"),
    (ManagedInstanceScaling(min_instances=0, max_instances=0), "component.managed-scaling", "must be at least 1"),
    (ManagedInstanceScaling(max_instances=2, scale_in_cooldown=Duration.minutes(2)), "component.scale-in-policy",
     "between 5 and 1440"),
    (ManagedInstanceScaling(max_instances=2, scale_in_max_step=101), "component.scale-in-policy", "between 1 and 100"),
    # CooldownInMinutes: 6.5 minutes is refused at the type check, in the field's own unit
    (ManagedInstanceScaling(max_instances=2, scale_in_cooldown=Duration.seconds(390)), "props.whole-seconds",
     "scale_in_cooldown = '6.5 minutes': is not a whole number of minutes"),
])
def test_managed_scaling_limits_are_refused_with_the_range(scaling: ManagedInstanceScaling, rule: str,
                                                           text: str) -> None:
    error = refused(lambda: endpoint(new_stack(), managed_scaling=scaling))
    assert ids(error) == [rule] and text in str(error), str(error)
    assert "Test/Endpoint" in str(error)


def test_a_managed_cooldown_token_in_minutes_renders_and_one_in_seconds_is_refused() -> None:
    """Found by review: Duration.seconds(token) was dropped from the template without a word (no ScaleInPolicy)
    and Duration.minutes(token), the field's own unit, was refused."""
    from aws_cdk import CfnParameter

    stack = new_stack()
    minutes = CfnParameter(stack, "CooldownMinutes", type="Number", default=10).value_as_number
    endpoint(stack, managed_scaling=ManagedInstanceScaling(max_instances=2, scale_in_cooldown=Duration.minutes(minutes)))
    [config] = resources_in(template_of(stack).to_json(), "AWS::SageMaker::EndpointConfig").values()
    [variant] = config["Properties"]["ProductionVariants"]
    assert variant["ManagedInstanceScaling"]["ScaleInPolicy"]["CooldownInMinutes"] == {"Ref": "CooldownMinutes"}
    seconds = CfnParameter(stack, "CooldownSeconds", type="Number", default=600).value_as_number
    error = refused(lambda: endpoint(new_stack(), managed_scaling=ManagedInstanceScaling(
        max_instances=2, scale_in_cooldown=Duration.seconds(seconds))))
    assert ids(error) == ["props.token"] and "a token in a unit other than minutes" in str(error)


def test_scaling_to_zero_instances_warns_about_regions_and_the_first_deploy() -> None:
    stack = new_stack()
    endpoint(stack, managed_scaling=ManagedInstanceScaling(min_instances=0, max_instances=2))
    text = "\n".join(warnings_of(stack))
    assert "component.zero-instances-region" in text and "not offered in every Region" in text
    assert "endpoint-auto-scaling-zero-instances" in text
    stack = new_stack()
    endpoint(stack, managed_scaling=ManagedInstanceScaling(min_instances=1, max_instances=2))
    assert not any("zero-instances" in w for w in warnings_of(stack))


def test_a_managed_range_that_excludes_the_initial_count_warns() -> None:
    stack = new_stack()
    endpoint(stack, instance_count=3, managed_scaling=ManagedInstanceScaling(min_instances=1, max_instances=2))
    assert any("component.managed-scaling-order" in w and "outside the managed range" in w
               for w in warnings_of(stack))


def test_a_managed_minimum_above_the_maximum_warns() -> None:
    stack = new_stack()
    endpoint(stack, managed_scaling=ManagedInstanceScaling(min_instances=3, max_instances=2))
    assert any("component.managed-scaling-order" in w and "greater than max_instances" in w
               for w in warnings_of(stack))


def test_a_volume_size_on_a_local_nvme_type_is_refused_like_a_realtime_one() -> None:
    """realtime.volume-local-storage on the component endpoint's variant too (found by review: accepted on
    ml.g5.12xlarge, which the service refuses); a type with an EBS volume takes one."""
    stack = new_stack()
    error = refused(lambda: endpoint(stack, volume_size_gb=100))
    assert error.fields == ("volume_size_gb",)
    assert "ml.g5.12xlarge has local NVMe storage and gets no EBS volume, so it takes no volume size" in str(error)
    assert "rule realtime.volume-local-storage" in str(error)
    ebs = new_stack()
    endpoint(ebs, "ml.m5.xlarge", volume_size_gb=100)
    template_of(ebs).has_resource_properties("AWS::SageMaker::EndpointConfig", {
        "ProductionVariants": [{"VolumeSizeInGB": 100}]})


def test_subnets_without_a_vpc_are_refused() -> None:
    from aws_cdk import aws_ec2 as ec2

    error = refused(lambda: endpoint(new_stack(), vpc_subnets=ec2.SubnetSelection(
        subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)))
    assert ids(error) == ["vpc.needs-vpc"] and "vpc_subnets needs vpc" in str(error)


def test_an_unknown_instance_type_is_refused_like_a_realtime_one() -> None:
    error = refused(lambda: endpoint(new_stack(), "ml.g5.huge"))
    assert ids(error) == ["realtime.instance-type"]


# -- components -----------------------------------------------------------------------------------------
def test_a_component_renders_its_specification_copies_and_role_grants() -> None:
    stack = new_stack()
    ep = endpoint(stack)
    llm = component(stack, ep, "Llm",
                    model_data_download_timeout=Duration.minutes(10),
                    container_startup_health_check_timeout=Duration.minutes(15), copy_count=2, data_cache=True,
                    scheduling=ComponentScheduling(placement=PlacementStrategy.SPREAD, max_az_imbalance=1),
                    deployment=ComponentRollingUpdate(batch_percent=50, wait=Duration.seconds(120),
                                                      maximum_execution_timeout=Duration.hours(1),
                                                      rollback_batch_copies=1))
    template = template_of(stack).to_json()
    resource = resources_in(template, "AWS::SageMaker::InferenceComponent")[stack.get_logical_id(llm.resource)]
    props = resource["Properties"]
    assert props["InferenceComponentName"] == llm.component_name and props["VariantName"] == "AllTraffic"
    assert props["RuntimeConfig"] == {"CopyCount": 2}
    spec = props["Specification"]
    assert spec["ComputeResourceRequirements"] == {"MinMemoryRequiredInMb": 16384,
                                                   "NumberOfAcceleratorDevicesRequired": 1,
                                                   "NumberOfCpuCoresRequired": 2}
    assert spec["StartupParameters"] == {"ModelDataDownloadTimeoutInSeconds": 600,
                                         "ContainerStartupHealthCheckTimeoutInSeconds": 900}
    assert spec["Container"]["ArtifactUrl"] == "s3://my-models/llm/model.tar.gz"
    assert spec["DataCacheConfig"] == {"EnableCaching": True}
    assert spec["SchedulingConfig"] == {"PlacementStrategy": "SPREAD",
                                        "AvailabilityZoneBalance": {"EnforcementMode": "PERMISSIVE", "MaxImbalance": 1}}
    assert props["DeploymentConfig"] == {"RollingUpdatePolicy": {
        "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50}, "WaitIntervalInSeconds": 120,
        "MaximumExecutionTimeoutInSeconds": 3600, "RollbackMaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1}}}
    policy = str(resources_in(template, "AWS::IAM::Policy"))
    assert "my-models" in policy and "ecr:BatchGetImage" in policy  # the endpoint role reads and pulls
    assert cfn_lint_errors(template) == []


def test_a_model_component_names_the_model_and_needs_no_container() -> None:
    stack = new_stack()
    ep = endpoint(stack, "ml.m5.xlarge")
    model = InferenceModel(stack, "Model", image=CPU_IMAGE, model_data=artifacts(stack, "cpu/model.tar.gz"))
    small = InferenceComponent(stack, "Small", endpoint=ep, model=model,
                               compute=ComputeRequirements(min_memory_mb=1024, cpu_cores=1))
    props = template_of(stack).to_json()["Resources"][stack.get_logical_id(small.resource)]["Properties"]
    assert "ModelName" in props["Specification"] and "Container" not in props["Specification"]


@pytest.mark.parametrize(("props", "rule", "text"), [
    ({"image": None}, "component.specification", "needs a model, an image or a base component"),
    ({"model_data": None, "image": LLM_IMAGE, "compute": ComputeRequirements(min_memory_mb=128),
      "environment": {f"K{i}": "v" for i in range(17)}}, "component.environment", "has 17 entries"),
    ({"environment": {"1BAD": "v"}}, "component.environment", "does not match"),
    # found by the value-edge walk: CloudFormation's EnvironmentMap needs two characters (aws-cdk-lib's
    # template validation refused {"A": ...} at synth, after the construct had accepted it)
    ({"environment": {"A": "v"}}, "component.environment", "does not match"),
    ({"compute": ComputeRequirements(min_memory_mb=64)}, "component.memory", "must be at least 128"),
    ({"compute": ComputeRequirements(min_memory_mb=1024, max_memory_mb=100)}, "component.memory",
     "must be at least 128"),
    ({"compute": ComputeRequirements(min_memory_mb=1024, cpu_cores=0.1)}, "component.cpu-cores",
     "must be at least 0.25"),
    ({"compute": ComputeRequirements(min_memory_mb=1024, accelerator_devices=0)}, "component.accelerators",
     "must be at least 1"),
    ({"compute": None}, "component.compute-required", "is required"),
    ({"copy_count": -1}, "component.copy-count", "must be at least 0"),
    ({"copy_scaling": CopyScaling(min_copies=-1, max_copies=2)}, "component.copy-scaling", "must be at least 0"),
    ({"copy_scaling": CopyScaling(min_copies=3, max_copies=2)}, "component.copy-scaling", "greater than max_copies"),
    ({"copy_scaling": CopyScaling(max_copies=0)}, "component.copy-scaling", "must be at least 1"),
    ({"copy_scaling": CopyScaling(max_copies=2, target_invocations_per_copy=0)}, "autoscaling.target-value",
     "is not > 0"),
    ({"model_data_download_timeout": Duration.seconds(30)}, "component.startup-timeout", "between 60 and 3600"),
    ({"container_startup_health_check_timeout": Duration.hours(2)}, "component.startup-timeout",
     "between 60 and 3600"),
    ({"deployment": ComponentRollingUpdate()}, "component.rolling-update", "needs a maximum batch"),
    ({"deployment": ComponentRollingUpdate(batch_percent=101)}, "component.rolling-batch", "between 5 and 50"),
    ({"deployment": ComponentRollingUpdate(batch_percent=4)}, "component.rolling-batch", "between 5 and 50"),
    ({"deployment": ComponentRollingUpdate(batch_copies=1)}, "component.rolling-batch",
     "is 100% of the component's 1 copy (its copy count): must be between 5% and 50%"),
    ({"copy_count": 4, "deployment": ComponentRollingUpdate(batch_copies=3)}, "component.rolling-batch",
     "is 75% of the component's 4 copies"),
    ({"copy_count": 2, "copy_scaling": CopyScaling(min_copies=2, max_copies=3),
      "deployment": ComponentRollingUpdate(batch_copies=2)}, "component.rolling-batch",
     "is 100% of the component's 2 copies (its autoscaling minimum) and 66.7% of its 3 copies (maximum): no "
     "count it can run at fits: must be between 5% and 50%"),
    ({"deployment": ComponentRollingUpdate(batch_percent=50, wait=Duration.hours(2))}, "component.rolling-update",
     "between 0 and 3600"),
    ({"deployment": ComponentRollingUpdate(batch_percent=50, maximum_execution_timeout=Duration.minutes(5))},
     "component.rolling-update", "between 600 and 28800"),
    ({"scheduling": ComponentScheduling(placement=PlacementStrategy.BINPACK, max_az_imbalance=101)},
     "component.scheduling", "between 0 and 100"),
    ({"component_name": "bad_name"}, "name.component", "does not match"),
])
def test_component_rules_refuse_with_the_message(props: dict[str, Any], rule: str, text: str) -> None:
    stack = new_stack()
    ep = endpoint(stack)
    error = refused(lambda: component(stack, ep, **props))
    assert rule in ids(error) and text in str(error), str(error)
    assert "Test/Llm" in str(error)


@pytest.mark.parametrize("key", ["HF", "_X", "OPTION_ENABLE_LORA", "K" * 1024])
def test_environment_names_cloudformation_accepts_synthesize(key: str) -> None:
    stack = new_stack()
    component(stack, endpoint(stack), environment={key: "v"})
    assert template_of(stack).to_json()  # aws-cdk-lib's template validation runs at synth


def test_a_component_with_an_uncompressed_prefix_is_refused() -> None:
    stack = new_stack()
    ep = endpoint(stack)
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    error = refused(lambda: component(stack, ep, model_data=ModelData.from_uncompressed_prefix(bucket, "llm/")))
    assert ids(error) == ["component.artifact"] and "one .tar.gz object" in str(error)


@pytest.mark.parametrize("key", ["", "llm/", "llm/model.bin", "   "])
def test_a_component_artifact_that_is_not_one_tar_gz_is_refused_like_a_models(key: str) -> None:
    """Found by review: ArtifactUrl s3://my-models/ (or a .bin, or a prefix) synthesized; botocore's
    InferenceComponentContainerSpecification.ArtifactUrl is "a single gzip compressed tar archive"."""
    stack = new_stack()
    ep = endpoint(stack)
    bucket = s3.Bucket.from_bucket_name(stack, "B", "my-models")
    error = refused(lambda: component(stack, ep, model_data=ModelData.from_bucket(bucket, key)))
    assert "component.artifact" in ids(error) and "model_data" in error.fields, str(error)


def test_zero_copies_at_creation_is_a_warning_not_a_refusal() -> None:
    """component.copy-count-zero: botocore (InferenceComponentCopyCount, min 0) and the CloudFormation schema
    allow 0; only users' reports say the service refuses it, so the library warns (found by review: it
    refused 0 citing sources that allow it)."""
    stack = new_stack()
    ep = endpoint(stack)
    component(stack, ep, copy_count=0)
    (warning,) = [w for w in warnings_of(stack) if "component.copy-count-zero" in w]
    assert "0 copies at creation: the service model allows it" in warning and "copy_count=1" in warning
    other = new_stack()
    component(other, endpoint(other), copy_count=1)
    assert not [w for w in warnings_of(other) if "copy-count-zero" in w]


def test_a_batch_of_copies_that_fits_some_autoscaled_counts_is_a_warning() -> None:
    """SageMaker checks a batch in copies against the copy count when the update starts: 2 copies are 100% of
    the minimum of 2 and 25% of the maximum of 8, so an update started at 4 to 8 copies passes (it was refused
    against the minimum alone)."""
    stack = new_stack()
    component(stack, endpoint(stack), copy_count=2, copy_scaling=CopyScaling(min_copies=2, max_copies=8),
              deployment=ComponentRollingUpdate(batch_copies=2))
    (warning,) = [w for w in warnings_of(stack) if "component.rolling-batch-some-counts" in w]
    assert ("deployment.maximum_batch = '2 copies': is 100% of the component's 2 copies (its autoscaling minimum) and "
            "25% of 8 copies (the maximum): a batch must be 5–50% of the copies when the update starts, which holds "
            "only from 4 to 8 copies") in warning and "batch_percent" in warning
    other = new_stack()
    component(other, endpoint(other), copy_count=4, copy_scaling=CopyScaling(min_copies=4, max_copies=8),
              deployment=ComponentRollingUpdate(batch_copies=2))
    assert not [w for w in warnings_of(other) if "rolling-batch-some-counts" in w]
    # The range is the autoscaling one, whatever the first deploy's copy_count (the message named copy_count's 1
    # as the autoscaling minimum, found by review).
    third = new_stack()
    error = refused(lambda: component(third, endpoint(third), copy_scaling=CopyScaling(min_copies=2, max_copies=4),
                                      deployment=ComponentRollingUpdate(batch_copies=3)))
    assert "is 150% of the component's 2 copies (its autoscaling minimum) and 75% of its 4 copies" in str(error)


def test_rollback_alarms_render_and_more_than_ten_are_refused() -> None:
    stack = new_stack()
    ep = endpoint(stack)
    alarms = [cloudwatch.Alarm.from_alarm_name(stack, f"A{i}", f"alarm-{i}") for i in range(11)]
    llm = component(stack, ep, deployment=ComponentRollingUpdate(batch_percent=50, rollback_alarms=alarms[:2]))
    props = template_of(stack).to_json()["Resources"][stack.get_logical_id(llm.resource)]["Properties"]
    assert props["DeploymentConfig"]["AutoRollbackConfiguration"] == {
        "Alarms": [{"AlarmName": "alarm-0"}, {"AlarmName": "alarm-1"}]}
    error = refused(lambda: component(stack, ep, "Other", deployment=ComponentRollingUpdate(
        batch_percent=50, rollback_alarms=alarms)))
    assert "component.rolling-update" in ids(error) and "at most 10" in str(error)


def test_a_max_memory_below_the_reservation_warns() -> None:
    stack = new_stack()
    component(stack, endpoint(stack), compute=ComputeRequirements(min_memory_mb=4096, max_memory_mb=2048,
                                                                    accelerator_devices=1))
    assert any("component.memory-order" in w for w in warnings_of(stack))


# -- adapters -----------------------------------------------------------------------------------------------
def test_an_adapter_rides_on_its_base_and_is_created_after_it() -> None:
    stack, _, base, adapter = scale_to_zero_stack()
    template = template_of(stack).to_json()
    props = template["Resources"][stack.get_logical_id(adapter.resource)]
    assert props["Properties"]["Specification"] == {"BaseInferenceComponentName": base.component_name,
                                                    "Container": {"ArtifactUrl": "s3://my-models/adapters/sql.tar.gz"}}
    assert "RuntimeConfig" not in props["Properties"]
    assert stack.get_logical_id(base.resource) in props["DependsOn"]


@pytest.mark.parametrize(("props", "text"), [
    ({"compute": ComputeRequirements(min_memory_mb=1024)}, "drop compute"),
    ({"copy_scaling": CopyScaling(max_copies=2)}, "drop copy_scaling"),
    ({"model_data": None}, "an adapter needs its artifacts"),
    # Found by a sweep: it was dropped from the template without a word.
    ({"copy_count": 2}, "copy_count = 2: an adapter runs on its base component's copies: it has no copy count"),
    ({"copy_count": 1}, "drop copy_count (set the copies on the base component)"),
])
def test_adapter_rules(props: dict[str, Any], text: str) -> None:
    stack = new_stack()
    ep = endpoint(stack)
    base = component(stack, ep, "Base")
    error = refused(lambda: InferenceComponent(stack, "Adapter", endpoint=ep, base_component=base,
                                               **{"model_data": artifacts(stack, "a.tar.gz"), **props}))
    assert text in str(error), str(error)


def test_an_adapter_of_an_adapter_is_a_warning() -> None:
    stack = new_stack()
    ep = endpoint(stack)
    base = component(stack, ep, "Base")
    first = InferenceComponent(stack, "First", endpoint=ep, base_component=base, model_data=artifacts(stack, "a.tar.gz"))
    assert not [w for w in warnings_of(stack) if "component.adapter-base" in w]
    InferenceComponent(stack, "Second", endpoint=ep, base_component=first, model_data=artifacts(stack, "b.tar.gz"))
    (warning,) = [w for w in warnings_of(stack) if "component.adapter-base" in w]
    assert "base_component = 'Test/First': is itself an adapter" in warning
    assert "pass the component that hosts the foundation model" in warning


def test_an_adapter_of_another_endpoints_component_is_refused() -> None:
    stack = new_stack()
    ep = endpoint(stack)
    other = InferenceComponentEndpoint(stack, "Other", instance_type=InstanceType.of(GPU_TYPE))
    base = component(stack, other, "Base")
    error = refused(lambda: InferenceComponent(stack, "Adapter", endpoint=ep, base_component=base,
                                               model_data=artifacts(stack, "a.tar.gz")))
    assert ids(error) == ["component.adapter"] and "another endpoint" in str(error)


# -- fit checks -----------------------------------------------------------------------------------------------
def test_the_resource_data_names_its_source() -> None:
    g5 = resources_of("ml.g5.12xlarge")
    assert g5 is not None and (g5.vcpu, g5.memory_mib, g5.accelerators) == (48, 196608, 4)
    assert resources_of("ml.m5.xlarge").accelerators == 0  # type: ignore[union-attr]
    assert resources_of("ml.nope.large") is None


def test_more_accelerators_than_the_type_has_is_refused_naming_both_numbers() -> None:
    stack = new_stack()
    ep = endpoint(stack, "ml.g5.xlarge")
    error = refused(lambda: component(stack, ep, compute=ComputeRequirements(min_memory_mb=1024,
                                                                            accelerator_devices=2)))
    assert ids(error) == ["component.fit"]
    assert "asks for 2 accelerator devices, but ml.g5.xlarge has 1 accelerators" in str(error)
    stack = new_stack()
    component(stack, endpoint(stack, "ml.g5.12xlarge"), compute=ComputeRequirements(min_memory_mb=1024,
                                                                                   accelerator_devices=4))


def test_accelerators_on_a_cpu_type_are_refused() -> None:
    stack = new_stack()
    ep = endpoint(stack, "ml.m5.xlarge")
    error = refused(lambda: component(stack, ep))
    assert "ml.m5.xlarge has 0 accelerators" in str(error)


@pytest.mark.parametrize(("compute", "text"), [
    (ComputeRequirements(min_memory_mb=1024, cpu_cores=64), "asks for 64 CPU cores, but ml.g5.12xlarge has 48 vCPUs"),
    (ComputeRequirements(min_memory_mb=200_000), "reserves 200000 MB, but ml.g5.12xlarge has 196608 MiB"),
])
def test_cpu_and_memory_beyond_one_instance_are_refused(compute: ComputeRequirements, text: str) -> None:
    stack = new_stack()
    ep = endpoint(stack)
    error = refused(lambda: component(stack, ep, compute=compute))
    assert ids(error) == ["component.fit"] and text in str(error), str(error)


def test_a_reservation_near_the_nominal_limit_warns() -> None:
    stack = new_stack()
    component(stack, endpoint(stack), compute=ComputeRequirements(min_memory_mb=190_000, accelerator_devices=1))
    assert any("component.fit-margin" in w and "within 10 %" in w for w in warnings_of(stack))
    stack = new_stack()
    component(stack, endpoint(stack), compute=ComputeRequirements(min_memory_mb=100_000, accelerator_devices=1))
    assert not any("fit-margin" in w for w in warnings_of(stack))


def test_neuron_devices_between_devices_and_cores_warn_unverified() -> None:
    stack = new_stack()
    ep = endpoint(stack, "ml.inf2.xlarge")  # 1 Inferentia2 device, 2 NeuronCores
    component(stack, ep, compute=ComputeRequirements(min_memory_mb=1024, accelerator_devices=2))
    assert any("unverified" in w for w in warnings_of(stack))
    error = refused(lambda: component(stack, ep, "Big", compute=ComputeRequirements(min_memory_mb=1024,
                                                                                    accelerator_devices=3)))
    assert "1 Neuron devices (2 NeuronCores)" in str(error)


def test_a_cpu_only_component_on_a_gpu_type_is_reported() -> None:
    stack = new_stack()
    component(stack, endpoint(stack), image=CPU_IMAGE, compute=ComputeRequirements(min_memory_mb=1024, cpu_cores=1))
    assert any("component.fit-accelerator-kind" in w and "leaves them idle" in w for w in warnings_of(stack))


def test_a_type_without_resource_data_is_not_checked_and_says_so() -> None:
    stack = new_stack()
    component(stack, endpoint(stack, "ml.p3.2xlarge"), compute=ComputeRequirements(min_memory_mb=1024,
                                                                                  accelerator_devices=8))
    assert any("component.fit-unknown" in i and "not checked" in i for i in infos_of(stack) + warnings_of(stack))


def test_copies_that_the_fleet_cannot_hold_warn() -> None:
    stack = new_stack()
    ep = endpoint(stack, managed_scaling=ManagedInstanceScaling(min_instances=1, max_instances=1))
    component(stack, ep, compute=ComputeRequirements(min_memory_mb=1024, accelerator_devices=2),
              copy_scaling=CopyScaling(max_copies=2))
    assert not any("fit-fleet" in w for w in warnings_of(stack))
    component(stack, ep, "Second", compute=ComputeRequirements(min_memory_mb=1024, accelerator_devices=2),
              copy_scaling=CopyScaling(max_copies=2))
    text = "\n".join(warnings_of(stack))
    assert "component.fit-fleet" in text and "need 8 accelerator devices" in text and "has 4" in text


# -- copy autoscaling and scale to zero ------------------------------------------------------------------------
def test_scale_to_zero_is_wired_property_by_property() -> None:
    stack, _, base, _ = scale_to_zero_stack()
    template = template_of(stack).to_json()
    target_id = stack.get_logical_id(base.scalable_target.node.default_child)  # type: ignore[union-attr, arg-type]
    target = template["Resources"][target_id]
    assert target["Properties"]["ResourceId"] == f"inference-component/{base.component_name}"
    assert target["Properties"]["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount"
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (0, 4)
    assert stack.get_logical_id(base.resource) in target["DependsOn"]
    policies = resources_in(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    tracking = [p for p in policies.values() if p["Properties"]["PolicyType"] == "TargetTrackingScaling"]
    assert [p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
            ["PredefinedMetricType"] for p in tracking] == [
        "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"]
    (step_id, step), = [(k, p) for k, p in policies.items() if p["Properties"]["PolicyType"] == "StepScaling"]
    assert step["Properties"]["StepScalingPolicyConfiguration"] == {
        "AdjustmentType": "ChangeInCapacity", "Cooldown": 60, "MetricAggregationType": "Maximum",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]}
    alarm = template["Resources"][stack.get_logical_id(base.wake_alarm.node.default_child)]  # type: ignore[union-attr, arg-type]
    assert alarm["Properties"]["MetricName"] == "NoCapacityInvocationFailures"
    assert alarm["Properties"]["Dimensions"] == [{"Name": "InferenceComponentName", "Value": base.component_name}]
    assert alarm["Properties"]["AlarmActions"] == [{"Ref": step_id}]
    assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    config = next(iter(resources_in(template, "AWS::SageMaker::EndpointConfig").values()))
    assert config["Properties"]["ProductionVariants"][0]["ManagedInstanceScaling"]["MinInstanceCount"] == 0
    assert cfn_lint_errors(template) == []


def test_without_min_zero_there_is_no_wake_policy() -> None:
    stack = new_stack()
    llm = component(stack, endpoint(stack), copy_scaling=CopyScaling(min_copies=1, max_copies=2,
                                                                      target_invocations_per_copy=10))
    assert llm.wake_alarm is None
    assert not resources_in(template_of(stack).to_json(), "AWS::CloudWatch::Alarm")


# -- grants, metrics, nag -----------------------------------------------------------------------------------------
def test_grant_invoke_allows_invoke_endpoint_on_the_endpoint() -> None:
    stack, ep, base, _ = scale_to_zero_stack()
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    base.grant_invoke(role)
    policy = str(template_of(stack).to_json()["Resources"][stack.get_logical_id(
        role.node.find_child("DefaultPolicy").node.default_child)])  # type: ignore[arg-type]
    assert "sagemaker:InvokeEndpoint" in policy and stack.get_logical_id(ep.resource) in policy


def test_metrics_name_the_component() -> None:
    _, _, base, _ = scale_to_zero_stack()
    metric = base.metric_invocations_per_copy()
    assert metric.metric_name == "InvocationsPerCopy"
    assert metric.dimensions == {"InferenceComponentName": base.component_name}
    assert base.metric_gpu_utilization().namespace == "/aws/sagemaker/InferenceComponents"
    alarm = base.alarm_no_capacity(threshold=5)
    assert alarm.node.path.endswith("NoCapacityAlarm")
    with pytest.raises(ValidationError, match=r"1441 periods of 60 seconds span 86,460 seconds"):
        base.alarm_no_capacity(evaluation_periods=1441)
    # A second alarm (another threshold) gets its own id: a second call failed with constructs' raw
    # "There is already a Construct with name 'NoCapacityAlarm'" (found by review).
    second = base.alarm_no_capacity(threshold=20, evaluation_periods=3)
    assert second.node.path.endswith("NoCapacityAlarm2")
    thresholds = sorted(r["Properties"]["Threshold"] for r in template_of(base.node.scope).to_json()["Resources"].values()
                        if r["Type"] == "AWS::CloudWatch::Alarm" and "no copy" in r["Properties"]["AlarmDescription"])
    assert 5 in thresholds and 20 in thresholds


def test_an_imported_component_grants_invoke_on_its_endpoint_and_names_its_metrics() -> None:
    stack = new_stack()
    hosting = Endpoint.from_endpoint_name(stack, "Shared", "llm-fleet")
    imported = InferenceComponent.from_component_name(stack, "Llama", "llama-8b", endpoint=hosting)
    assert isinstance(imported, IInferenceComponent)
    assert imported.component_name == "llama-8b"
    assert stack.resolve(imported.component_arn)["Fn::Join"][1][-1] == ":inference-component/llama-8b"
    assert imported.metric_invocations().dimensions == {"InferenceComponentName": "llama-8b"}
    imported.alarm_no_capacity()
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    imported.grant_invoke(role)
    policy = str(template_of(stack).to_json())
    assert "sagemaker:InvokeEndpoint" in policy and "endpoint/llm-fleet" in policy


@pytest.mark.parametrize(("name", "text"), [
    ("-llama", "component_name"), ("x" * 64, "63"), ("llama_8b", "component_name")])
def test_an_imported_component_with_a_name_sagemaker_refuses_is_refused(name: str, text: str) -> None:
    stack = new_stack()
    hosting = Endpoint.from_endpoint_name(stack, "Shared", "llm-fleet")
    error = refused(lambda: InferenceComponent.from_component_name(stack, "Llama", name, endpoint=hosting))
    assert ids(error) == ["name.component"] and text in str(error) and "Llama" in str(error)


def test_an_imported_component_with_a_wrong_type_is_a_validation_error() -> None:
    stack = new_stack()
    error = refused(lambda: InferenceComponent.from_component_name(stack, "Llama", 42, endpoint="llm"))  # type: ignore[arg-type]
    assert {p.field for p in error.problems} >= {"component_name", "endpoint"}


def test_snapshot_scale_to_zero(snapshot_json: Any) -> None:
    """The scale-to-zero stack (endpoint, base component with copy autoscaling and its wake policy, adapter),
    pinned: any change to what the constructs render shows up as a reviewed snapshot diff."""
    stack, *_ = scale_to_zero_stack()
    template = template_of(stack)
    template.resource_count_is("AWS::SageMaker::InferenceComponent", 2)
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 2)
    assert snapshot_of(stack) == snapshot_json


def test_default_settings_are_cdk_nag_clean() -> None:
    stack, *_ = scale_to_zero_stack()
    assert nag_findings(stack) == []


def test_every_rule_of_the_area_is_enforced_or_marked() -> None:
    rows = by_area(Area.COMPONENTS)
    assert len(rows) >= 20
    assert {r.severity for r in rows} <= {Severity.ERROR, Severity.WARNING, Severity.BY_DESIGN, Severity.DOCUMENT}


# -- the migration guard -----------------------------------------------------------------------------------------
def _template(build: Any) -> dict[str, Any]:
    stack = new_stack()
    build(stack)
    return template_of(stack).to_json()


def _model_based(stack: Stack) -> None:
    from cdk_sagemaker_inference import RealtimeEndpoint

    model = InferenceModel(stack, "Model", image=LLM_IMAGE, model_data=artifacts(stack))
    RealtimeEndpoint(stack, "Endpoint", model=model, instance_type=InstanceType.of(GPU_TYPE), instance_count=2)


def test_the_guard_reports_a_shape_change_as_unverified_never_safe() -> None:
    from cdk_sagemaker_inference import UnsafeChange, find_unsafe_changes

    def components(stack: Stack) -> None:
        component(stack, endpoint(stack))

    findings = find_unsafe_changes(_template(_model_based), _template(components))
    changes = {f.change: f for f in findings}
    assert UnsafeChange.ENDPOINT_SHAPE_CHANGED in changes
    finding = changes[UnsafeChange.ENDPOINT_SHAPE_CHANGED]
    assert finding.verdict.value == "unverified" and not finding.fails
    assert "model-based to the inference-components-based" in finding.why
    back = {f.change for f in find_unsafe_changes(_template(components), _template(_model_based))}
    assert UnsafeChange.ENDPOINT_SHAPE_CHANGED in back


def test_the_guard_reports_a_removed_component_and_accepts_its_acknowledgment() -> None:
    from cdk_sagemaker_inference import UnsafeChange, acknowledge_unsafe_change, find_unsafe_changes

    def two(stack: Stack) -> None:
        ep = endpoint(stack)
        component(stack, ep)
        component(stack, ep, "Second")

    def one(stack: Stack) -> None:
        component(stack, endpoint(stack))

    before, after = _template(two), _template(one)
    findings = find_unsafe_changes(before, after)
    assert [(f.change, f.fails) for f in findings] == [(UnsafeChange.COMPONENT_REMOVED, True)]
    removed = findings[0].logical_id

    def one_acknowledged(stack: Stack) -> None:
        one(stack)
        acknowledge_unsafe_change(removed, UnsafeChange.COMPONENT_REMOVED, reason="model retired", scope=stack)

    assert find_unsafe_changes(before, _template(one_acknowledged)) == []


def test_the_guard_reports_a_renamed_component_as_unverified_and_a_compute_change_not_at_all() -> None:
    from cdk_sagemaker_inference import UnsafeChange, find_unsafe_changes

    def named(name: str, memory: int = 16384) -> Any:
        return lambda stack: component(stack, endpoint(stack), component_name=name,
                                       compute=ComputeRequirements(min_memory_mb=memory, accelerator_devices=1))

    moved = find_unsafe_changes(_template(named("llm-a")), _template(named("llm-b")))
    assert [(f.change, f.verdict.value) for f in moved] == [(UnsafeChange.COMPONENT_MOVED, "unverified")]
    # UpdateInferenceComponent takes a new Specification (BC UpdateInferenceComponentInput): updated in place.
    assert find_unsafe_changes(_template(named("llm-a")), _template(named("llm-a", 32768))) == []


# -- the advisor --------------------------------------------------------------------------------------------------
def test_the_advisor_recommends_components_for_several_accelerated_models_and_scale_to_zero() -> None:
    from cdk_sagemaker_inference.advisor import Latency, Traffic, Workload, recommend, to_json

    several = recommend(Workload(payload_mb=1, processing_seconds=2, latency=Latency.INTERACTIVE,
                                 traffic=Traffic.SUSTAINED, gpu=True, models=3))
    assert several.construct == "InferenceComponentEndpoint" and to_json(several)["shape"] == "inference-components"
    assert any("share one fleet" in r for r in several.reasons)
    zero = recommend(Workload(payload_mb=1, processing_seconds=2, latency=Latency.INTERACTIVE,
                              traffic=Traffic.INTERMITTENT, gpu=True))
    assert zero.inference_components and any("scales to zero instances" in r for r in zero.reasons)
    assert "component.scale-from-zero" in [c.id for c in zero.constraints]
    one_cpu = recommend(Workload(payload_mb=1, processing_seconds=2, latency=Latency.INTERACTIVE,
                                 traffic=Traffic.SUSTAINED, models=3))
    assert one_cpu.construct == "RealtimeEndpoint"
    with pytest.raises(ValueError, match="models must be"):
        Workload(payload_mb=1, processing_seconds=2, latency=Latency.INTERACTIVE, traffic=Traffic.SUSTAINED, models=0)


def test_the_advisors_component_snippet_synthesizes() -> None:
    from cdk_sagemaker_inference.advisor import Latency, Traffic, Workload, recommend

    snippet = recommend(Workload(payload_mb=1, processing_seconds=2, latency=Latency.INTERACTIVE,
                                 traffic=Traffic.INTERMITTENT, gpu=True, models=2)).snippet
    assert snippet is not None
    stack = new_stack()
    exec(compile(snippet, "<snippet>", "exec"), {"self": stack})
    template = template_of(stack).to_json()
    assert len(resources_in(template, "AWS::SageMaker::InferenceComponent")) == 2
    assert len(resources_in(template, "AWS::CloudWatch::Alarm")) == 2  # one wake-from-zero alarm each
    assert cfn_lint_errors(template) == []


# -- the README's example ------------------------------------------------------------------------------------------
def test_the_readme_example_scales_to_zero_with_all_four_pieces(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shutil

    from helpers import ROOT

    block = next(b for b in re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)
                 if "InferenceComponentEndpoint(" in b)
    shutil.copy(ROOT / "stacks" / "assets" / "model.tar.gz", tmp_path / "model.tar.gz")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cdk.out"))
    namespace: dict[str, Any] = {"__name__": "readme_components"}
    exec(compile(block, "README inference components", "exec"), namespace)
    template = namespace["app"].synth().get_stack_by_name("SharedGpus").template
    config = next(iter(resources_in(template, "AWS::SageMaker::EndpointConfig").values()))
    assert config["Properties"]["ProductionVariants"][0]["ManagedInstanceScaling"]["MinInstanceCount"] == 0
    targets = resources_in(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert [t["Properties"]["MinCapacity"] for t in targets.values()] == [0]
    kinds = sorted(p["Properties"]["PolicyType"] for p in resources_in(
        template, "AWS::ApplicationAutoScaling::ScalingPolicy").values())
    assert kinds == ["StepScaling", "TargetTrackingScaling"]
    alarms = resources_in(template, "AWS::CloudWatch::Alarm")
    assert [a["Properties"]["MetricName"] for a in alarms.values()] == ["NoCapacityInvocationFailures"]
    assert cfn_lint_errors(template) == []


def test_the_example_apps_component_stack_is_nag_clean_and_lints() -> None:
    from helpers import new_app
    from stacks.components_stack import ComponentsStack

    app = new_app()
    stack = ComponentsStack(app, "ComponentInference")
    template = template_of(stack).to_json()
    assert len(resources_in(template, "AWS::SageMaker::InferenceComponent")) == 3
    assert cfn_lint_errors(template) == []
    assert nag_findings(stack) == []


# -- botocore's service model as the oracle ------------------------------------------------------------------------
def _api_params(value: Any, key: str = "") -> Any:
    """Template values as API parameters: tokens (Fn::GetAtt, Ref) become a valid literal (a role ARN for
    ``*Arn`` fields, a name otherwise)."""
    if isinstance(value, dict):
        if set(value) & {"Fn::GetAtt", "Ref", "Fn::Join", "Fn::Sub"}:
            return "arn:aws:iam::123456789012:role/resolved-at-deploy" if key.endswith("Arn") else "resolved-at-deploy"
        return {k: _api_params(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_api_params(v, key) for v in value]
    return value


@pytest.mark.parametrize("build", ["scale_to_zero", "full"])
def test_rendered_resources_are_valid_create_calls_for_botocore(build: str) -> None:
    """Every rendered component is a valid CreateInferenceComponent input and the endpoint config a valid
    CreateEndpointConfig input, by botocore's own parameter validation (the shapes the service model ships)."""
    import botocore.session
    from botocore.validate import ParamValidator

    if build == "scale_to_zero":
        stack, *_ = scale_to_zero_stack()
    else:
        stack = new_stack()
        ep = endpoint(stack, managed_scaling=ManagedInstanceScaling(
            max_instances=3, scale_in_strategy=ScaleInStrategy.IDLE_RELEASE, scale_in_cooldown=Duration.minutes(5)))
        component(stack, ep, copy_count=2, data_cache=False,
                  scheduling=ComponentScheduling(placement=PlacementStrategy.SPREAD, max_az_imbalance=0),
                  deployment=ComponentRollingUpdate(batch_copies=1, maximum_execution_timeout=Duration.minutes(10)),
                  model_data_download_timeout=Duration.seconds(60))
    model = botocore.session.get_session().get_service_model("sagemaker")
    validator = ParamValidator()
    template = template_of(stack).to_json()
    for resource in resources_in(template, "AWS::SageMaker::InferenceComponent").values():
        params = _api_params(resource["Properties"])
        params.pop("DeploymentConfig", None)  # UpdateInferenceComponent's field, not CreateInferenceComponent's
        report = validator.validate(params, model.operation_model("CreateInferenceComponent").input_shape)
        assert not report.has_errors(), report.generate_report()
    for resource in resources_in(template, "AWS::SageMaker::EndpointConfig").values():
        params = {"EndpointConfigName": "c", **_api_params(resource["Properties"])}
        report = validator.validate(params, model.operation_model("CreateEndpointConfig").input_shape)
        assert not report.has_errors(), report.generate_report()


def test_roles_customized_by_the_platform_still_synthesize() -> None:
    """iam.Role.customize_roles (a platform that creates roles out of band) leaves a role without a default
    policy: the library's default roles must not assume one (found by review: 'No child with id
    DefaultPolicy')."""
    from aws_cdk import aws_iam as iam

    stack = new_stack()
    iam.Role.customize_roles(stack, use_precreated_roles={"Test/Endpoint/Role": "platform-sagemaker-role"})
    ep = endpoint(stack)
    component(stack, ep, "Base")
    template = template_of(stack).to_json()
    assert resources_in(template, "AWS::SageMaker::InferenceComponent")
    assert not resources_in(template, "AWS::IAM::Role")  # customized: the role is the platform's


def test_a_component_name_used_twice_in_one_account_and_region_is_refused() -> None:
    """name.component-unique (found by review: two components named 'llm' were accepted, and the second
    CreateInferenceComponent fails); distinct names pass, and agnostic stacks get a warning."""
    from aws_cdk import App, Environment

    app = App()
    env = Environment(account="123456789012", region="us-east-1")
    first, second = Stack(app, "First", env=env), Stack(app, "Second", env=env)
    component(first, endpoint(first), "A", component_name="llm")
    component(first, first.node.find_child("Endpoint"), "B", component_name="llm-2")  # type: ignore[arg-type]
    error = refused(lambda: component(second, endpoint(second), "A", component_name="llm"))
    assert error.fields == ("component_name",)
    assert ("component_name = 'llm': the inference component First/A of this app already has this name in the "
            "same account and Region") in str(error)
    assert "rule name.component-unique" in str(error)
    agnostic = Stack(app, "Agnostic")
    component(agnostic, endpoint(agnostic), "A", component_name="llm")
    assert any("component_name 'llm' is also used by First/A" in w for w in warnings_of(agnostic))


def test_a_dlc_image_in_a_region_without_a_dlc_account_names_the_component() -> None:
    """model.dlc-account from an inference component: its own path and type (review: it said InferenceModel)."""
    from aws_cdk import App, Environment

    stack = Stack(App(), "Il", env=Environment(account="123456789012", region="il-central-1"))
    error = refused(lambda: component(stack, endpoint(stack), "C", image=CPU_IMAGE))
    assert (error.path, error.construct_type, error.fields) == ("Il/C", "InferenceComponent", ("image",))
    assert "rule model.dlc-account" in str(error)


def test_a_volume_key_on_a_type_with_local_nvme_storage_warns_as_on_the_other_endpoints() -> None:
    """realtime.kms-nvme: RealtimeEndpoint and AsyncEndpoint warned, InferenceComponentEndpoint did not
    (found by review)."""
    from aws_cdk import aws_kms as kms

    stack = new_stack()
    endpoint(stack, kms_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True))
    assert any("realtime.kms-nvme" in w and "kms_key does not encrypt that volume" in w for w in warnings_of(stack))


def test_a_rolling_batch_below_five_percent_asks_for_more() -> None:
    """The fix pointed the wrong way for a batch below 5% (found by review)."""
    stack = new_stack()
    ep = endpoint(stack)
    error = refused(lambda: component(stack, ep, copy_count=40, deployment=ComponentRollingUpdate(batch_copies=1)))
    assert "is 2.5% of the component's 40 copies (its copy count)" in str(error)
    assert "replace a share of the copies per batch (batch_percent=...), or as at least 2 copies (5% of 40)" in str(error)


def test_artifacts_that_fit_only_short_names_of_a_deploy_time_bucket_are_a_warning() -> None:
    """Found by review: the inference component's artifact URL was the one location in a bucket named at deploy
    time without the props.s3-unknown-bucket-length warning (InferenceModel's model data had it)."""
    def warnings(key_length: int) -> list[str]:
        stack = new_stack()
        created = s3.Bucket(stack, "Artifacts")  # its name is a token
        key = "k" * (key_length - len(".tar.gz")) + ".tar.gz"
        component(stack, endpoint(stack), model_data=ModelData.from_bucket(created, key))
        return [w for w in warnings_of(stack) if "props.s3-unknown-bucket-length" in w]

    (warning,) = warnings(1024 - len("s3:///") - 10)
    assert "model_data = " in warning and "only if the bucket's name has at most 10 characters" in warning
    assert warnings(1024 - len("s3:///") - 63) == []
