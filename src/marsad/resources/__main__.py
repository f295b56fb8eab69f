"""``python -m marsad.resources --rehash``: update checksums in the manifest after editing a resource."""

import sys

from marsad.resources import rehash

if __name__ == "__main__":
    if "--rehash" not in sys.argv[1:]:
        sys.exit("usage: python -m marsad.resources --rehash")
    man = rehash()
    print(f"manifest: {len(man['files'])} files")
