"""Print pip requirements for the oldest minor release of each named dependency.

``pyproject.toml`` declares lower bounds such as ``pandas>=2.2``; CI installs ``pandas~=2.2.0``
(the latest patch of that minor release) next to the package and runs the suite again, so a
bound that no longer holds fails the build instead of a user's install.

    python .ci/oldest_pins.py numpy pandas pyarrow   # -> numpy~=1.26.0 pandas~=2.2.0 ...
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
bounds = {}
for requirement in project["dependencies"]:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=(\d+)(?:\.(\d+))?", requirement.replace(" ", ""))
    if match:
        name, major, minor = match.groups()
        bounds[name.lower()] = f"{name}~={major}.{minor or 0}.0"
missing = [name for name in sys.argv[1:] if name.lower() not in bounds]
if missing:
    sys.exit(f"no '>=' lower bound in pyproject.toml for: {', '.join(missing)}")
print(" ".join(bounds[name.lower()] for name in sys.argv[1:]))
