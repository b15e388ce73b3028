"""`digest build --verify`: build as usual, then from scratch, and compare the two outputs."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from digest.build import BuildOptions, BuildResult, build
from digest.config import load_config
from digest.workers import Progress, no_progress
from digest.write import MANIFEST, read_manifest


def verify(
    site_dir: Path, options: BuildOptions | None = None, progress: Progress = no_progress
) -> tuple[BuildResult, list[str]]:
    """Build as usual (incrementally), then from scratch into a temporary folder with an
    empty cache, and list every file whose bytes differ between the two (empty: identical)."""
    options = options or BuildOptions()
    if options.now is None:
        config, _ = load_config(site_dir, options.output_dir)
        options = replace(options, now=datetime.now(config.tz))
    result = build(site_dir, options, progress)
    with tempfile.TemporaryDirectory(prefix="digest-verify-") as tmp:
        fresh = Path(tmp) / "site"
        build(site_dir, replace(options, output_dir=fresh, cache_dir=Path(tmp) / "cache"))
        return result, compare_outputs(result.config.output_dir, fresh)


def compare_outputs(incremental: Path, fresh: Path) -> list[str]:
    """What differs between two builds' files (each output's own manifest lists them)."""
    ours = set(read_manifest(incremental))
    theirs = set(read_manifest(fresh))
    differences = []
    for rel in sorted(ours | theirs):
        if rel == MANIFEST:
            continue
        if rel not in theirs:
            differences.append(f"{rel}: only in the incremental build")
        elif rel not in ours:
            differences.append(f"{rel}: missing from the incremental build")
        elif (incremental / rel).read_bytes() != (fresh / rel).read_bytes():
            differences.append(f"{rel}: differs from a build from scratch")
    return differences
