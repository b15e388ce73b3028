"""Hostile and broken input: every bad article named and survived, nothing written outside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.config import load_config
from digest.errors import SourceError
from digest.sources import ArticleReader
from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now, read

GOOD = {"content/good.txt": "date 2026-02-11 Добра новина\n\nТекст.\n"}


def warnings_of(site: Path, config: str = BASIC_CONFIG) -> list[str]:
    return [str(w) for w in build_at_now(site).warnings]


def test_yaml_alias_bomb_is_refused(make_site: MakeSite) -> None:
    bomb = "---\ntitle: T\ndate: 2026-02-11\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        bomb += f"{chr(n)}: &{chr(n)} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    site = make_site({**GOOD, "content/bomb.md": bomb + "---\nТекст\n"})
    (warning,) = warnings_of(site)
    assert warning.startswith("content/bomb.md:")
    assert "YAML expands to more than 20000 nodes (aliases?)" in warning
    assert (site / "_site/2026/02/11/dobra-novyna/index.html").is_file()


def test_huge_front_matter_block_is_refused(make_site: MakeSite) -> None:
    big = "---\ntitle: T\ndate: 2026-02-11\nx: " + "a" * 300_000 + "\n---\nТекст\n"
    site = make_site({**GOOD, "content/big.md": big})
    assert warnings_of(site) == [
        "content/big.md:2: front matter: YAML block is larger than 256 KB "
        "— fix the YAML between the --- lines"
    ]


def test_encoding_fallback_reads_cp1251(make_site: MakeSite) -> None:
    text = "date 2026-02-11 Новина у кодуванні Windows\n\nТекст «з лапками».\n".encode("cp1251")
    site = make_site({"content/old.txt": text}, config=BASIC_CONFIG + "encoding_fallback: cp1251\n")
    assert warnings_of(site) == []
    page = read(site, "2026/02/11/novyna-u-koduvanni-windows/index.html")
    assert "Текст «з лапками»." in page


@pytest.mark.slow
@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_crlf_and_cr_give_byte_identical_output(
    make_site: MakeSite, tmp_path: Path, line_end: str
) -> None:
    markdown = (
        "---\ntitle: Заголовок\ndate: 2026-02-11 10:00\ntags: [economy]\n---\n\n"
        "Абзац один.\n\n## Підзаголовок\n\n- пункт\n- ще\n"
    )
    wire = "date 2026-02-11 Новина.\n\nПерший.\n\nПідзаголовок\n\nДругий.\n"
    lf = make_site({"content/a.md": markdown, "content/b.txt": wire})
    build_at_now(lf, output_dir=tmp_path / "lf")
    (lf / "content/a.md").write_bytes(markdown.replace("\n", line_end).encode())
    (lf / "content/b.txt").write_bytes(("\ufeff" + wire.replace("\n", line_end)).encode())
    build_at_now(lf, output_dir=tmp_path / "other")
    for page in (tmp_path / "lf").rglob("*"):
        if page.is_file():
            other = tmp_path / "other" / page.relative_to(tmp_path / "lf")
            assert other.read_bytes() == page.read_bytes(), page


def test_slugs_and_tags_cannot_leave_the_output(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/a.md": '---\ntitle: "../../../../escape"\ndate: 2026-02-11\n'
            'slug: "../../../etc/passwd"\n'
            'tags: ["../../outside", "/abs/olute", "...", "a\\u0000b"]\n---\nТекст\n',
            "content/b.md": '---\ntitle: "/"\ndate: 2026-02-11\nslug: ".."\n---\nТекст\n',
        }
    )
    before = set(tmp_path.rglob("*"))
    build_at_now(site)
    out = (site / "_site").resolve()
    cache = (site / ".digest-cache").resolve()  # the build cache, beside site.yaml by design
    written = set(tmp_path.rglob("*")) - before
    outside = [p for p in written if not p.resolve().is_relative_to(out)]
    assert all(p.resolve().is_relative_to(cache) or p.resolve() == cache for p in outside), outside
    assert (out / "2026/02/11/etc-passwd/index.html").is_file()
    assert (out / "tags/outside/index.html").is_file()
    assert (out / "tags/abs-olute/index.html").is_file()
    assert (out / "tags/a-b/index.html").is_file()


def test_symlinks_out_of_content_are_not_followed(make_site: MakeSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Секрет\ndate: 2026-02-11\n---\nПароль\n", encoding="utf-8")
    (tmp_path / "outside_dir").mkdir()
    (tmp_path / "outside_dir/x.md").write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
    site = make_site(GOOD)
    os.symlink(secret, site / "content/link.md")
    os.symlink(tmp_path / "outside_dir", site / "content/linked_dir")
    os.symlink(site / "content/good.txt", site / "content/inside.txt")
    warnings = warnings_of(site)
    assert warnings == [
        "content/linked_dir: symlink points outside the content folder; not followed "
        "— copy the file into content/ instead",
        "content/link.md: symlink points outside the content folder; not followed "
        "— copy the file into content/ instead",
        'content/inside.txt: slug "dobra-novyna" is already used on 2026-02-11 by '
        'content/good.txt; published as "dobra-novyna-2" '
        "— set a different slug: in the front matter",
    ]
    assert "Пароль" not in "".join(
        p.read_text(encoding="utf-8") for p in (site / "_site").rglob("*.html")
    )


@pytest.mark.slow
def test_pathological_markdown_is_given_up_on_in_bounded_time(make_site: MakeSite) -> None:
    site = make_site(
        {
            **GOOD,
            "content/brackets.md": "---\ntitle: T\ndate: 2026-02-11\n---\n\n" + "[" * 20000 + "\n",
        },
        config=BASIC_CONFIG + "render_timeout: 0.5\n",
    )
    assert warnings_of(site) == [
        "content/brackets.md:6: Markdown took longer than 0.5 s; gave up on this article "
        "— look for thousands of unmatched [ or very deep nesting, or raise render_timeout"
    ]


def test_oversized_article_is_skipped(make_site: MakeSite) -> None:
    body = ("Абзац тексту. " * 60 + "\n\n") * 2000
    site = make_site({**GOOD, "content/big.md": "---\ntitle: T\ndate: 2026-02-11\n---\n\n" + body})
    (warning,) = warnings_of(site)
    assert warning.startswith("content/big.md: article is 2.9 MB")
    assert warning.endswith(
        "MB, over the 2.0 MB limit; skipped — split it, or raise max_article_kb in site.yaml"
    )


def test_raw_html_kept_only_when_opted_in(make_site: MakeSite) -> None:
    text = '---\ntitle: T\ndate: 2026-02-11\n---\n\n<iframe src="https://x"></iframe>\n\nТекст\n'
    site = make_site({"content/a.md": text})
    build_at_now(site)
    assert "<iframe" not in read(site, "2026/02/11/t/index.html")
    (site / "site.yaml").write_text(BASIC_CONFIG + "raw_html: true\n", encoding="utf-8")
    build_at_now(site)
    assert '<iframe src="https://x"></iframe>' in read(site, "2026/02/11/t/index.html")


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArticleReader, Path]:
    site = tmp_path_factory.mktemp("fuzz")
    (site / "content").mkdir()
    (site / "site.yaml").write_text(BASIC_CONFIG + "render_timeout: 2\n", encoding="utf-8")
    config, _ = load_config(site)
    return ArticleReader(config), site / "content"


FRONT_MATTER = st.builds(
    lambda meta, body: f"---\n{meta}\n---\n{body}".encode("utf-8", "surrogatepass"),
    st.text(
        alphabet=st.sampled_from(list("title: date2026-0211[]{}!&*|>'\"\n -#:,.Ʉї\t\\")),
        max_size=120,
    ),
    st.text(max_size=200),
)
WIRE = st.builds(
    lambda head, body: f"date {head}\n\n{body}".encode("utf-8", "surrogatepass"),
    st.text(max_size=40),
    st.text(max_size=200),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(st.binary(max_size=400), FRONT_MATTER, WIRE),
    suffix=st.sampled_from([".md", ".txt"]),
)
def test_readers_raise_only_source_errors(
    reader: tuple[ArticleReader, Path], data: bytes, suffix: str
) -> None:
    article_reader, folder = reader
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        entry, _problems = article_reader.read(path)
    except SourceError as e:
        assert str(e).startswith(f"content/fuzz{suffix}")
    else:
        assert entry.title.strip()
