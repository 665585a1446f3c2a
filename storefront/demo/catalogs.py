"""``python -m storefront.demo.catalogs demo-outfitters > outfitters.json`` writes one demo
catalog out, ready for ``storefront catalog import``.

Only the command: the catalogs are ``storefront.demo.documents``, which the demo imports, so
running this module never finds it imported already.
"""
from __future__ import annotations

import json
import sys

from storefront.demo.documents import CATALOGS


def main(slug: str) -> None:
    """Write the demo catalog ``slug`` to standard output as JSON."""
    json.dump(CATALOGS[slug](), sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
