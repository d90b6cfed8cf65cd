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
