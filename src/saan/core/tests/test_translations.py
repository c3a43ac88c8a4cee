"""Guard rails for the English translation (src/saan/locale/en/LC_MESSAGES/django.po and .mo).

Msgids are the Thai source text; English is the second language. These tests fail when:

- an entry in the .po is untranslated or fuzzy, or its placeholders (or HTML tags) differ
  from the msgid's;
- the committed .mo is not the compiled .po (someone edited the .po but did not compile);
- a string marked for translation in the code or a template is missing from the .po;
- pages switched to English still show Thai in the interface.

The fix for the first three is ``scripts/translations`` (extract + compile), then translating
whatever it reports as new or fuzzy.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

import saan

PACKAGE = Path(saan.__file__).resolve().parent
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
FIX = "run scripts/translations, then translate the new or fuzzy entries in django.po"

THAI = re.compile(r"[\u0E00-\u0E7F]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")

# (msgctxt, msgid, msgid_plural): how one catalogue entry is identified.
Key = tuple[str | None, str, str | None]


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: {FIX}"
    return polib.pofile(str(PO_PATH))


def _key(entry: Any) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def _catalogue(mo: polib.MOFile) -> dict[Key, Any]:
    """msgid → msgstr (a tuple of forms for plural entries), as a compiled catalogue holds it."""
    table: dict[Key, Any] = {}
    for entry in mo:
        if entry.msgid_plural:
            table[_key(entry)] = tuple(v for _, v in sorted(entry.msgstr_plural.items()))
        else:
            table[_key(entry)] = entry.msgstr
    return table


# --- the catalogue itself -------------------------------------------------------------------


def test_po_header_is_english_with_english_plural_rule(po: polib.POFile) -> None:
    assert po.metadata.get("Language") == "en"
    assert po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "the .po header is marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy(po: polib.POFile) -> None:
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated ({FIX}): {untranslated}"
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy: check each guess, correct it and drop the '#, fuzzy' flag: {fuzzy}"
    )
    assert not po.obsolete_entries(), f"obsolete entries left in the .po: {FIX}"


def test_plural_entries_have_both_english_forms(po: polib.POFile) -> None:
    for entry in po:
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            assert sorted(forms) == [0, 1] and all(forms.values()), entry.msgid


def test_translations_keep_the_placeholders(po: polib.POFile) -> None:
    """A placeholder the translation adds raises KeyError at run time; one it drops loses
    information. Plural forms may drop the count (English "One area found")."""
    wrong = []
    for entry in po.translated_entries():  # the untranslated and fuzzy fail the test above
        source = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        forms = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        if any(not set(PLACEHOLDER.findall(text)) <= source for text in forms):
            wrong.append(entry.msgid)  # a placeholder the msgid does not have
        elif not entry.msgid_plural and set(PLACEHOLDER.findall(entry.msgstr)) != source:
            wrong.append(entry.msgid)  # one the msgid has went missing
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_translations_add_no_html_tags(po: polib.POFile) -> None:
    """{% translate %} output is not escaped, so English "<token>" would vanish as an unknown
    tag (Thai "<โทเคน>" is not a tag to a browser). Tags must come from the msgid."""
    wrong = []
    for entry in po:
        allowed = set(HTML_TAG.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not set(HTML_TAG.findall(text)) <= allowed:
                wrong.append(entry.msgid)
    assert not wrong, f"translations add HTML tags the msgid does not have: {wrong}"


def test_committed_mo_is_the_compiled_po(po: polib.POFile) -> None:
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: {FIX}"
    compiled = polib.mofile(po.to_binary())  # the .po, compiled in memory
    committed = polib.mofile(str(MO_PATH))
    want, have = _catalogue(compiled), _catalogue(committed)
    stale = sorted(k[1] for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    assert not stale, f"django.mo is out of date with django.po ({FIX}); differing: {stale}"
    for field in ("Language", "Plural-Forms"):
        assert committed.metadata.get(field) == po.metadata.get(field), field


# --- the code against the catalogue ---------------------------------------------------------

# What makemessages passes to xgettext for Python (Django's keywords plus xgettext's own).
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "ungettext", "ungettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _source_files(*suffixes: str) -> list[Path]:
    """The files makemessages reads: under the package, not hidden, not in locale/."""
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if path.suffix not in suffixes or not path.is_file():
            continue
        if any(p.startswith(".") or p in {"locale", "__pycache__"} for p in parts):
            continue
        found.append(path)
    return found


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _python_msgids(path: Path) -> list[tuple[Key, int]]:
    """(key, line) for every gettext call with literal strings, parsed with ``ast`` so that
    implicit concatenation and calls spread over several lines count too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        args = [_literal(a) for a in node.args]
        key: Key | None = None
        if name in SINGULAR and args[:1] and args[0] is not None:
            key = (None, args[0], None)
        elif name in PLURAL and len(args) >= 2 and None not in args[:2]:
            key = (None, args[0], args[1])  # type: ignore[assignment]
        elif name in CONTEXT and len(args) >= 2 and None not in args[:2]:
            key = (args[0], args[1], None)  # type: ignore[assignment]
        elif name in CONTEXT_PLURAL and len(args) >= 3 and None not in args[:3]:
            key = (args[0], args[1], args[2])  # type: ignore[assignment]
        if key is not None:
            found.append((key, node.lineno))
    return found


# Django's templatize (what makemessages runs on templates) turns {% translate %} and
# {% blocktranslate %} into these calls, with repr()'d strings ({{ n }} is already %(n)s), and
# keeps _("…") constants in variables and tag arguments as written.
_STR = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"(?<![\w.])(_|n?p?gettext)\(\s*({_STR})(?:\s*,\s*({_STR}))?(?:\s*,\s*({_STR}))?"
)


def _template_msgids(path: Path) -> list[tuple[Key, int]]:
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = []
    for match in _TEMPLATE_CALL.finditer(code):
        func = match.group(1)
        args = [ast.literal_eval(s) for s in match.groups()[1:] if s is not None]
        key: Key
        if func in ("gettext", "_"):
            key = (None, args[0], None)
        elif func == "ngettext":
            key = (None, args[0], args[1])
        elif func == "pgettext":
            key = (args[0], args[1], None)
        else:  # npgettext
            key = (args[0], args[1], args[2])
        found.append((key, code.count("\n", 0, match.start()) + 1))
    return found


def _marked_strings() -> dict[Key, list[str]]:
    where: dict[Key, list[str]] = {}
    for path in _source_files(".py"):
        for key, line in _python_msgids(path):
            where.setdefault(key, []).append(f"{path.relative_to(PACKAGE)}:{line}")
    for path in _source_files(".html", ".txt"):
        for key, line in _template_msgids(path):
            where.setdefault(key, []).append(f"{path.relative_to(PACKAGE)}:{line}")
    return where


def test_the_template_scanner_reads_every_form_of_marking(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}<h1>{% translate \"หนึ่ง\" %}</h1><p>{% translate 'สอง' context 'ป้าย' %}"
        "{% blocktranslate with n=x %}สาม {{ n }} 100%{% endblocktranslate %}"
        "{% blocktranslate count n=xs|length %}สี่ {{ n }}{% plural %}สี่ {{ n }} ชิ้น"
        "{% endblocktranslate %}{% blocktranslate trimmed %}\n  ห้า\n  หก\n{% endblocktranslate %}"
        '{{ v|default:_("เจ็ด") }}</p>',
        encoding="utf-8",
    )
    assert {key for key, _line in _template_msgids(page)} == {
        (None, "หนึ่ง", None),
        ("ป้าย", "สอง", None),
        (None, "สาม %(n)s 100%%", None),
        (None, "สี่ %(n)s", "สี่ %(n)s ชิ้น"),
        (None, "ห้า หก", None),
        (None, "เจ็ด", None),
    }


def test_the_scanner_finds_what_the_templates_and_code_mark() -> None:
    """The scan below is only as good as its parsing: check it on known strings."""
    marked = _marked_strings()
    assert (None, "ภาพรวมประเทศ", None) in marked  # {% translate %} in base.html
    assert (None, "หน้า %(n)s จาก %(total)s", None) in marked  # {% blocktranslate with %}
    assert (None, "พบ %(n)s พื้นที่", "พบ %(n)s พื้นที่") in marked  # blocktranslate count
    assert (None, "ผู้ประสานงานพื้นที่", None) in marked  # gettext_lazy in models.py
    assert (None, "ออกจากระบบแล้ว", None) in marked  # gettext in views.py
    assert (None, "ไม่พบหน้านี้", None) in marked  # {% translate %} in an error page
    assert len(marked) > 200


def test_every_marked_string_is_in_the_po(po: polib.POFile) -> None:
    in_po = {_key(e) for e in po if not e.obsolete}
    missing = {key: places for key, places in _marked_strings().items() if key not in in_po}
    report = "\n".join(f"  {key[1]!r} ({', '.join(places)})" for key, places in missing.items())
    assert not missing, f"{len(missing)} marked strings are not in django.po ({FIX}):\n{report}"


# --- the running site in English ------------------------------------------------------------


def test_django_reads_the_english_catalogue() -> None:
    with translation.override("en"):
        assert translation.gettext("ภาพรวมประเทศ") == "Country overview"
        assert translation.ngettext("พบ %(n)s พื้นที่", "พบ %(n)s พื้นที่", 1) == "%(n)s area found"
        assert translation.ngettext("พบ %(n)s พื้นที่", "พบ %(n)s พื้นที่", 3) == "%(n)s areas found"
    with translation.override("th"):
        assert translation.gettext("ภาพรวมประเทศ") == "ภาพรวมประเทศ"


@pytest.fixture(autouse=True)
def _keep_the_language() -> Any:
    """A request switched to English leaves English active in this thread (LocaleMiddleware
    activates per request and never resets); put back what the next test expects."""
    before = translation.get_language()
    yield
    if before is None:
        translation.deactivate()
    else:
        translation.activate(before)


def _in_english(client: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def _mainnav(page: str) -> str:
    match = re.search(r'<nav [^>]*class="mainnav".*?</nav>', page, re.S)
    assert match, 'no <nav class="mainnav"> on the page'
    return match.group(0)


def _h1(page: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert match, "no <h1> on the page"
    return match.group(1)


@pytest.mark.django_db
def test_switching_to_english_translates_the_country_overview(client: Any, reference: None) -> None:
    assert "ภาพรวมประเทศ" in client.get("/").content.decode()  # Thai first
    _in_english(client)
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Country overview</h1>" in page
    nav = _mainnav(page)
    assert "Country overview" in nav and "Area groups" in nav and "Partners" in nav
    assert not THAI.search(nav), f"Thai left in the English main menu: {nav}"
    assert "Sign in" in page and "Provinces in the programme" in page
    # The button that switches back is the one Thai word the header should keep.
    assert '<button name="language" value="th" lang="th">ไทย</button>' in page


@pytest.mark.django_db
def test_english_area_page_and_search(client: Any, reference: None) -> None:
    _in_english(client)
    page = client.get("/areas/40/").content.decode()
    assert not THAI.search(_mainnav(page))
    assert "Khon Kaen" in _h1(page) and not THAI.search(_h1(page))
    assert "Districts in this province (26)" in page
    assert "Thailand" in page and "Organisations in this area" in page

    results = client.get("/areas/search/", {"q": "400108"}).content.decode()
    assert "1 area found" in results and "Search areas" in results


@pytest.mark.django_db
def test_english_for_a_signed_in_coordinator(client: Any, cast: Any) -> None:
    client.force_login(cast.coordinator)
    _in_english(client)
    page = client.get("/accounts/me/").content.decode()
    nav = _mainnav(page)
    assert "My areas" in nav and not THAI.search(nav)
    assert "<h1>My areas</h1>" in page
    assert "Area coordinator" in page and "Manage members in my areas" in page
    assert "Sign out" in page
