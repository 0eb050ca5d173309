"""Smoke test we run after every DATAMIMIC upgrade: upload, rename, read back, clean up."""
import sys
from pathlib import Path

from dmclient import DataMimicClient, DataMimicError


def main() -> int:
    dm = DataMimicClient.from_env()
    print(dm)
    info = dm.project()
    print(f"project {info['identifier']} ({info['name']}, {info['type']})")

    sample = Path("smoke_regions.csv")
    sample.write_text("code,region\nN,North\nS,South\n")
    try:
        location = dm.upload(sample)
        print(f"uploaded -> {location}")
        print(dm.rename(sample.name, "smoke_regions_renamed.csv"))
        body = dm.read("smoke_regions_renamed.csv")
        Path("readback.csv").write_bytes(body)
        if body != sample.read_bytes():
            print("read-back differs from upload!", file=sys.stderr)
            return 1
        print("read-back matches")
    except DataMimicError as exc:
        print(f"smoke test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        try:
            dm.delete("smoke_regions_renamed.csv")
            print("cleaned up")
        except DataMimicError as exc:
            print(f"cleanup failed: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
