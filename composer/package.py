"""composer as an installed package: its folder, where its data is found, and its name on PyPI.

Below every layer, as errors.py and limits.py are: i18n/labels/, commands/schema/, commands/preview/
and core/templates.py find their files from here, never from a module's own ``__file__``, so a
module moved into another subpackage still finds them.
"""

from __future__ import annotations

from pathlib import Path

# The package's own folder: its data (i18n/labels/, commands/schema/*.json, commands/preview/assets/,
# the packaged templates/) are found from here.
PACKAGE_FOLDER = Path(__file__).resolve().parent

DISTRIBUTION = "briefing-composer"  # the name on PyPI ("composer" is another project's); the package keeps its name
