"""Write the instance-type enumerations the library validates against, from botocore's service model.

Synth results must not depend on the installed botocore (a user's boto3 may be a year old or a day
new), so the enumerations ship as package data: ``src/cdk_sagemaker_inference/data/instance_types.json``
records the botocore version it was read from and the date. Regenerate after upgrading the pinned
botocore:

    python scripts/gen_instance_types.py           # write the file
    python scripts/gen_instance_types.py --check   # exit 1 (and say what differs) when it is out of date

The resources of each type (vCPUs, memory, accelerators and their memory; what the inference-component
fit check reads) come from a second documented source: the instance-type reference that the Karpenter
project generates from EC2's DescribeInstanceTypes (github.com/aws/karpenter-provider-aws,
``website/content/en/docs/reference/instance-types.md``, Apache-2.0). An ``ml.<type>`` has the hardware
of the EC2 type of the same name. Download that file and pass it with the commit it came from:

    python scripts/gen_instance_types.py --resources instance-types.md --resources-ref <commit> [--check]

Without ``--resources`` the shipped resources are kept as they are (and not checked).
Neuron (Inferentia/Trainium) types count devices in ``accelerators`` and NeuronCores in
``neuron_cores``; their device memory is not in that file and stays unknown (null).

On-demand list prices (what ``cost`` reads) come from AWS Price List offer files for the service code
``AmazonSageMaker`` (one per Region, from the Price List Bulk API's
``/offers/v1.0/aws/AmazonSageMaker/current/region_index.json``); each keeps the offer's version and
publication date. Without ``--prices`` the shipped prices are kept (the package ships none today):

    python scripts/gen_instance_types.py --prices us-east-1.json --prices eu-west-1.json
"""

from __future__ import annotations

import datetime
import html
import json
import re
import sys
from pathlib import Path

import botocore
import botocore.loaders

SHAPES = ("ProductionVariantInstanceType", "TransformInstanceType", "ProductionVariantInferenceAmiVersion")
TARGET = Path(__file__).resolve().parents[1] / "src" / "cdk_sagemaker_inference" / "data" / "instance_types.json"


def read_botocore() -> dict[str, list[str]]:
    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    return {shape: sorted(model["shapes"][shape]["enum"]) for shape in SHAPES}


def read_ami_versions() -> dict[str, dict[str, str | None]]:
    """Each inference AMI version's accelerator and CUDA version, from the documentation of
    ``ProductionVariant.InferenceAmiVersion`` (a <dl> of names, each with "Accelerator: ..." and, for
    GPU AMIs, "CUDA version: ..."); parsed, not copied, so a new AMI comes with the next botocore."""
    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    doc = model["shapes"]["ProductionVariant"]["members"]["InferenceAmiVersion"]["documentation"]
    found: dict[str, dict[str, str | None]] = {}
    for name, body in re.findall(r"<dt>\s*([^<]+?)\s*</dt>\s*<dd>(.*?)</dd>", doc, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        accelerator = re.search(r"Accelerator:\s*([^\n]+?)\s{2,}|Accelerator:\s*(.+)$", text)
        cuda = re.search(r"CUDA version:\s*([0-9.]+)", text)
        found[name] = {"accelerator": (next(g for g in accelerator.groups() if g).strip() if accelerator else None),
                       "cuda": cuda.group(1) if cuda else None}
    return found


_TYPE_HEADING = re.compile(r"^### `([a-z0-9-]+\.[a-z0-9-]+)`\s*$")
_ROW = re.compile(r"^\s*\|([^|]+)\|([^|]*)\|\s*$")


def parse_resources(text: str, types: list[str]) -> dict[str, dict[str, object]]:
    """The resources of each ``ml.*`` type in ``types`` whose EC2 type the Karpenter reference lists.

    The reference has one ``### `<type>``` heading per EC2 type, followed by a table of labels
    (``karpenter.k8s.aws/instance-cpu`` vCPUs, ``instance-memory`` MiB, ``instance-gpu-count``,
    ``instance-gpu-memory`` MiB per GPU, ``instance-accelerator-count`` Neuron devices) and one of
    resources (``aws.amazon.com/neuroncore``). A type the file does not list is left out (unknown).
    """
    labels: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        heading = _TYPE_HEADING.match(line)
        if heading:
            current = labels.setdefault(heading.group(1), {})
            continue
        row = _ROW.match(line)
        if current is not None and row:
            current[row.group(1).strip()] = row.group(2).strip()
    found: dict[str, dict[str, object]] = {}
    for name in types:
        ec2 = labels.get(name.removeprefix("ml."))
        if not ec2 or "karpenter.k8s.aws/instance-cpu" not in ec2:
            continue
        gpus = int(ec2.get("karpenter.k8s.aws/instance-gpu-count", "0") or 0)
        neuron = int(ec2.get("karpenter.k8s.aws/instance-accelerator-count", "0") or 0)
        per_gpu = int(ec2.get("karpenter.k8s.aws/instance-gpu-memory", "0") or 0)
        found[name] = {
            "vcpu": int(ec2["karpenter.k8s.aws/instance-cpu"]),
            "memory_mib": int(ec2["karpenter.k8s.aws/instance-memory"]),
            "accelerators": gpus or neuron,
            "accelerator_kind": "gpu" if gpus else ("neuron" if neuron else None),
            "accelerator_memory_mib": gpus * per_gpu if gpus and per_gpu else None,
            "neuron_cores": int(ec2["aws.amazon.com/neuroncore"]) if "aws.amazon.com/neuroncore" in ec2 else None,
        }
    return found


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


def read_resources(argv: list[str], shapes: dict[str, list[str]]) -> dict[str, object] | None:
    """The resources block from ``--resources FILE`` (None when not given)."""
    path = _option(argv, "--resources")
    if path is None:
        return None
    ref = _option(argv, "--resources-ref") or "unknown commit"
    types = sorted(set(shapes["ProductionVariantInstanceType"]) | set(shapes["TransformInstanceType"]))
    return {
        "source": "aws/karpenter-provider-aws website/content/en/docs/reference/instance-types.md at "
                  f"{ref} (generated from EC2 DescribeInstanceTypes); ml.<type> = the EC2 type <type>",
        "types": parse_resources(Path(path).read_text(encoding="utf-8"), types),
    }


def read_prices(argv: list[str]) -> dict[str, object] | None:
    """The prices block from each ``--prices OFFER_FILE`` (AWS Price List offer files for AmazonSageMaker,
    one per Region; None when none is given). Each price keeps the offer's version and publication date."""
    from cdk_sagemaker_inference.cost.prices import PriceTable, read_offer_file

    paths = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--prices"]
    if not paths:
        return None
    table = PriceTable()
    for path in paths:
        table = table.merged(read_offer_file(path))
    return {"source": table.source, "regions": {r: {u: dict(p) for u, p in uses.items()}
                                                for r, uses in table.regions.items()}}


def main(argv: list[str]) -> int:
    current = read_botocore()
    resources = read_resources(argv, current)
    prices = read_prices(argv)
    if "--check" in argv:
        data = json.loads(TARGET.read_text())
        shipped = data["shapes"]
        drift: dict[str, object] = {
            shape: {"only in botocore " + botocore.__version__: sorted(set(current[shape]) - set(shipped.get(shape, []))),
                    "only in the package data": sorted(set(shipped.get(shape, [])) - set(current[shape]))}
            for shape in SHAPES if set(current[shape]) != set(shipped.get(shape, []))}
        if data.get("inference_ami_versions") != read_ami_versions():
            drift["inference_ami_versions"] = {"botocore": read_ami_versions(),
                                               "package data": data.get("inference_ami_versions")}
        if resources is not None and data.get("resources", {}).get("types") != resources["types"]:
            drift["resources"] = "differ from the given --resources file"
        if drift:
            print(f"{TARGET.name} differs from botocore {botocore.__version__}: {json.dumps(drift, indent=1)}\n"
                  "run python scripts/gen_instance_types.py")
            return 1
        return 0
    shipped = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    kept = shipped.get("resources")
    kept_prices = shipped.get("prices")
    if resources is not None:
        resources["generated"] = datetime.date.today().isoformat()
    TARGET.write_text(json.dumps({
        "source": f"botocore {botocore.__version__}, sagemaker/2017-07-24/service-2 shapes {', '.join(SHAPES)}; "
                  "inference AMI accelerators and CUDA versions from ProductionVariant.InferenceAmiVersion's "
                  "documentation",
        "generated": datetime.date.today().isoformat(),
        "shapes": current,
        "inference_ami_versions": read_ami_versions(),
        **({"resources": resources or kept} if (resources or kept) else {}),
        **({"prices": prices or kept_prices} if (prices or kept_prices) else {}),
    }, indent=1, sort_keys=True) + "\n")
    print(f"wrote {TARGET} from botocore {botocore.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
