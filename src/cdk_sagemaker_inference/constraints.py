"""Every documented SageMaker inference constraint, as one data table (value + source).

This module is pure data. Validation (:mod:`cdk_sagemaker_inference.validation`), the README's
constraint table (``scripts/gen_constraints_doc.py``) and the parametrised tests all read it,
so a rule changes in exactly one place.

Sources:
  BC   botocore's SageMaker service model (``sagemaker/2017-07-24/service-2``), shape.member
  BCR  botocore's ``sagemaker-runtime`` model;  AAS  the ``application-autoscaling`` model
  CFN  the CloudFormation resource schemas shipped in cfn-lint
  DG:page  docs.aws.amazon.com/sagemaker/latest/dg/<page>.html
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


class Area(enum.Enum):
    """Which part of SageMaker a constraint belongs to."""

    SERVERLESS = "Serverless"
    MIGRATION = "Migration and updates"
    REALTIME = "Real-time"
    COMPONENTS = "Inference components"
    ASYNC = "Async"
    BATCH = "Batch transform"
    MODEL = "Model"
    AUTOSCALING = "Application Auto Scaling"
    PROPS = "Construct props"
    COST = "Cost (the app's own budget)"
    RECOMMENDER = "Inference Recommender and AI benchmark jobs"


class Severity(enum.Enum):
    """What the library does with a constraint."""

    ERROR = "error"
    """Refused at synth with a ValidationError."""
    WARNING = "warning"
    """Soft limit (an account quota AWS can raise) or advice: a synth warning, never a failure."""
    DOCUMENT = "document"
    """A runtime limit nothing at synth can check: documented only."""
    BY_DESIGN = "by design"
    """The API cannot express a violation (no such prop, or the library never sets the value)."""


@dataclass(frozen=True)
class Constraint:
    """One documented rule.

    ``rule`` is the allowed set in words (used verbatim in messages and docs); ``minimum``,
    ``maximum``, ``allowed``, ``pattern`` and ``max_length`` are the machine-readable values
    that the validators use, so message and check never disagree.
    """

    id: str
    area: Area
    subject: str
    rule: str
    source: str
    severity: Severity = Severity.ERROR
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[Any, ...] | None = None
    pattern: str | None = None
    max_length: int | None = None
    unit: str = ""


_E, _W, _D, _API = Severity.ERROR, Severity.WARNING, Severity.DOCUMENT, Severity.BY_DESIGN
_IC = Area.COMPONENTS
_C = Area.COST
_IR = Area.RECOMMENDER
_S, _M, _R, _A, _B, _MO, _AS, _P = (
    Area.SERVERLESS,
    Area.MIGRATION,
    Area.REALTIME,
    Area.ASYNC,
    Area.BATCH,
    Area.MODEL,
    Area.AUTOSCALING,
    Area.PROPS,
)

NAME_PATTERN = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
MODEL_NAME_PATTERN = r"^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$"
S3_URI_PATTERN = r"^(https|s3)://([^/]+)/?(.*)$"
ENV_KEY_PATTERN = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
COMPONENT_ENV_KEY_PATTERN = r"^[a-zA-Z_][a-zA-Z0-9_]{1,1024}$"
MAX_RECOMMENDER_JOB_SECONDS = 18000
"""An inference component's environment names (CloudFormation's EnvironmentMap: at least two characters)."""
SERVERLESS_MEMORY_TIERS = (1024, 2048, 3072, 4096, 5120, 6144)

CONSTRAINTS: tuple[Constraint, ...] = (
    # ------------------------------------------------------------------ Serverless
    Constraint("serverless.memory", _S, "memory_size_mb",
               "one of 1024, 2048, 3072, 4096, 5120, 6144 MB",
               "BC ProductionVariantServerlessConfig.MemorySizeInMB; DG:serverless-endpoints",
               allowed=SERVERLESS_MEMORY_TIERS, minimum=1024, maximum=6144, unit="MB"),
    Constraint("serverless.max-concurrency", _S, "max_concurrency", "required, 1–200",
               "BC ServerlessMaxConcurrency", minimum=1, maximum=200),
    Constraint("serverless.provisioned-concurrency", _S, "provisioned_concurrency",
               "optional, 1–200", "BC ServerlessProvisionedConcurrency", minimum=1, maximum=200),
    Constraint("serverless.provisioned-le-max", _S, "provisioned_concurrency",
               "≤ max_concurrency", "BC ProductionVariantServerlessConfig.ProvisionedConcurrency"),
    Constraint("serverless.no-gpu", _S, "model.containers[].image",
               "CPU images only: an image declared GPU, Neuron (Inferentia/Trainium) or Gaudi "
               "(accelerator=) is refused",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.accelerated-tag", _S, "model.containers[].image",
               "an image whose tag reads as an accelerated build (gpu, cuNNN, neuron, inf, trn, hpu) is "
               "warned about, not refused: SageMaker does not read image names",
               "DG:serverless-endpoints (feature exclusions)", severity=_W),
    Constraint("serverless.no-marketplace", _S, "model.containers[]",
               "no AWS Marketplace model packages", "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-private-registry", _S, "model.containers[].repository_access_mode",
               "Platform (images from ECR); a private Docker registry (Vpc) is not supported",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-multi-model", _S, "model.containers[].mode",
               "SingleModel; multi-model endpoints are not supported",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-vpc", _S, "model.vpc", "no VPC configuration",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-network-isolation", _S, "model.network_isolation",
               "network isolation off", "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-data-capture", _S, "data_capture", "no data capture (and so no Model Monitor)",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.one-variant", _S, "variants", "exactly one production variant",
               "DG:serverless-endpoints (feature exclusions)", minimum=1, maximum=1),
    Constraint("serverless.no-pipeline", _S, "model.containers", "exactly one container (no inference pipelines)",
               "DG:serverless-endpoints (feature exclusions)", minimum=1, maximum=1),
    Constraint("serverless.no-shadow", _S, "shadow_variant", "no shadow variants",
               "DG:serverless-endpoints (feature exclusions); DG:shadow-tests-exclusions"),
    Constraint("serverless.no-async", _S, "async_inference", "no AsyncInferenceConfig",
               "DG:serverless-endpoints (feature exclusions)"),
    Constraint("serverless.no-uncompressed-model", _S, "model.containers[].model_data",
               "compressed model data (model.tar.gz); ModelDataSource (uncompressed) is not supported",
               "BC ContainerDefinition.ModelDataSource"),
    Constraint("serverless.one-kind-per-variant", _S, "instance_type",
               "a variant has either ServerlessConfig or InstanceType, never both",
               "BC ProductionVariant.ServerlessConfig"),
    Constraint("serverless.runtime-limits", _S, "invocations",
               "4 MB request/response, 60 s per invocation, /ping within 3 min, 5 GB ephemeral disk, 10 GB image",
               "DG:serverless-endpoints-invoke; DG:serverless-endpoints", severity=_D),
    Constraint("serverless.quota-endpoints", _S, "serverless endpoints per Region",
               "account quota (default 50 per Region; raise it with Service Quotas)",
               "DG:serverless-endpoints; Service Quotas", severity=_W, maximum=50),
    Constraint("serverless.quota-concurrency", _S, "max_concurrency (sum per Region)",
               "account quota on total serverless concurrency per Region (default 200; some accounts start at 10)",
               "DG:serverless-endpoints; Service Quotas", severity=_W, maximum=200),
    Constraint("serverless.autoscaling-capacity", _S, "provisioned_concurrency_scaling",
               "1 ≤ min_capacity ≤ max_capacity ≤ max_concurrency",
               "AAS ScalableDimension sagemaker:variant:DesiredProvisionedConcurrency; BC ServerlessProvisionedConcurrency",
               minimum=1, maximum=200),
    Constraint("serverless.target-utilization", _S, "provisioned_concurrency_scaling.target_utilization",
               "a fraction from 0.01 to 1 of the provisioned concurrency in use (the metric "
               "SageMakerVariantProvisionedConcurrencyUtilization is 0–1, so a target above 1 never scales out)",
               "AAS TargetTrackingScalingPolicyConfiguration.TargetValue; DG:serverless-endpoints-autoscale "
               "(SageMakerVariantProvisionedConcurrencyUtilization)", minimum=0.01, maximum=1),
    # ------------------------------------------------------------------ Migration and updates
    Constraint("migration.serverless-to-instance", _M, "endpoint kind",
               "serverless → instance-based is allowed in place (UpdateEndpoint)", "DG:serverless-endpoints",
               severity=_D),
    Constraint("migration.instance-to-serverless", _M, "endpoint kind",
               "instance-based → serverless is rejected by SageMaker; there is no way back once migrated",
               "DG:serverless-endpoints"),
    Constraint("migration.async-removed", _M, "async_inference",
               "AsyncInferenceConfig cannot be removed from an endpoint",
               "aws/sagemaker-python-sdk PR #3124"),
    Constraint("migration.endpoint-name", _M, "endpoint_name",
               "EndpointName is create-only: changing it replaces the endpoint (callers lose the old name)",
               "CFN AWS::SageMaker::Endpoint createOnlyProperties"),
    Constraint("migration.no-fixed-config-names", _M, "endpoint config / model names",
               "every property but Tags is create-only: leave the names to CloudFormation",
               "CFN AWS::SageMaker::EndpointConfig, AWS::SageMaker::Model createOnlyProperties", severity=_API),
    Constraint("migration.autoscaled-instance-type", _M, "instance_type",
               "the instance type of a variant registered with Application Auto Scaling cannot change in an update",
               "DG:endpoint-scaling-update"),
    Constraint("migration.autoscaled-variant-removed", _M, "variants",
               "a variant registered with Application Auto Scaling (production or shadow) cannot be removed or "
               "renamed in an update: its scalable target must be deregistered first, and CloudFormation deletes "
               "the old ScalableTarget only after the endpoint update",
               "DG:endpoint-scaling-update (deregister before removing a production variant that has auto scaling "
               "configured)"),
    Constraint("migration.endpoint-removed", _M, "endpoint",
               "removing an endpoint deletes it: callers break", "CFN resource deletion"),
    Constraint("migration.endpoint-name-reused", _M, "endpoint_name",
               "an endpoint created or replaced in a deploy that takes a fixed endpoint_name an endpoint holds before "
               "it (a name moved to a new logical id or another stack of the same account and Region, a case-only "
               "rename, two endpoints swapping names, the name of one removed in the same deploy) is created before "
               "the old endpoint is deleted or replaced, and CreateEndpoint refuses a name that exists (compared "
               "case-insensitively)",
               "CFN resource replacement (create, then delete); BC CreateEndpoint (names unique per account and "
               "Region)"),
    Constraint("migration.scaled-fleet-reset", _M, "retain_scaled_capacity",
               "an update with a new endpoint config sets each variant to its InitialInstanceCount unless the "
               "endpoint retains variant properties (RetainAllVariantProperties): an autoscaled fleet drops to "
               "its initial count",
               "BC UpdateEndpointInput.RetainAllVariantProperties, ExcludeRetainedVariantProperties "
               "(VariantPropertyType DesiredInstanceCount: overridden by InitialInstanceCount); CFN "
               "AWS::SageMaker::Endpoint RetainAllVariantProperties"),
    Constraint("migration.retained-count", _M, "instance_count",
               "while the endpoint retains variant properties, a changed InitialInstanceCount of an existing "
               "variant is not applied (the running count is kept)",
               "BC UpdateEndpointInput.RetainAllVariantProperties, ExcludeRetainedVariantProperties"),
    Constraint("migration.component-shape", _M, "endpoint",
               "an endpoint moved in place between the model-based and the inference-component shape is reported "
               "as unverified (no documentation says UpdateEndpoint accepts or refuses it)",
               "BC UpdateEndpoint, CreateEndpointConfigInput (the two shapes); this library's guard", severity=_W),
    Constraint("migration.component-removed", _M, "InferenceComponent",
               "removing a component deletes it: callers that pass its InferenceComponentName fail",
               "CFN resource deletion; BCR InvokeEndpointInput.InferenceComponentName"),
    # ------------------------------------------------------------------ Inference Recommender jobs
    Constraint("recommender.model-package", _IR, "model_package",
               "a versioned Model Registry package (ModelPackageVersionArn), not an AWS Marketplace package",
               "BC RecommendationJobInputConfig.ModelPackageVersionArn; DG:instance-recommendation-create"),
    Constraint("recommender.payload", _IR, "payload_key", "one gzip-compressed tar archive (.tar.gz) of request files",
               "BC RecommendationJobPayloadConfig.SamplePayloadUrl (\"a single gzip compressed tar archive (.tar.gz "
               "suffix)\"); DG:inference-recommender-prerequisites"),
    Constraint("recommender.payload-url", _IR, "payload_bucket / payload_key",
               "the sample payload's URI, s3://<bucket>/<payload_key>, at most 1024 characters",
               "BC RecommendationJobPayloadConfig.SamplePayloadUrl (shape S3Uri, max 1024)", max_length=1024),
    Constraint("recommender.content-types", _IR, "content_types", "each at most 256 characters on one line",
               "BC RecommendationJobSupportedContentType (pattern .*, max 256)", max_length=256, pattern=r"^.*$"),
    Constraint("recommender.endpoint-configurations", _IR, "instance_types",
               "at most 10 endpoint configurations; no burstable ml.t2 types",
               "BC RecommendationJobInputConfig.EndpointConfigurations (max 10); DG:inference-recommender-troubleshooting",
               maximum=10),
    Constraint("recommender.job-duration", _IR, "job_duration", "1 to 18,000 seconds",
               "BC/API RecommendationJobInputConfig.JobDurationInSeconds (\"The maximum value is 18,000 seconds\")",
               minimum=1, maximum=MAX_RECOMMENDER_JOB_SECONDS, unit="s"),
    Constraint("recommender.phase", _IR, "phases[].initial_users / spawn_rate",
               "1 to 3 initial users per phase; a spawn rate ≥ 0", "API Phase (InitialNumberOfUsers, SpawnRate)",
               minimum=1, maximum=3),
    Constraint("recommender.phase-duration", _IR, "phases[].duration",
               "120 to 3600 s per phase for custom load tests; the phases together within the job duration",
               "API Phase.DurationInSeconds; DG:inference-recommender-troubleshooting", minimum=120, maximum=3600,
               unit="s"),
    Constraint("recommender.stairs", _IR, "stairs",
               "1 to 3 users per step; at least 1 step and 1 second", "BC/API Stairs (UsersPerStep 1–3, "
               "NumberOfSteps ≥ 1, DurationInSeconds ≥ 1)", minimum=1, maximum=3),
    Constraint("recommender.advanced", _IR, "job_type=ADVANCED",
               "an Advanced job (load test) has instance types, a traffic pattern and stopping conditions",
               "DG:inference-recommender-load-test (\"Load tests require that you also specify a traffic pattern and "
               "stopping conditions\")"),
    Constraint("recommender.job-name-prefix", _IR, "job_name_prefix",
               "≤ 27 letters, digits and hyphens (the job name adds '-' and a 36-character run id, ≤ 64 in all)",
               "BC RecommendationJobName ([a-zA-Z0-9](-*[a-zA-Z0-9]){0,63})",
               pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,26}$", max_length=27),
    Constraint("benchmark.workload-config", _IR, "workload_config",
               "an AI workload configuration's name or ARN (1–256 characters; a name of letters, digits and hyphens)",
               "BC CreateAIBenchmarkJobRequest.AIWorkloadConfigIdentifier (AIResourceIdentifier)",
               pattern=r"^(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*/)?([a-zA-Z0-9]([a-zA-Z0-9\-]){0,62})(?<!-)$",
               max_length=256),
    Constraint("benchmark.output-location", _IR, "output_bucket / output_prefix",
               "the results' URI, s3://<bucket>/<output_prefix>, at most 1024 characters",
               "BC AIBenchmarkOutputConfig.S3OutputLocation (shape S3Uri, max 1024)", max_length=1024),
    Constraint("benchmark.job-name-prefix", _IR, "job_name_prefix",
               "≤ 26 letters, digits and hyphens (the job name adds '-' and a 36-character run id, ≤ 63 in all)",
               "BC CreateAIBenchmarkJobRequest.AIBenchmarkJobName (AIEntityName, [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})",
               pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,25}$", max_length=26),
    # ------------------------------------------------------------------ Cost (figures and the app's own budget)
    Constraint("cost.idle-floor", _C, "endpoint",
               "each endpoint's idle floor and ceiling in instance-hours a month (730 hours) and, where a dated list "
               "price is known, in USD (info at synth; the cost command)",
               "AWS Pricing Calculator (730 hours a month); AWS Price List offer file AmazonSageMaker", severity=_W),
    Constraint("cost.budget", _C, "context max-idle-floor-instance-hours / max-idle-floor-usd-month",
               "an endpoint whose idle floor is above the app's budget: a warning, a synth error only with "
               "budget-action=error (the user's own limit, not an AWS rule)",
               "the app's context (opt-in)", severity=_W),
    Constraint("preflight.quota-needs", _C, "endpoint",
               "what the app needs of each '<type> for endpoint usage' quota per account and Region, at the "
               "ceiling and during blue/green updates (info at synth; checked by the preflight command)",
               "Service Quotas, service code sagemaker (quota names); DG:deployment-guardrails-blue-green (the new "
               "fleet runs beside the old)", severity=_W),
    Constraint("cost.prices", _C, "context prices-file",
               "an offer file named by context that cannot be read is a warning (the package's prices are used)",
               "AWS Price List offer file format (AWS Billing user guide)", severity=_W),
    Constraint("migration.component-moved", _M, "InferenceComponent",
               "a component's endpoint, variant or name changed in place is reported as unverified",
               "CFN AWS::SageMaker::InferenceComponent (no create-only property); BC UpdateInferenceComponentInput "
               "(no EndpointName, VariantName or new name)", severity=_W),
    Constraint("migration.unverified", _M, "endpoint",
               "a change the documentation leaves open is reported as unverified (never as safe), without failing",
               "this library's guard (no source says whether SageMaker accepts it)", severity=_W),
    Constraint("guardrails.kinds", _M, "deployment",
               "deployment guardrails only for real-time and async endpoints (ServerlessEndpoint has no deployment prop)",
               "DG:deployment-guardrails", severity=_API),
    Constraint("guardrails.rolling-single-variant", _M, "deployment",
               "rolling updates are not available for multi-variant endpoints",
               "DG:deployment-guardrails-exclusions"),
    Constraint("guardrails.traffic-type", _M, "deployment.traffic_routing",
               "ALL_AT_ONCE, CANARY or LINEAR", "BC TrafficRoutingConfig.Type",
               allowed=("ALL_AT_ONCE", "CANARY", "LINEAR")),
    Constraint("guardrails.wait-interval", _M, "deployment.wait_interval",
               "0–3600 seconds", "BC TrafficRoutingConfig.WaitIntervalInSeconds; BC RollingUpdatePolicy",
               minimum=0, maximum=3600, unit="s"),
    Constraint("guardrails.termination-wait", _M, "deployment.termination_wait",
               "0–3600 seconds", "BC BlueGreenUpdatePolicy.TerminationWaitInSeconds",
               minimum=0, maximum=3600, unit="s"),
    Constraint("guardrails.max-execution-timeout", _M, "deployment.maximum_execution_timeout",
               "600–28800 seconds", "BC BlueGreenUpdatePolicy/RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds",
               minimum=600, maximum=28800, unit="s"),
    Constraint("guardrails.canary-size", _M, "deployment.canary_percent",
               "1–50% of the variant's instances", "BC TrafficRoutingConfig.CanarySize",
               minimum=1, maximum=50, unit="%"),
    Constraint("guardrails.linear-step", _M, "deployment.linear_step_percent",
               "10–50% of the variant's instances", "BC TrafficRoutingConfig.LinearStepSize",
               minimum=10, maximum=50, unit="%"),
    Constraint("guardrails.rolling-batch", _M, "deployment.maximum_batch_percent",
               "5–50% of the instances", "BC RollingUpdatePolicy.MaximumBatchSize",
               minimum=5, maximum=50, unit="%"),
    Constraint("guardrails.one-policy", _M, "deployment", "blue/green or rolling, not both",
               "BC DeploymentConfig"),
    Constraint("guardrails.rollback-alarms", _M, "deployment.rollback_alarms", "1–10 CloudWatch alarms",
               "BC AutoRollbackConfig.Alarms", minimum=1, maximum=10),
    Constraint("guardrails.timeout-exceeds-waits", _M, "deployment.maximum_execution_timeout",
               "longer than termination_wait + wait (the deployment's total waiting time)",
               "BC BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds"),
    Constraint("guardrails.exclusions", _M, "deployment",
               "endpoints with Marketplace containers or Inf1 instances ignore the guardrails: they fall back to "
               "blue/green all at once without a baking period", "DG:deployment-guardrails-exclusions",
               severity=_W),
    Constraint("guardrails.size-some-counts", _M, "deployment",
               "a canary size, linear step or rolling batch in instances that is within its range at some of the "
               "counts autoscaling can reach and not at others (SageMaker checks it against the count when the "
               "update starts): a warning; refused only when no reachable count fits",
               "BC TrafficRoutingConfig.CanarySize, LinearStepSize; BC RollingUpdatePolicy.MaximumBatchSize",
               severity=_W),
    # ------------------------------------------------------------------ Real-time
    Constraint("realtime.variant-count", _R, "variants", "1–10 production variants",
               "BC ProductionVariantList", minimum=1, maximum=10),
    Constraint("realtime.variant-names-unique", _R, "variants[].variant_name", "unique variant names",
               "BC ProductionVariantList"),
    Constraint("name.endpoint", _R, "endpoint_name / variant_name / job name",
               "1–63 characters of a-z, A-Z, 0-9 and '-', starting and ending with a letter or digit",
               "BC EndpointName, EndpointConfigName, VariantName, TransformJobName",
               pattern=NAME_PATTERN, max_length=63),
    Constraint("name.model", _R, "model_name",
               "1–63 characters of a-z, A-Z, 0-9 and '-', starting and ending with a letter or digit",
               "BC ModelName", pattern=MODEL_NAME_PATTERN, max_length=63, severity=_API),
    Constraint("realtime.instance-count", _R, "instance_count", "≥ 1", "BC ProductionVariant.InitialInstanceCount",
               minimum=1),
    Constraint("realtime.single-instance", _R, "instance_count",
               "≥ 2 for Availability Zone redundancy (1 works, without redundancy)", "DG:best-practices",
               severity=_W, minimum=2),
    Constraint("realtime.variant-weight", _R, "initial_weight", "≥ 0 (default 1.0)", "BC VariantWeight",
               minimum=0),
    Constraint("realtime.instance-type", _R, "instance_type",
               "an ml.* type of ProductionVariantInstanceType in the package's instance-type data (or allow_unknown_instance_type=True)",
               "BC ProductionVariantInstanceType"),
    Constraint("realtime.no-elastic-inference", _R, "accelerator_type",
               "Elastic Inference is no longer supported", "BC ProductionVariant.AcceleratorType"),
    Constraint("realtime.volume-size", _R, "volume_size_gb", "1–512 GB", "BC ProductionVariant.VolumeSizeInGB",
               minimum=1, maximum=512, unit="GB"),
    Constraint("realtime.model-download-timeout", _R, "model_data_download_timeout", "60–3600 seconds",
               "BC ProductionVariant.ModelDataDownloadTimeoutInSeconds", minimum=60, maximum=3600, unit="s"),
    Constraint("realtime.startup-health-timeout", _R, "container_startup_health_check_timeout", "60–3600 seconds",
               "BC ProductionVariant.ContainerStartupHealthCheckTimeoutInSeconds", minimum=60, maximum=3600,
               unit="s"),
    Constraint("realtime.kms-nvme", _R, "kms_key",
               "the key does not encrypt the hardware-encrypted local NVMe volume of m5d, c5d, r5d, g4dn, g5, p4d, …",
               "BC CreateEndpointConfigInput.KmsKeyId; aws/sagemaker-python-sdk #3677", severity=_W),
    Constraint("realtime.inference-ami-version", _R, "inference_ami_version",
               "one of the service model's inference AMI versions (the package's instance-type data)",
               "BC ProductionVariant.InferenceAmiVersion (shape ProductionVariantInferenceAmiVersion); CFN "
               "AWS::SageMaker::EndpointConfig ProductionVariant.InferenceAmiVersion (enum)"),
    Constraint("realtime.inference-ami-accelerator", _R, "inference_ami_version",
               "a GPU AMI on a GPU instance type; the Neuron AMI on Inferentia2 or Trainium (ml.inf2, ml.trn*)",
               "BC ProductionVariant.InferenceAmiVersion documentation (each AMI's Accelerator)"),
    Constraint("realtime.inference-ami-cuda", _R, "inference_ami_version",
               "the AMI's CUDA version is at least the CUDA the image is built for (its cuXYZ tag)",
               "BC ProductionVariant.InferenceAmiVersion documentation (each AMI's CUDA version)", severity=_W),
    Constraint("realtime.metrics-frequency", _R, "metrics_publish_frequency",
               "one of 10, 30, 60, 120, 180, 240, 300 seconds",
               "BC MetricsConfig.MetricPublishFrequencyInSeconds; CFN AWS::SageMaker::EndpointConfig "
               "MetricsConfig.MetricPublishFrequencyInSeconds (enum)",
               allowed=(10, 30, 60, 120, 180, 240, 300), minimum=10, maximum=300, unit="s"),
    Constraint("realtime.capacity-reservation", _R, "capacity_reservation_arn",
               "an ML reservation ARN: arn:aws…:sagemaker:<region>:<12-digit account>:<type>/…, 20–258 characters",
               "CFN AWS::SageMaker::EndpointConfig ProductionVariant.CapacityReservationConfig.MlReservationArn; "
               "BC ProductionVariantCapacityReservationConfig",
               pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z0-9\-]{1,14}/.*$", max_length=258),
    Constraint("realtime.no-managed-instance-scaling", _R, "managed_instance_scaling",
               "only for inference-component endpoints: use Application Auto Scaling",
               "terraform-provider-aws PR #45926; DIAGNijmegen/rse-grand-challenge PR #4659"),
    Constraint("datacapture.sampling", _R, "data_capture.sampling_percentage", "0–100%",
               "BC DataCaptureConfig.InitialSamplingPercentage", minimum=0, maximum=100, unit="%"),
    Constraint("datacapture.destination", _R, "data_capture.destination",
               "≤ 512 characters, (https|s3)://bucket/prefix", "BC DataCaptureConfig.DestinationS3Uri",
               pattern=S3_URI_PATTERN, max_length=512),
    Constraint("datacapture.options", _R, "data_capture.capture_modes", "1–32 of Input, Output, InputAndOutput",
               "BC DataCaptureConfig.CaptureOptions", minimum=1, maximum=32,
               allowed=("Input", "Output", "InputAndOutput")),
    Constraint("datacapture.content-types", _R, "data_capture.csv_content_types / json_content_types",
               "1–10 entries each, each ≤ 256 characters of type/subtype: letters, digits, '-' and, in the subtype, "
               "'.' (no '+', no parameters)", "BC CaptureContentTypeHeader; BC CsvContentType / JsonContentType (pattern)",
               minimum=1, maximum=10, max_length=256),
    Constraint("shadow.one-production", _R, "shadow_variant",
               "exactly one production variant plus one shadow variant", "BC CreateEndpointConfigInput.ShadowProductionVariants",
               minimum=1, maximum=1),
    Constraint("shadow.exclusions", _R, "shadow_variant",
               "not with multi-container, multi-model, Marketplace, Inf1, serverless or async",
               "DG:shadow-tests-exclusions"),
    Constraint("multicontainer.count", _R, "model.containers",
               "1–15 containers; a serial pipeline has 2–15", "BC ContainerDefinitionList; DG:inference-pipelines",
               minimum=1, maximum=15),
    Constraint("multicontainer.mode", _R, "model.inference_execution_mode", "Serial (default) or Direct",
               "BC InferenceExecutionConfig.Mode", allowed=("Serial", "Direct")),
    Constraint("multicontainer.direct-hostname", _R, "model.containers[].container_hostname",
               "Direct invocation needs a unique container_hostname on each container (≤ 63 chars, a-z A-Z 0-9 -)",
               "DG:multi-container-endpoints; BC ContainerHostname", pattern=MODEL_NAME_PATTERN, max_length=63),
    Constraint("multicontainer.pipeline-hostname", _R, "model.containers[].container_hostname",
               "in a model of several containers, a unique container_hostname on every container or on none",
               "BC ContainerDefinition.ContainerHostname ('If you specify a value for the ContainerHostName for any "
               "ContainerDefinition that is part of an inference pipeline, you must specify a value for the "
               "ContainerHostName parameter of every ContainerDefinition in that pipeline')"),
    Constraint("model.container-hostname", _R, "container_hostname",
               "≤ 63 characters matching ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$, on any container",
               "BC ContainerDefinition.ContainerHostname (shape ContainerHostname)",
               pattern=NAME_PATTERN, max_length=63),
    Constraint("model.model-package-name", _MO, "model_package",
               "1–176 characters: a model package name or ARN, optionally with /<version>",
               "BC ContainerDefinition.ModelPackageName (shape VersionedArnOrName)",
               pattern=r"^(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?"
                       r"([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\/[0-9]{1,9})?$",
               max_length=176),
    Constraint("model.imported-name", _MO, "model_name (InferenceModel.from_model_name)",
               "1–63 characters of a-z, A-Z, 0-9 and '-', starting and ending with a letter or digit",
               "BC ModelName", pattern=MODEL_NAME_PATTERN, max_length=63),
    Constraint("model.imported-arn", _MO, "model_arn (InferenceModel.from_model_arn)",
               "arn:aws…:sagemaker:<region>:<12-digit account>:model/<name>, 20–2048 characters",
               "BC ModelArn", pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:model/.*$", max_length=2048),
    Constraint("endpoint.imported-arn", _R, "endpoint_arn (Endpoint.from_endpoint_arn)",
               "arn:aws…:sagemaker:<region>:<12-digit account>:endpoint/<name>, 20–2048 characters",
               "BC EndpointArn", pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:endpoint/.*$",
               max_length=2048),
    Constraint("model.model-package-arn", _MO, "model_package (Marketplace)",
               "an ARN arn:aws…:sagemaker:<region>:<12-digit account>:model-package/<name>",
               "BC ModelPackageArn",
               pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package/[\S]{1,2048}$",
               max_length=2048),
    Constraint("model.registry-version", _MO, "model_package (Model Registry)",
               "a version's ARN: arn:aws…:sagemaker:<region>:<12-digit account>:model-package/<group>/<version>, "
               "the group 1–63 letters, digits and hyphens, the version ≥ 1",
               "BC ModelPackageArn, ModelPackageGroupName, ModelPackageVersion (≥ 1), VersionedArnOrName; SageMaker "
               "Developer Guide "
               "(model-registry-deploy: ModelPackageName is the model version ARN)",
               pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package/"
                       r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/[0-9]{1,9}$"),
    Constraint("model.unversioned-package", _MO, "model_package (ModelPackage.from_unversioned)",
               "an unversioned package's ARN: arn:aws…:sagemaker:<region>:<12-digit account>:model-package/<name>, "
               "the name 1–63 letters, digits and hyphens",
               "BC CreateModelPackageInput.ModelPackageName (\"required for unversioned models\"); BC "
               "ContainerDefinition.ModelPackageName (VersionedArnOrName: the version is optional)",
               pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package/"
                       r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"),
    Constraint("model.inference-specification", _MO, "model_package.inference_specification",
               "the name of one of the package version's inference specifications: 1–63 letters, digits and "
               "hyphens, starting and ending with a letter or digit",
               "BC ContainerDefinition.InferenceSpecificationName; CFN AWS::SageMaker::Model "
               "ContainerDefinition.InferenceSpecificationName", pattern=NAME_PATTERN, max_length=63),
    Constraint("model.marketplace-network-isolation", _MO, "network_isolation",
               "True for a model from an AWS Marketplace package",
               "SageMaker Developer Guide (mkt-algo-model-internet-free: network isolation is required to run "
               "models using resources from AWS Marketplace)"),
    Constraint("model.multi-model-uncompressed", _MO, "containers[].model_data",
               "a multi-model container's model data is an S3 prefix of .tar.gz models (ModelDataUrl); "
               "uncompressed model data (ModelDataSource) cannot be used with multi-model endpoints",
               "BC ContainerDefinition.ModelDataSource"),
    Constraint("vpc.needs-vpc", _R, "model.security_groups / model.vpc_subnets",
               "security groups and subnets only with a VPC (VpcConfig requires both Subnets and SecurityGroupIds)",
               "BC VpcConfig (required members SecurityGroupIds, Subnets)"),
    Constraint("realtime.volume-local-storage", _R, "volume_size_gb",
               "only for instance types with an EBS storage volume; types with local NVMe storage (d families, "
               "g4dn, g5, p4d, …) get no EBS volume and the service refuses VolumeSizeInGB",
               "DG:host-instance-storage; aws/sagemaker-python-sdk PR #4828 (service exception)"),
    Constraint("environment.model-stack", _R, "model (from another stack)",
               "a model from another stack: both stacks in one Stage, and both with literal Regions or both "
               "environment-agnostic",
               "aws-cdk-lib cross-stack references (NoCrossStageDependency; CrossRegionReferencesRequireExplicitRegion: "
               "a reference between stacks needs both Regions explicit or both agnostic)"),
    Constraint("environment.model-region", _R, "model",
               "the model is in the endpoint's (or job's) Region and account: SageMaker finds it by name there",
               "BC CreateTransformJob.ModelName (an existing model in the same Region and account); "
               "BC ContainerDefinition.ModelDataUrl (same Region)"),
    Constraint("environment.kms-region", _R, "kms keys",
               "a KMS key of the stack's Region: KMS keys can be used only in the Region they are in",
               "AWS KMS Developer Guide (multi-region-keys-overview: keys in a Region decrypt only in that Region)"),
    Constraint("name.endpoint-unique", _R, "endpoint_name",
               "unique per account and Region, compared case-insensitively (CreateEndpoint fails on a taken name)",
               "BC CreateEndpoint (endpoint names are unique within an account and Region; ARNs are lower case)"),
    Constraint("name.component-unique", _IC, "component_name",
               "unique per account and Region (CreateInferenceComponent fails on a taken name)",
               "BC CreateInferenceComponentInput.InferenceComponentName ('A unique name to assign to the inference "
               "component'; the name identifies it in the account and Region, e.g. InvokeEndpoint's "
               "InferenceComponentName)"),
    Constraint("vpc.subnets", _R, "model.vpc_subnets", "1–16 subnets", "BC VpcConfig.Subnets", minimum=1,
               maximum=16),
    Constraint("vpc.security-groups", _R, "model.security_groups", "1–5 security groups",
               "BC VpcConfig.SecurityGroupIds", minimum=1, maximum=5),
    Constraint("tags.count", _R, "tags",
               "≤ 50 tags; key 1–128 characters; value ≤ 256 characters (tags come from aws-cdk-lib's Tags.of(), "
               "which this library does not check)", "BC TagList", maximum=50, severity=_D),
    Constraint("realtime.runtime-limits", _R, "invocations", "6 MB payload; the container answers within 60 s",
               "BCR InvokeEndpointInput.Body", severity=_D),
    Constraint("autoscaling.min-capacity", _R, "autoscaling.min_capacity",
               "1 ≤ min_capacity ≤ max_capacity (async endpoints and inference components may scale to 0: InferenceComponentEndpoint)",
               "DG:endpoint-auto-scaling-add-policy", minimum=1),
    # ------------------------------------------------------------------ Async
    Constraint("async.output-path", _A, "output_location / failure_location",
               "required; S3OutputPath and S3FailurePath ≤ 512 characters, (https|s3)://bucket/prefix",
               "BC AsyncInferenceOutputConfig", pattern=S3_URI_PATTERN, max_length=512),
    Constraint("async.prefix-length", _A, "input_prefix / output_prefix / failure_prefix",
               "at most 1,022 bytes (UTF-8), so an object key fits under the prefix",
               "S3 UG object keys (a key name is at most 1,024 bytes of UTF-8)", max_length=1022),
    Constraint("async.kms-key-id", _A, "kms_key", "≤ 2048 characters", "BC AsyncInferenceOutputConfig.KmsKeyId",
               max_length=2048),
    Constraint("async.max-concurrent-invocations", _A, "max_concurrent_invocations_per_instance",
               "1–1000 (unset: SageMaker chooses)", "BC AsyncInferenceClientConfig.MaxConcurrentInvocationsPerInstance",
               minimum=1, maximum=1000),
    Constraint("async.notification-topics", _A, "success_topic / error_topic",
               "SNS topic ARNs: arn:<partition>:sns:<Region>:<12-digit account>:<topic name of letters, digits, "
               "'_', '.', '-'>, ≤ 2048 characters",
               "BC AsyncInferenceNotificationConfig (SnsTopicArn)",
               pattern=r"^arn:aws[a-z\-]*:sns:[a-z0-9\-]*:[0-9]{12}:[a-zA-Z0-9_.-]+$", max_length=2048),
    Constraint("async.include-response", _A, "include_inference_response_in",
               "a subset of SUCCESS_NOTIFICATION_TOPIC, ERROR_NOTIFICATION_TOPIC, each needing its topic; "
               "responses are included only when ≤ 128 KB",
               "BC AsyncInferenceNotificationConfig.IncludeInferenceResponseIn",
               allowed=("SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC")),
    Constraint("async.no-marketplace", _A, "model.containers[]", "AWS Marketplace images are not supported",
               "the service's error, quoted in aws/sagemaker-python-sdk issue #3969: \"Marketplace images are not "
               "supported when specifying an AsyncInferenceConfig\""),
    Constraint("async.runtime-limits", _A, "invocations",
               "payload up to 1 GB; InvocationTimeoutSeconds 1–3600 (default 900); RequestTTLSeconds 60–21600; "
               "inline body ≤ 128000 bytes", "DG:async-inference; BCR InvokeEndpointAsyncInput", severity=_D),
    Constraint("async.metrics", _A, "metric_*()",
               "async endpoints publish ApproximateBacklogSize, ApproximateBacklogSizePerInstance, "
               "ApproximateAgeOfOldestRequest, HasBacklogWithoutCapacity, InvocationsProcessed, InvocationFailures "
               "(EndpointName dimension), not Invocations/InvocationsPerInstance/OverheadLatency",
               "DG:async-inference-monitor", severity=_D),
    Constraint("async.scale-to-zero", _A, "min_instances",
               "0 wires the documented recipe (target tracking on ApproximateBacklogSizePerInstance plus a "
               "HasBacklogWithoutCapacity step policy); min_instances ≤ max_instances",
               "DG:async-inference-autoscale", minimum=0),
    Constraint("async.autoscaling-settings", _A, "max_instances / target_backlog_per_instance / cooldowns",
               "max_instances ≥ 1 and ≥ min_instances; target_backlog_per_instance > 0; cooldowns are whole "
               "seconds ≥ 0", "AAS RegisterScalableTarget.MaxCapacity; AAS TargetTrackingScalingPolicyConfiguration; "
               "DG:async-inference-autoscale", minimum=1),
    Constraint("async.no-multi-model", _A, "model.containers[].mode",
               "SingleModel: InvokeEndpointAsync has no TargetModel, so a multi-model container cannot be invoked",
               "BCR InvokeEndpointAsyncInput (no TargetModel); AWS re:Post 'multi model is not supported to run "
               "async inferences'"),
    Constraint("async.no-direct-invocation", _A, "model.inference_execution_mode",
               "Serial (an inference pipeline): InvokeEndpointAsync has no TargetContainerHostname, so Direct "
               "multi-container invocation cannot be used", "BCR InvokeEndpointAsyncInput (no TargetContainerHostname)"),
    Constraint("async.distinct-locations", _A, "input / output / failure locations",
               "a non-empty prefix each; in one bucket no location's prefix may contain another's (callers may "
               "write only the input location, SageMaker only the output and failure locations)",
               "this library's least-privilege advice: SageMaker accepts any locations, so this is a warning",
               severity=_W),
    Constraint("async.bucket-expiration", _A, "input_expiration / output_expiration",
               "whole days ≥ 1, only on the bucket the construct creates", "S3 LifecycleExpiration.Days",
               minimum=1, unit="days"),
    Constraint("props.alarm", _P, "alarm threshold / evaluation_periods",
               "threshold a finite number; evaluation_periods ≥ 1",
               "BC CloudWatch PutMetricAlarmInput.Threshold (double), EvaluationPeriods (min 1)", minimum=1),
    Constraint("props.alarm-threshold", _P, "alarm threshold",
               "a threshold the metric can cross: not below 0 (not 0 for a ≥ alarm), below 100 for a percentage "
               "(otherwise the alarm fires whenever there is data, or never)",
               "this library's advice: CloudWatch accepts any threshold, so this is a warning", severity=_W),
    # ------------------------------------------------------------------ Batch transform
    Constraint("batch.job-name", _B, "job_name_prefix",
               "job names are 1–63 characters, a-z A-Z 0-9 '-', unique forever: every run needs a fresh name",
               "BC TransformJobName", pattern=NAME_PATTERN, max_length=63),
    Constraint("batch.max-payload", _B, "max_payload_mb", "0–100 MB (default 6)",
               "BC CreateTransformJobRequest.MaxPayloadInMB", minimum=0, maximum=100, unit="MB"),
    Constraint("batch.payload-times-concurrency", _B, "max_payload_mb × max_concurrent_transforms",
               "≤ 100 MB", "BC CreateTransformJobRequest.MaxPayloadInMB", maximum=100, unit="MB"),
    Constraint("batch.max-concurrent-transforms", _B, "max_concurrent_transforms", "≥ 0",
               "BC CreateTransformJobRequest.MaxConcurrentTransforms", minimum=0),
    Constraint("batch.batch-strategy", _B, "batch_strategy", "MultiRecord or SingleRecord",
               "BC CreateTransformJobRequest.BatchStrategy", allowed=("MultiRecord", "SingleRecord")),
    Constraint("batch.batch-strategy-split", _B, "batch_strategy",
               "a batch strategy batches records only with split_type Line, RecordIO or TFRecord; without, each file "
               "is one record and the strategy has no effect: a warning (SageMaker runs such jobs)",
               "BC CreateTransformJobRequest.BatchStrategy (\"to enable the batch strategy, you must set the "
               "SplitType property to Line, RecordIO, or TFRecord\")", severity=_W),
    Constraint("batch.split-type", _B, "split_type", "None, Line, RecordIO or TFRecord", "BC TransformInput.SplitType",
               allowed=("None", "Line", "RecordIO", "TFRecord")),
    Constraint("batch.compression", _B, "compression", "None or Gzip", "BC TransformInput.CompressionType",
               allowed=("None", "Gzip")),
    Constraint("batch.s3-data-type", _B, "input.data_type", "S3Prefix or ManifestFile",
               "BC TransformS3DataSource.S3DataType", allowed=("S3Prefix", "ManifestFile")),
    Constraint("batch.output-path", _B, "output.location", "required, ≤ 1024 characters, (https|s3)://…",
               "BC TransformOutput.S3OutputPath", pattern=S3_URI_PATTERN, max_length=1024),
    Constraint("batch.assemble-with", _B, "assemble_with", "None or Line", "BC TransformOutput.AssembleWith",
               allowed=("None", "Line")),
    Constraint("batch.content-types", _B, "content_type / accept", "≤ 256 characters on one line (no line break)",
               "BC TransformInput.ContentType; BC TransformOutput.Accept (pattern .*, max 256)", max_length=256,
               pattern=r"^.*$"),
    Constraint("batch.invocation-timeout", _B, "invocation_timeout", "1–3600 seconds (default 600)",
               "BC ModelClientConfig.InvocationsTimeoutInSeconds", minimum=1, maximum=3600, unit="s"),
    Constraint("batch.invocation-retries", _B, "invocation_max_retries", "0–3 (default 3)",
               "BC ModelClientConfig.InvocationsMaxRetries", minimum=0, maximum=3),
    Constraint("batch.instance-type", _B, "instance_type", "an ml.* type of TransformInstanceType in the package's instance-type data",
               "BC TransformInstanceType"),
    Constraint("batch.instance-count", _B, "instance_count", "1–100", "BC TransformResources.InstanceCount",
               minimum=1, maximum=100),
    Constraint("batch.volume-kms-local-storage", _B, "volume_kms_key",
               "not on instance types with local (NVMe) instance storage", "BC TransformResources.VolumeKmsKeyId"),
    Constraint("batch.log-kms-key-policy", _B, "log_kms_key",
               "the key policy allows the principal logs.<region>.amazonaws.com (kms:Encrypt*, kms:Decrypt*, "
               "kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*)",
               "Amazon CloudWatch Logs User Guide (encrypt-log-data-kms: the key policy must allow CloudWatch Logs)",
               severity=_W),
    Constraint("batch.environment", _B, "environment", "≤ 16 entries; each value ≤ 10240 characters",
               "BC TransformEnvironmentMap", maximum=16, max_length=10240),
    Constraint("batch.filters", _B, "input_filter / output_filter",
               "JSONPath expressions (starting with '$', the default) of at most 63 characters",
               "BC DataProcessing.InputFilter/OutputFilter (JsonPath, max 63; \"a JSONPath expression\", default $)",
               max_length=63),
    Constraint("batch.join-source", _B, "join_source", "Input or None", "BC DataProcessing.JoinSource",
               allowed=("Input", "None")),
    Constraint("batch.join-csv", _B, "join_source",
               "joining input to output works for JSON and CSV only; for CSV it needs split_type Line and assemble_with Line",
               "DG:batch-transform-data-processing"),
    Constraint("batch.timeout", _B, "invocations", "one mini-batch per invocation up to 3600 s; ≤ 100 MB per mini-batch",
               "BC ModelClientConfig.InvocationsTimeoutInSeconds; BC CreateTransformJobRequest.MaxPayloadInMB", severity=_D),
    Constraint("batch.no-cfn-resource", _B, "BatchTransformJob",
               "no CloudFormation transform-job resource: runs through Step Functions createTransformJob.sync",
               "aws-cdk-lib API; CFN", severity=_D),
    Constraint("batch.no-uncompressed-model", _B, "model.containers[].model_data",
               "ModelDataSource (uncompressed model data) cannot be used with batch transform",
               "BC ContainerDefinition.ModelDataSource"),
    Constraint("batch.s3-key-characters", _B, "input / output / data_capture prefixes and keys",
               "a leading '/' or a character S3 advises against in keys (\\ { } ^ % ` [ ] \" ' < > ~ # |, control "
               "characters) is warned about, not refused: S3 and SageMaker take any UTF-8 key, and the job's "
               "state machine escapes what Step Functions intrinsics and patterns treat specially",
               "S3 UG object-keys (characters to avoid); BC TransformS3DataSource.S3Uri, "
               "TransformOutput.S3OutputPath (pattern (https|s3)://([^/]+)/?(.*)); Step Functions intrinsic "
               "functions (escaping)", severity=_W),
    Constraint("batch.schedule", _B, "schedule",
               "rate(n unit) with n ≥ 1 (singular unit for 1), or cron() with 6 fields, exactly one of "
               "day-of-month / day-of-week '?', and each field's values (minutes 0–59, hours 0–23, day-of-month "
               "1–31, month 1–12 or JAN–DEC, day-of-week 1–7 or SUN–SAT, year 1970–2199) and wildcards; at() only "
               "with EventBridge Scheduler",
               "EventBridge UG scheduled rules (cron expressions: fields, values, wildcards); EventBridge "
               "Scheduler UG schedule types"),
    Constraint("batch.on-new-input", _B, "on_new_input",
               "the input bucket sends events to EventBridge; outputs are not written under the watched input "
               "prefix (each run would start another)",
               "S3 UG EventBridge (enable Amazon EventBridge notifications)"),
    # ------------------------------------------------------------------ Inference components
    Constraint("component.endpoint-shape", _IC, "InferenceComponentEndpoint",
               "the variant has an instance type and count and no model; the execution role, VPC and network "
               "isolation are on the endpoint config; ManagedInstanceScaling and RoutingConfig on the variant",
               "BC CreateEndpointConfigInput.ExecutionRoleArn, ProductionVariant; DG:realtime-endpoints-deploy-models",
               severity=_API),
    Constraint("component.instance-based", _IC, "InferenceComponentEndpoint",
               "inference components run on instance-based real-time endpoints only (not serverless; async: "
               "not documented)", "DG:realtime-endpoints-deploy-models", severity=_API),
    Constraint("name.component", _IC, "component_name",
               "≤ 63 characters of a-z, A-Z, 0-9 and '-', starting and ending with a letter or digit",
               "BC InferenceComponentName; CFN AWS::SageMaker::InferenceComponent InferenceComponentName",
               pattern=MODEL_NAME_PATTERN, max_length=63),
    Constraint("component.specification", _IC, "model / image / base_component",
               "exactly one of: a model (ModelName), an image with optional artifacts (Container), or a base "
               "component with adapter artifacts (BaseInferenceComponentName + Container.ArtifactUrl)",
               "BC InferenceComponentSpecification (ModelName, Container, BaseInferenceComponentName)"),
    Constraint("component.artifact", _IC, "model_data",
               "one .tar.gz object: (https|s3)://bucket/key, ≤ 1024 characters (no uncompressed prefix)",
               "BC InferenceComponentContainerSpecification.ArtifactUrl (\"a single gzip compressed tar archive\"); "
               "CFN Url", pattern=S3_URI_PATTERN, max_length=1024),
    Constraint("component.environment", _IC, "environment",
               "≤ 16 entries; keys match ^[a-zA-Z_][a-zA-Z0-9_]{1,1024}$ (at least two characters: a one-letter "
               "name is refused; the API allows 1024); values ≤ 1024 characters",
               "CFN AWS::SageMaker::InferenceComponent EnvironmentMap (maxProperties 16, patternProperties; the API "
               "allows 100); BC EnvironmentKey (≤ 1024)", maximum=16, pattern=COMPONENT_ENV_KEY_PATTERN, max_length=1024),
    Constraint("component.cpu-cores", _IC, "compute.cpu_cores", "≥ 0.25 CPU cores (fractions allowed)",
               "BC InferenceComponentComputeResourceRequirements.NumberOfCpuCoresRequired; CFN NumberOfCpuCores",
               minimum=0.25),
    Constraint("component.accelerators", _IC, "compute.accelerator_devices", "≥ 1 accelerator device",
               "BC InferenceComponentComputeResourceRequirements.NumberOfAcceleratorDevicesRequired",
               minimum=1),
    Constraint("component.memory", _IC, "compute.min_memory_mb / max_memory_mb",
               "min_memory_mb required, ≥ 128 MB; max_memory_mb ≥ 128 MB",
               "BC InferenceComponentComputeResourceRequirements.MinMemoryRequiredInMb (required), "
               "MaxMemoryRequiredInMb", minimum=128, unit="MB"),
    Constraint("component.memory-order", _IC, "compute.max_memory_mb",
               "max_memory_mb ≥ min_memory_mb (a maximum below the reservation is never used)",
               "BC InferenceComponentComputeResourceRequirements (min is reserved, max is the ceiling)",
               severity=_W),
    Constraint("component.adapter", _IC, "base_component",
               "an adapter has no compute requirements, copies or copy autoscaling of its own (it uses its base's); "
               "its base is a component on the same endpoint, created before it",
               "BC InferenceComponentSpecification.BaseInferenceComponentName, ComputeResourceRequirements "
               "(\"omit ... for an adapter\")"),
    Constraint("component.adapter-base", _IC, "base_component",
               "an adapter's base is a component that hosts a foundation model, not another adapter: a warning "
               "(the documentation describes the base as hosting the model and holding the compute, and names no "
               "error for an adapter of an adapter)",
               "BC InferenceComponentSpecification.BaseInferenceComponentName", severity=_W),
    Constraint("component.compute-required", _IC, "compute",
               "a component that is not an adapter reserves compute (min_memory_mb at least)",
               "BC InferenceComponentComputeResourceRequirements.MinMemoryRequiredInMb (required); "
               "DG:realtime-endpoints-deploy-models"),
    Constraint("component.startup-timeout", _IC, "model_data_download_timeout / container_startup_health_check_timeout",
               "60–3600 seconds each", "BC InferenceComponentStartupParameters; CFN StartupParameterTimeoutInSeconds",
               minimum=60, maximum=3600, unit="s"),
    Constraint("component.copy-count", _IC, "copy_count", "a whole number ≥ 0",
               "BC InferenceComponentRuntimeConfig.CopyCount (InferenceComponentCopyCount, min 0); CFN "
               "InferenceComponentCopyCount (minimum 0)", minimum=0),
    Constraint("component.copy-count-zero", _IC, "copy_count",
               "0 copies at creation is warned about, not refused: the service model and the schema allow it, "
               "and users report CreateInferenceComponent refusing it",
               "BC InferenceComponentRuntimeConfig.CopyCount; CFN InferenceComponentCopyCount", severity=_W),
    Constraint("component.copy-scaling", _IC, "copy_scaling",
               "min_copies ≥ 0, max_copies ≥ 1 and ≥ min_copies; target values > 0; scalable target "
               "inference-component/<name>, dimension sagemaker:inference-component:DesiredCopyCount",
               "AAS RegisterScalableTarget (MinCapacity ≤ MaxCapacity), ScalableDimension; "
               "DG:endpoint-auto-scaling-zero-instances", minimum=0),
    Constraint("component.scale-from-zero", _IC, "copy_scaling.min_copies = 0",
               "target tracking never adds the first copy: a step-scaling policy fired by an alarm on "
               "NoCapacityInvocationFailures (dimension InferenceComponentName) does; the library adds both",
               "DG:endpoint-auto-scaling-zero-instances", severity=_API),
    Constraint("component.managed-scaling", _IC, "managed_scaling",
               "min_instances ≥ 0, max_instances ≥ 1; Status ENABLED",
               "BC ProductionVariantManagedInstanceScaling; CFN ManagedInstanceScaling", minimum=0),
    Constraint("component.managed-scaling-order", _IC, "managed_scaling",
               "min_instances ≤ initial instance_count ≤ max_instances",
               "BC ProductionVariantManagedInstanceScaling (the range the endpoint scales within)", severity=_W),
    Constraint("component.scale-in-policy", _IC, "managed_scaling.scale_in_*",
               "strategy IDLE_RELEASE or CONSOLIDATION; cooldown 5–1440 minutes; maximum step 1–100 instances",
               "BC ProductionVariantManagedInstanceScalingScaleInPolicy"),
    Constraint("component.zero-instances-region", _IC, "managed_scaling.min_instances = 0",
               "scaling to zero instances is not offered in every Region; instances reach 0 only when every "
               "component's copies can (min_copies = 0)", "DG:endpoint-auto-scaling-zero-instances",
               severity=_W),
    Constraint("component.rolling-update", _IC, "deployment",
               "maximum batch COPY_COUNT or CAPACITY_PERCENT, value ≥ 1 (rollback percent ≤ 100); wait 0–3600 s; "
               "maximum execution timeout 600–28800 s; 1–10 rollback alarms",
               "BC InferenceComponentDeploymentConfig, InferenceComponentRollingUpdatePolicy, "
               "InferenceComponentCapacitySize, AutoRollbackConfig"),
    Constraint("component.rolling-batch", _IC, "deployment.maximum_batch",
               "5–50% of the component's copies (batch_percent, or batch_copies against the copy counts the "
               "update can start at)", "BC InferenceComponentRollingUpdatePolicy.MaximumBatchSize",
               minimum=5, maximum=50, unit="%"),
    Constraint("component.rolling-batch-some-counts", _IC, "deployment.maximum_batch",
               "a maximum batch in copies that is 5–50% of some of the copy counts autoscaling can reach and not "
               "of others (SageMaker checks it against the count when the update starts): a warning; refused only "
               "when no reachable count fits", "BC InferenceComponentRollingUpdatePolicy.MaximumBatchSize",
               severity=_W),
    Constraint("component.scheduling", _IC, "scheduling",
               "placement SPREAD or BINPACK; maximum Availability Zone imbalance 0–100 copies",
               "BC InferenceComponentSchedulingConfig, InferenceComponentAvailabilityZoneBalance; CFN "
               "InferenceComponentSchedulingConfig (both required)", minimum=0, maximum=100),
    Constraint("component.fit", _IC, "compute",
               "the reservation fits one instance of the endpoint's type: accelerator devices, CPU cores and "
               "memory no more than the type has", "DG:realtime-endpoints-deploy-models (a copy runs on one "
               "instance); instance resources from EC2 DescribeInstanceTypes (package data)"),
    Constraint("component.fit-margin", _IC, "compute",
               "the instance keeps CPU and memory for SageMaker's own processes: a reservation within 10 % of "
               "the nominal vCPUs or memory may not be schedulable (no documented figure)",
               "DG:realtime-endpoints-deploy-models (resources are reserved from the instance)", severity=_W),
    Constraint("component.fit-accelerator-kind", _IC, "compute",
               "accelerator devices need an accelerated instance type; a component without accelerators on a "
               "GPU/Neuron type leaves the accelerators idle", "DG:realtime-endpoints-deploy-models",
               severity=_W),
    Constraint("component.fit-fleet", _IC, "copy_scaling.max_copies",
               "the copies of all components at their maximum fit the fleet at its maximum instance count",
               "DG:realtime-endpoints-deploy-models (copies are placed on the endpoint's instances)",
               severity=_W),
    Constraint("component.fit-unknown", _IC, "instance_type",
               "an instance type the package's resource data does not list is not fit-checked (info)",
               "package data (instance_types.json resources)", severity=_W),
    Constraint("component.invocation", _IC, "grant_invoke",
               "callers pass InferenceComponentName to InvokeEndpoint; IAM authorizes sagemaker:InvokeEndpoint on "
               "the endpoint; deleting an endpoint does not delete its components",
               "BCR InvokeEndpointInput.InferenceComponentName; DG:realtime-endpoints-deploy-models", severity=_D),
    # ------------------------------------------------------------------ Model
    Constraint("model.role-arn", _MO, "role", "an IAM role (least-privilege role created by default)",
               "BC RoleArn", pattern=r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$", severity=_API),
    Constraint("model.image", _MO, "image", "≤ 255 characters, no whitespace", "BC ContainerImage",
               pattern=r"^[\S]+$", max_length=255),
    Constraint("model.image-reference", _MO, "uri (ContainerImage.from_uri)",
               "registry/repository[:tag] or registry/repository[@digest]: a ':' or '@' is followed by the tag or "
               "digest", "BC ContainerDefinition.Image (\"SageMaker supports both registry/repository[:tag] and "
               "registry/repository[@digest] image path formats\"); ECR API ImageTag (min 1)"),
    Constraint("model.dlc-account", _MO, "image (ContainerImage.from_dlc without account_id)",
               "an env-pinned stack's Region has a Deep Learning Containers registry account in aws-cdk-lib's "
               "region-info (else pass account_id=); an environment-agnostic stack's mapping is compared with the "
               "target Region by the preflight command",
               "aws-cdk-lib region-info FactName.DLC_REPOSITORY_ACCOUNT; DG: Deep Learning Containers images "
               "(one registry account per Region)"),
    Constraint("model.ecr-repository", _MO, "repository_name (ContainerImage.from_dlc)",
               "2–256 characters: lower-case letters and digits, separated by '.', '_', '__', '-' or '/'",
               "ECR API RepositoryName (min 2, max 256, pattern)",
               pattern=r"^(?=.{2,256}$)[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$",
               max_length=256),
    Constraint("model.ecr-tag", _MO, "tag (ContainerImage.from_dlc / from_ecr_repository)",
               "1–300 characters without whitespace", "ECR API ImageTag (min 1, max 300); BC ContainerImage "
               "(no whitespace)", pattern=r"^\S{1,300}$", max_length=300),
    Constraint("model.ecr-account", _MO, "account_id (ContainerImage.from_dlc)", "a 12-digit account id",
               "ECR API RegistryId (pattern [0-9]{12})", pattern=r"^[0-9]{12}$", max_length=12),
    Constraint("model.model-data-url", _MO, "model_data",
               "≤ 1024 characters, (https|s3)://…; a single model is a .tar.gz", "BC Url; DG:create-multi-model-endpoint",
               pattern=S3_URI_PATTERN, max_length=1024),
    Constraint("model.environment", _MO, "environment",
               "≤ 100 entries; keys ≤ 1024 characters matching ^[a-zA-Z_][a-zA-Z0-9_]*$; values ≤ 1024 characters; "
               "all containers together ≤ 32 KB", "BC EnvironmentMap", maximum=100, pattern=ENV_KEY_PATTERN,
               max_length=1024),
    Constraint("model.mode", _MO, "mode", "SingleModel or MultiModel; at most one multi-model container",
               "BC ContainerDefinition.Mode; DG:multi-model-endpoints", allowed=("SingleModel", "MultiModel")),
    Constraint("model.image-config", _MO, "repository_access_mode",
               "Platform or Vpc; repository credentials (a Lambda ARN of 1–2048 characters) only with Vpc",
               "BC ImageConfig; CFN RepositoryAuthConfig ('Specify a value for this property only if you "
               "specified Vpc as the value for the RepositoryAccessMode field')", allowed=("Platform", "Vpc")),
    Constraint("model.private-registry-vpc", _MO, "repository_access_mode",
               "an image from a private Docker registry (Vpc) needs the model in a VPC (vpc=)",
               "DG:your-algorithms-containers-inference-private ('Models that you create based on the images "
               "stored in your private Docker registry must be configured to connect to the same VPC where the "
               "private Docker registry is accessible')"),
    Constraint("model.multi-model-cache", _MO, "model_cache",
               "MultiModelConfig applies to a MultiModel container (elsewhere a warning: nothing to cache)",
               "BC ContainerDefinition.MultiModelConfig ('Specifies additional configuration for multi-model "
               "endpoints'), MultiModelConfig.ModelCacheSetting", severity=_W),
    # ------------------------------------------------------------------ Application Auto Scaling
    Constraint("autoscaling.dimensions", _AS, "scalable dimension",
               "sagemaker:variant:DesiredInstanceCount (instances), "
               "sagemaker:variant:DesiredProvisionedConcurrency (serverless provisioned concurrency)",
               "AAS ScalableDimension", severity=_D),
    Constraint("autoscaling.predefined-metrics", _AS, "target metric",
               "SageMakerVariantInvocationsPerInstance and SageMakerVariantConcurrentRequestsPerModelHighResolution "
               "(real-time), SageMakerVariantProvisionedConcurrencyUtilization (serverless); CPUUtilization and "
               "GPUUtilization of /aws/sagemaker/Endpoints (EndpointName, VariantName) as customized metrics",
               "AAS MetricType; DG:endpoint-auto-scaling-add-code-define (high-resolution and custom metrics)",
               severity=_D),
    # ------------------------------------------------------------------ Construct props
    Constraint("props.type", _P, "any prop", "the Python type documented for the prop",
               "this library's API reference (typed, keyword-only props)"),
    Constraint("props.required", _P, "required props", "required props are given, conflicting props are not combined",
               "this library's API reference"),
    Constraint("props.recommendation", _P, "Recommendation.from_context(job_name)",
               "the app's context holds the job's entry, as `cdk-sagemaker-inference recommend import` writes it; "
               "a serverless recommendation builds a serverless endpoint, an instance-based one a real-time endpoint",
               "this library's API reference (the context entry recommend import writes)"),
    Constraint("props.finite", _P, "any number prop", "a finite number (no NaN, no Infinity)",
               "RFC 8259 §6 (JSON, the template format, has no NaN or Infinity)"),
    Constraint("props.removal-policy", _P, "apply_removal_policy(policy)",
               "RETAIN, DESTROY or RETAIN_ON_UPDATE_OR_DELETE (SNAPSHOT: volumes and databases only)",
               "CFN UG DeletionPolicy attribute (Snapshot is supported only for EC2 volumes, ElastiCache, Neptune, "
               "RDS, Redshift and DocumentDB resources)"),
    Constraint("props.s3-unknown-bucket-length", _P, "S3 locations in a bucket named at deploy time",
               "an S3 URI (async output and failure paths, data capture destinations, batch locations, model data, "
               "component artifacts, the recommender's and benchmark's locations) whose bucket is named only at "
               "deploy time (created "
               "by the construct, or a token) fits its length limit with some bucket names and not with S3's "
               "longest (63 characters): a warning; refused only when no bucket name fits",
               "S3 bucket naming rules (3–63 characters); the locations' own limits (BC DestinationS3Uri, S3Uri, "
               "Url)", severity=_W),
    Constraint("props.same-app", _P, "constructs passed in (rollback alarms)",
               "a construct of the same App as the construct it is given to",
               "aws-cdk-lib (a template cannot reference a construct of another App: the synth fails with "
               "CannotReferenceAcrossApps)"),
    Constraint("props.int32", _P, "any whole-number prop (and a Duration that becomes an integer)",
               f"a whole number from {-(2**31)} to {2**31 - 1} (the API's integer type)",
               "BC/AAS shape type integer (a 32-bit signed integer in the AWS service models)",
               minimum=-(2**31), maximum=2**31 - 1),
    Constraint("props.whole-seconds", _P, "Duration props (all but alarm_p99_latency threshold and "
               "add_oldest_request_age_alarm max_age, alarm thresholds)",
               "a whole number of seconds (Duration.millis(1500) is refused; Duration.minutes(2) is 120 seconds); "
               "p95_latency_threshold: whole milliseconds; a managed scaling scale_in_cooldown: whole minutes",
               "BC/AAS shape type integer of the fields they become (ScaleInCooldown, ScaleOutCooldown, "
               "StepScalingPolicyConfiguration.Cooldown, CloudWatch Period, *InSeconds, "
               "ModelLatencyThreshold.ValueInMilliseconds, ScaleInPolicy.CooldownInMinutes)"),
    Constraint("props.metric-period", _P, "period (metric methods)",
               "1, 5, 10 or 30 seconds, or a multiple of 60 seconds, given as a literal Duration",
               "aws-cdk-lib aws_cloudwatch Metric (its period check); BC CloudWatch PutMetricAlarmInput.Period "
               "(min 1)"),
    Constraint("props.metric-statistic", _P, "statistic (metric methods)",
               "Sum, Average, Minimum, Maximum or SampleCount (any case; avg, min, max, n), IQM, pNN / tmNN / wmNN / "
               "tcNN / tsNN with 0–100, or PR / TM / WM / TC / TS with a range, e.g. TM(10%:90%)",
               "BC CloudWatch PutMetricAlarmInput.Statistic (enum) and ExtendedStatistic; aws-cdk-lib aws_cloudwatch "
               "Metric (its statistic parser: what it cannot parse goes to ExtendedStatistic unchanged)"),
    Constraint("props.metric-name", _P, "metric_name (metric methods)", "1–255 characters",
               "BC CloudWatch MetricName (min 1, max 255)", max_length=255),
    Constraint("props.metric-namespace", _P, "namespace (metric methods)",
               "1–255 characters, not starting with ':'", "BC CloudWatch Namespace (min 1, max 255, pattern [^:].*)",
               pattern=r"^[^:][\s\S]*$", max_length=255),
    Constraint("props.alarm-window", _P, "evaluation_periods × period (alarms)",
               "at most 86,400 seconds (one day) with a period under an hour, 604,800 seconds (seven days) otherwise",
               "CloudWatch API Reference, PutMetricAlarm.Period (\"Period multiplied by EvaluationPeriods can't be "
               "more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total "
               "evaluation period can't be longer than one day (86,400 seconds).\")"),
    Constraint("props.token", _P, "tokens",
               "a token where the template can carry it (a number token for a number; a Duration token in the "
               "unit its field is carried in: Duration.seconds(token), Duration.millis(token) for "
               "p95_latency_threshold, Duration.minutes(token) for a managed scale-in cooldown, Duration.days(token) "
               "for an expiration); a literal where the value must be known at synth (a map key; the p99 latency "
               "threshold, which the library converts to microseconds)",
               "aws-cdk-lib token encoding (Token.as_number, Duration.to_seconds of a token)"),
    Constraint("autoscaling.schedule", _AS, "autoscaling.schedules[].schedule",
               "at(yyyy-mm-ddThh:mm:ss) with a real date and time, rate(n unit) with a whole n ≥ 1 and unit "
               "minute(s), hour(s) or day(s), or cron() with 6 space-separated fields, exactly one of day-of-month "
               "/ day-of-week '?', and each field's values and wildcards (as EventBridge cron expressions)",
               "AAS PutScheduledAction.Schedule (at(yyyy-mm-ddThh:mm:ss); rate(value unit), value a positive "
               "integer, unit minute | minutes | hour | hours | day | days; cron(fields): [Minutes] [Hours] "
               "[Day_of_Month] [Month] [Day_of_Week] [Year]); aws-cdk-lib aws_applicationautoscaling CronOptions (refers to the "
               "CloudWatch Events cron expressions)"),
    Constraint("autoscaling.no-burstable", _AS, "instance_type",
               "autoscaling is not supported on burstable ml.t* instance types",
               "DG:endpoint-auto-scaling-add-console (registering a variant, Application Auto Scaling checks \"you "
               "aren't registering a variant with an instance that is a burstable performance instance such as T2\")"),
    Constraint("autoscaling.target-value", _AS, "autoscaling.target_* / custom_targets[].target_value",
               "a number > 0 (invocations per instance per minute, concurrent requests per model, utilization %)",
               "AAS TargetTrackingScalingPolicyConfiguration.TargetValue; DG:endpoint-auto-scaling-add-policy"),
    Constraint("autoscaling.step-intervals", _AS, "autoscaling.step_scaling",
               "at least 2 intervals; evaluation_periods ≥ 1",
               "aws-cdk-lib aws_applicationautoscaling StepScalingPolicy (at least 2 intervals); CloudWatch "
               "PutMetricAlarm.EvaluationPeriods (≥ 1)", minimum=1),
    Constraint("autoscaling.custom-metric", _AS, "autoscaling.custom_targets[].metric",
               "one CloudWatch Metric (a math expression is not a target-tracking custom metric here)",
               "aws-cdk-lib aws_applicationautoscaling TargetTrackingScalingPolicy (customMetric: a Metric); AAS "
               "CustomizedMetricSpecification"),
    Constraint("autoscaling.custom-metric-statistic", _AS, "autoscaling.custom_targets[].metric (statistic)",
               "Average, Minimum, Maximum, SampleCount or Sum (no percentile or other extended statistic)",
               "botocore application-autoscaling CustomizedMetricSpecification.Statistic (enum MetricStatistic); "
               "aws-cdk-lib TargetTrackingScalingPolicy",
               allowed=("Average", "Minimum", "Maximum", "SampleCount", "Sum")),
    Constraint("autoscaling.no-policy", _AS, "autoscaling",
               "a scalable target with no scaling policy and no scheduled action never changes the capacity",
               "AAS RegisterScalableTarget (capacity changes only through scaling policies and scheduled actions)",
               severity=_W),
)

BY_ID: Mapping[str, Constraint] = MappingProxyType({c.id: c for c in CONSTRAINTS})
if len(BY_ID) != len(CONSTRAINTS):  # pragma: no cover - guarded by a unit test too
    raise RuntimeError("duplicate constraint ids in CONSTRAINTS")


def constraint(constraint_id: str) -> Constraint:
    """The row with this id (``KeyError`` names the id if there is none)."""
    return BY_ID[constraint_id]


def by_area(area: Area) -> tuple[Constraint, ...]:
    """The rows of one area, in table order."""
    return tuple(c for c in CONSTRAINTS if c.area is area)
