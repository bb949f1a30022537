"""Write the instance-type enumerations the library validates against, from botocore's service model.

Synth results must not depend on the installed botocore (a user's boto3 may be a year old or a day
new), so the enumerations ship as package data: ``src/cdk_sagemaker_inference/data/instance_types.json``
records the botocore version it was read from and the date. Regenerate after upgrading the pinned
botocore:

    python scripts/gen_instance_types.py           # write the file
    python scripts/gen_instance_types.py --check   # exit 1 (and say what differs) when it is out of date
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


def main(argv: list[str]) -> int:
    current = read_botocore()
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
        if drift:
            print(f"{TARGET.name} differs from botocore {botocore.__version__}: {json.dumps(drift, indent=1)}\n"
                  "run python scripts/gen_instance_types.py")
            return 1
        return 0
    TARGET.write_text(json.dumps({
        "source": f"botocore {botocore.__version__}, sagemaker/2017-07-24/service-2 shapes {', '.join(SHAPES)}; "
                  "inference AMI accelerators and CUDA versions from ProductionVariant.InferenceAmiVersion's "
                  "documentation",
        "generated": datetime.date.today().isoformat(),
        "shapes": current,
        "inference_ami_versions": read_ami_versions(),
    }, indent=1, sort_keys=True) + "\n")
    print(f"wrote {TARGET} from botocore {botocore.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
