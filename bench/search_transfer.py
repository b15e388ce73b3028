"""What the first search on a built site downloads: bytes per query, in Chromium.

    .venv/bin/python bench/search_transfer.py SITE_OUTPUT BASE_PATH QUERY [QUERY ...]
    .venv/bin/python bench/search_transfer.py --pagefind SITE_OUTPUT BASE_PATH QUERY ...

Serves SITE_OUTPUT (a built site, e.g. bench/.work/.../_site) at BASE_PATH on 127.0.0.1,
and for each query opens the search page in a fresh browser context (empty cache), waits
for `window.digestSearch(query)` and adds up the bytes of the responses it caused (the
index files; the page and its scripts are counted apart). Prints one line per query:
hits, files fetched, index KB, page and scripts KB, milliseconds. digestSearch is asked
for the details of the first 20 hits, as the search page does.

With --pagefind, the same for a Pagefind index at SITE_OUTPUT/pagefind/ (made by
`pagefind --site SITE_OUTPUT`): pagefind.js imported, search(query), and the data of the
first 20 results loaded, as digest's old search page did.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

DIGEST = "([q]) => window.digestSearch(q, {limit: 20}).then((h) => h.total)"
PAGEFIND = """async ([q, base]) => {
  const pf = await import(base + "pagefind/pagefind.js");
  await pf.options({ baseUrl: base });
  const found = await pf.search(q);
  await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
  return found.results.length;
}"""


def main() -> None:
    args = sys.argv[1:]
    pagefind = args[:1] == ["--pagefind"]
    args = args[1:] if pagefind else args
    if len(args) < 3:
        sys.exit(__doc__)
    output, base, queries = Path(args[0]), args[1], args[2:]
    folder = "/pagefind/" if pagefind else "/search/index/"
    from playwright.sync_api import sync_playwright

    print("| query | hits | index files | index KB | all KB the query fetched | page KB | ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with serve_folder(output, base) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for query in queries:
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}

            def record(response: Any, sizes: dict[str, int] = sizes) -> None:
                # The page may be closed while a response comes: it is not counted.
                with contextlib.suppress(Exception):
                    sizes[response.url] = len(response.body())

            page.on("response", record)
            page.goto(url + "search/")
            page.wait_for_function("typeof window.digestSearch === 'function'")
            page.wait_for_load_state("networkidle")
            before = dict(sizes)
            sizes.clear()
            started = time.perf_counter()
            hits = page.evaluate(PAGEFIND if pagefind else DIGEST, [query, base])
            ms = (time.perf_counter() - started) * 1000
            during = sum(sizes.values()) / 1024  # with a script loaded on first use
            index = {u: n for u, n in sizes.items() if folder in u}
            # meta.json comes with the page (the topic list): it counts as the query's too.
            index.update({u: n for u, n in before.items() if folder in u})
            page_kb = sum(n for u, n in before.items() if u not in index) / 1024
            print(
                f"| {query} | {hits} | {len(index)} | {sum(index.values()) / 1024:.0f} "
                f"| {during:.0f} | {page_kb:.0f} | {ms:.0f} |"
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
