"""site.yaml `sources:`: outlets by content folder, shared by stories and `digest fetch`."""

from __future__ import annotations

import pytest

from digest.config import Source, load_config
from digest.errors import ConfigError
from tests.conftest import MakeSite


def test_sources_are_read_with_defaults(make_site: MakeSite) -> None:
    site = make_site(
        config="title: T\nsources:\n  unian:\n    name: УНІАН\n    url: https://u.example/rss\n"
        "    topics: [war]\n  ukrinform:\n"
    )
    config, warnings = load_config(site)
    assert warnings == []
    assert config.sources == (
        Source(key="unian", name="УНІАН", url="https://u.example/rss", topics=("war",)),
        Source(key="ukrinform", name="ukrinform"),
    )


def test_bad_sources_are_named_with_their_line(make_site: MakeSite) -> None:
    site = make_site(
        config="title: T\nsources:\n  unian:\n    url: ftp://x\n    full_text: yes please\n"
        "    nmae: X\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    shown = [str(p) for p in caught.value.problems]
    assert shown == [
        "site.yaml:4: sources.unian.url: expected an http(s) URL, got `ftp://x`",
        "site.yaml:5: sources.unian.full_text: expected true or false, got 'yes please'",
    ]
