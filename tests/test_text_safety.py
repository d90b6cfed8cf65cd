"""Text from data is shown as typed: markdown_literal leaves nothing for Markdown to act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from mm_core.safety import WORD_JOINER, markdown_literal, shorten


@pytest.mark.parametrize("payload, shown", [
    ("![t](http://host/track.png)", r"\!\[t\]\(http" + WORD_JOINER + r"\://host/track\.png\)"),
    (":red[**Data withdrawn by donor**]", r"\:red\[\*\*Data withdrawn by donor\*\*\]"),
    ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
    ("see www.host.org or me@host.org", "see www" + WORD_JOINER + r"\.host\.org or me" + WORD_JOINER + r"@host\.org"),
    ("1. first\n# second", r"1\. first \# second"),
    ("$x^2$ & &lt;", r"\$x\^2\$ \& \&lt;"),
])
def test_markdown_punctuation_is_escaped_and_autolinks_broken(payload, shown):
    assert markdown_literal(payload) == shown


def test_letters_digits_other_scripts_and_harmless_punctuation_pass_unchanged():
    assert markdown_literal("Кыргызстан 2015/16, Réalisé año; why?") == "Кыргызстан 2015/16, Réalisé año; why?"
    assert markdown_literal(None) == ""


def test_a_change_of_direction_is_written_out_not_applied_to_the_sentence_after_it():
    """U+202E in a value echoed in a sentence ('Ignored from the link: period=…, country=…') showed the rest of
    the sentence reversed; Arabic or Hebrew letters keep their own direction, which needs no control."""
    assert markdown_literal("\u202eevil") == r"\\u202eevil"
    assert markdown_literal("a\u2067b\u2069 \u202ac\u202c") == r"a\\u2067b\\u2069 \\u202ac\\u202c"
    assert markdown_literal("تقرير المغرب") == "تقرير المغرب"


def test_long_text_is_cut_before_it_is_escaped():
    assert shorten("x" * 300) == "x" * 79 + "…"
    assert markdown_literal("a.b" * 100, limit=5) == r"a\.ba…"


def test_folders_of_a_message_are_left_out_but_urls_and_periods_kept():
    from mm_core.safety import without_folders
    assert without_folders("IO Error: cannot open \"/tmp/x/.warehouse.duckdb.building-12\": no space left; "
                           "see /work/main/data/warehouse.duckdb, http://host/a/b, 2014/15 H1") == \
        "IO Error: cannot open \".warehouse.duckdb.building-12\": no space left; see warehouse.duckdb, " \
        "http://host/a/b, 2014/15 H1"


def test_a_known_folder_is_left_out_without_the_rest_of_the_message():
    from mm_core.safety import without_folders
    assert without_folders("/tmp/mm-upload-x/uploads/JAM.xlsx › Results › row 4: found 2014/15 H1, expected 2015/16",
                           (Path("/tmp"),)) == "JAM.xlsx › Results › row 4: found 2014/15 H1, expected 2015/16"
    assert without_folders("cannot open '/srv/My Data/inbox/SRB.xlsx'; see 2014/15", (Path("/srv/My Data"),)) \
        == "cannot open 'SRB.xlsx'; see 2014/15"


def test_a_value_alone_on_a_line_of_a_page_is_not_written_out():
    """Streamlit's "magic" is off (.streamlit/config.toml): a value alone on a line is not given to st.write,
    which would render its text as Markdown."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string('title = "**Data withdrawn** ![t](http://host/t.png)"\ntitle\n').run()
    assert not app.exception
    assert len(app.markdown) == 0 and len(app.text) == 0


def test_no_page_has_a_value_alone_on_a_line():
    """With magic off such a line would show nothing: a page that means to show a value calls a function."""
    import ast

    from .helpers.paths import REPOSITORY

    found = []
    for path in [REPOSITORY / "dashboard.py", *sorted((REPOSITORY / "app_pages").glob("*.py"))]:
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        docstrings = {id(node.body[0]) for node in nodes
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and ast.get_docstring(node, clean=False) is not None}
        found += [f"{path.relative_to(REPOSITORY)}:{node.lineno}" for node in nodes
                  if isinstance(node, ast.Expr) and not isinstance(node.value, (ast.Call, ast.Await))
                  and id(node) not in docstrings]
    assert found == []
