"""cdk-sagemaker-inference recommend import: a completed recommendation job into the app's context.

    cdk-sagemaker-inference recommend import my-ir-job [--recommendation ID] \\
        [--min-invocations-per-minute 100 --max-invocations-per-minute 3000]   # the scaling objective
    cdk-sagemaker-inference recommend import my-ai-job --kind ai-recommendation

Reads the job with boto3 (DescribeInferenceRecommendationsJob and GetScalingConfigurationRecommendation,
or DescribeAIRecommendationJob) and stores what synth needs under the context key
``cdk-sagemaker-inference:recommendation:<job>`` of cdk.context.json (--context-file), as the CDK caches its
lookups; synth then reads it offline with ``Recommendation.from_context(scope, "<job>")``. --json prints the
entry.

Exit codes: 0 imported, 2 could not (no boto3 or credentials, the job running, failed, without
recommendations, or unknown).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..assembly.reports import could_not, write_json
from .importer import (
    RecommendationImportError,
    context_key,
    import_ai_job,
    import_recommender_job,
    read_context,
    write_context,
)

EXIT_OK, EXIT_ERROR = 0, 2
INSTALL_BOTO3 = "pip install boto3 (recommend import reads the job with it)"


def add_parser(subparsers: Any) -> None:
    """Add the ``recommend`` subcommand (``recommend import``)."""
    parser = subparsers.add_parser("recommend", help="bring recommendation job results into the app",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    importer = actions.add_parser("import", help="store a completed job's recommendation in cdk.context.json",
                                  description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    importer.add_argument("job", help="the job name")
    importer.add_argument("--kind", choices=("inference-recommender", "ai-recommendation"),
                          default="inference-recommender", help="the kind of job (default: inference-recommender)")
    importer.add_argument("--recommendation", metavar="ID",
                          help="the recommendation to import: an Inference Recommender RecommendationId, or the index "
                               "of an AI recommendation (default: the lowest measured cost per inference; the first)")
    importer.add_argument("--min-invocations-per-minute", type=int, metavar="N",
                          help="scaling objective: the lowest traffic (GetScalingConfigurationRecommendation)")
    importer.add_argument("--max-invocations-per-minute", type=int, metavar="N",
                          help="scaling objective: the highest traffic")
    importer.add_argument("--context-file", default="cdk.context.json",
                          help="the context file to write (default: cdk.context.json)")
    importer.add_argument("--region", help="the job's Region (default: the configured one)")
    importer.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    importer.add_argument("--json", action="store_true", help="print the stored entry as JSON")
    importer.set_defaults(handler=run)


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None,
        client_factory: Callable[[], Any] | None = None) -> int:
    """Run ``recommend import``; returns the exit code. ``client_factory`` (tests) makes the SageMaker client."""
    out = out or sys.stdout
    err = err or sys.stderr

    def could_not_import(error: BaseException, what: str = "import") -> int:
        return could_not(error, command="recommend import", what=what, as_json=args.json, out=out, err=err)

    try:  # what needs no AWS call first: the arguments and the context file
        index = _arguments(args)
        read_context(args.context_file)
    except RecommendationImportError as error:
        return could_not_import(error)
    try:
        client = client_factory() if client_factory else _client(args.region, args.profile)
        if args.kind == "ai-recommendation":
            entry = import_ai_job(client, args.job, recommendation_index=index)
        else:
            entry = import_recommender_job(client, args.job, recommendation_id=args.recommendation,
                                           min_invocations_per_minute=args.min_invocations_per_minute,
                                           max_invocations_per_minute=args.max_invocations_per_minute)
        write_context(args.context_file, context_key(args.job), entry)
    except (RecommendationImportError, ValueError) as error:
        return could_not_import(error)
    except AttributeError as error:  # an older boto3 without the operation (AI recommendation jobs are new)
        return could_not_import(RuntimeError(f"this boto3 does not have the operation ({error}): "
                                             "pip install --upgrade boto3"))
    except Exception as error:  # botocore: no credentials, access denied, the job does not exist
        from ..assembly.sessions import explain

        return could_not_import(RuntimeError(explain(error)), what=f"read job {args.job}")
    if args.json:
        write_json(out, entry)
    else:
        endpoint = entry["endpoint"]
        what = (f"serverless {endpoint['serverless']}" if endpoint.get("serverless") else
                f"{endpoint.get('instance_count')} × {endpoint.get('instance_type')}")
        print(f"imported {entry['source']} job {args.job} (recommendation {entry['recommendation_id']}): {what}; "
              f"stored under {context_key(args.job)} in {args.context_file}", file=out)
    return EXIT_OK


def _arguments(args: argparse.Namespace) -> int:
    """Check the arguments that need no AWS call; returns the AI recommendation's index (0 by default)."""
    if args.kind == "ai-recommendation":
        if args.min_invocations_per_minute is not None or args.max_invocations_per_minute is not None:
            raise RecommendationImportError("--min/--max-invocations-per-minute (a scaling objective) apply to "
                                            "Inference Recommender jobs only")
        if args.recommendation is None:
            return 0
        if not (args.recommendation.isascii() and args.recommendation.isdecimal()):
            raise RecommendationImportError(f"--recommendation {args.recommendation!r}: an AI recommendation is "
                                            "chosen by its index in the job's list (0, 1, …)")
        return int(args.recommendation)
    for flag, value in (("--min-invocations-per-minute", args.min_invocations_per_minute),
                        ("--max-invocations-per-minute", args.max_invocations_per_minute)):
        if value is not None and value < 0:
            raise RecommendationImportError(f"{flag} {value}: a number of invocations a minute is not negative")
    return 0


def _client(region: str | None, profile: str | None) -> Any:
    try:
        import boto3
    except ImportError as error:
        raise RecommendationImportError(f"boto3 is not installed: {INSTALL_BOTO3}") from error
    return boto3.Session(profile_name=profile, region_name=region).client("sagemaker")
