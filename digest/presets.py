"""The built-in topic presets: the topics a site has before its editor writes any."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

PRESET_LANGUAGES = ("uk", "en")
# libyaml's parser where it is installed: read on every build, 15x faster than pure Python
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=4)
def preset_topics(language: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(key, name, keywords) of the preset for a site language (`uk-UA` reads as `uk`), in
    the preset's order; nothing for a language without a preset."""
    base = language.replace("_", "-").split("-")[0].lower()
    if base not in PRESET_LANGUAGES:
        return ()
    text = resources.files("digest").joinpath(f"presets/topics.{base}.yaml").read_text("utf-8")
    raw = yaml.load(text, Loader=_LOADER)
    return tuple(
        (str(key), str(spec["name"]), tuple(str(k) for k in spec["keywords"]))
        for key, spec in raw.items()
    )
