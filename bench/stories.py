"""Time story clustering alone on a benchmark corpus: what it adds to a cold build.

    python bench/stories.py [--articles 10000] [--work bench/.work] [--repeat 3]

Writes (or reuses) the digest corpus of bench/corpus.py, reads its articles once, then times
in a fresh process each run (so pymorphy3's dictionary and the lemma caches start cold, as
in a build) the two parts of story clustering: finding each article's features (a build does
it once per article, when reading it, in the readers' worker processes; then cached) and
digest.group.find_stories comparing them (every grouping). Prints one line: median CPU
seconds of each, stories found, the largest story.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = """
import pickle, sys, time
from digest.group import find_stories
from digest.stories import StorySettings, story_features
articles = pickle.load(open(sys.argv[1], "rb"))
start = time.process_time()
features = {a.path: story_features(a.title, a.summary) for a in articles}
read = time.process_time() - start
start = time.process_time()
stories = find_stories(articles, StorySettings(), features)
grouped = time.process_time() - start
print(read, grouped, len(stories), max(len(s.reports) for s in stories))
"""
PREPARE = """
import pickle, sys
from datetime import datetime
from pathlib import Path
from digest.config import load_config
from digest.export import read_site
from digest.group import Selection
config, _ = load_config(Path(sys.argv[1]))
site, _ = read_site(config, Selection(datetime.now(config.tz), future=True), workers=2)
pickle.dump(list(reversed(site.articles)), open(sys.argv[2], "wb"))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    site = args.work / f"digest-{args.articles}"
    if not (site / "site.yaml").exists():
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "corpus.py"), str(site), "--articles", str(args.articles)],
            check=True,
        )
    articles = args.work / f"articles-{args.articles}.pickle"
    subprocess.run([sys.executable, "-c", PREPARE, str(site), str(articles)], check=True)
    reading, grouping = [], []
    for _ in range(args.repeat):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, str(articles)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        reading.append(float(out[0]))
        grouping.append(float(out[1]))
    print(
        f"stories: {args.articles} articles: features {statistics.median(reading):.2f} s CPU "
        f"(once per article, in the readers' workers; runs {_runs(reading)}), "
        f"clustered in {statistics.median(grouping):.2f} s CPU (every grouping; runs "
        f"{_runs(grouping)}), medians of {args.repeat}; "
        f"{out[2]} stories, the largest of {out[3]} reports"
    )


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


if __name__ == "__main__":
    main()
