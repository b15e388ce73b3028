"""The theme's words in the site's language, and dates written the way that language writes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from digest.errors import Problem, ThemeError
from digest.yamlload import YamlProblem, load_yaml

FALLBACK_LANGUAGE = "en"


def babel_locale(language: str) -> Locale:
    return _locale(language.replace("-", "_"))


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def load_words(folders: list[Path], language: str) -> dict[str, object]:
    """Merge i18n/<lang>.yaml from the built-in theme up to the site's theme (later wins).

    English fills any word the language's file lacks, so a half-translated theme still builds.
    """
    short = language.replace("_", "-").split("-")[0].lower()
    words: dict[str, object] = {}
    for code in dict.fromkeys((FALLBACK_LANGUAGE, short, language)):
        for folder in folders:
            path = folder / "i18n" / f"{code}.yaml"
            if path.is_file():
                try:
                    data, _ = load_yaml(path.read_text(encoding="utf-8"))
                except YamlProblem as e:
                    raise ThemeError(Problem(str(path), e.line, e.message)) from None
                if not isinstance(data, dict):
                    raise ThemeError(Problem(str(path), None, "expected `word: translation` lines"))
                words.update({str(k): v for k, v in data.items()})
    return words


class Localizer:
    """Formats dates, times and counted nouns for one language.

    Babel is slow per call and a site shows the same few hundred days thousands of times,
    so each formatter is memoised per instance.
    """

    def __init__(self, language: str, words: Mapping[str, object]) -> None:
        self.locale = babel_locale(language)
        self.words = words
        for name in ("date_long", "date_full", "date_short", "month_year", "month", "weekday"):
            setattr(self, name, cache(getattr(self, name)))

    def date_long(self, d: date) -> str:  # 11 лютого 2026 / 11 February 2026
        return format_date(d, "d MMMM y", locale=self.locale)

    def date_full(self, d: date) -> str:  # середа, 11 лютого 2026
        return format_date(d, "EEEE, d MMMM y", locale=self.locale)

    def date_short(self, d: date) -> str:  # 11 лют. / 11 Feb
        return format_date(d, "d MMM", locale=self.locale)

    def month_year(self, d: date) -> str:  # лютий 2026 / February 2026
        return format_date(d, "LLLL y", locale=self.locale)

    def month(self, d: date) -> str:
        return format_date(d, "LLLL", locale=self.locale)

    def weekday(self, d: date) -> str:
        return format_date(d, "EEEE", locale=self.locale)

    def time(self, moment: datetime) -> str:
        return f"{moment.hour:02d}:{moment.minute:02d}"  # 24-hour in every language we ship

    def plural(self, word: str, n: int) -> str:
        """`stories` with 5 -> "5 новин": picks the language's plural form from the words file."""
        forms = self.words.get(word)
        if not isinstance(forms, Mapping):
            raise ThemeError(
                Problem("i18n", None, f"`{word}` needs plural forms like {{one: ..., other: ...}}")
            )
        form = self.locale.plural_form(n)
        text = forms.get(form, forms.get("other"))
        if not isinstance(text, str):
            raise ThemeError(Problem("i18n", None, f"`{word}` has no `{form}` or `other` form"))
        return text.replace("{n}", str(n))
