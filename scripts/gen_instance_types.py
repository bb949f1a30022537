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
import json
import sys
from pathlib import Path

import botocore
import botocore.loaders

SHAPES = ("ProductionVariantInstanceType", "TransformInstanceType")
TARGET = Path(__file__).resolve().parents[1] / "src" / "cdk_sagemaker_inference" / "data" / "instance_types.json"


def read_botocore() -> dict[str, list[str]]:
    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    return {shape: sorted(model["shapes"][shape]["enum"]) for shape in SHAPES}


def main(argv: list[str]) -> int:
    current = read_botocore()
    if "--check" in argv:
        shipped = json.loads(TARGET.read_text())["shapes"]
        drift = {shape: {"only in botocore " + botocore.__version__: sorted(set(current[shape]) - set(shipped[shape])),
                         "only in the package data": sorted(set(shipped[shape]) - set(current[shape]))}
                 for shape in SHAPES if set(current[shape]) != set(shipped[shape])}
        if drift:
            print(f"{TARGET.name} differs from botocore {botocore.__version__}: {json.dumps(drift, indent=1)}\n"
                  "run python scripts/gen_instance_types.py")
            return 1
        return 0
    TARGET.write_text(json.dumps({
        "source": f"botocore {botocore.__version__}, sagemaker/2017-07-24/service-2 shapes {', '.join(SHAPES)}",
        "generated": datetime.date.today().isoformat(),
        "shapes": current,
    }, indent=1, sort_keys=True) + "\n")
    print(f"wrote {TARGET} from botocore {botocore.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
