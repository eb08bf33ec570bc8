"""Sentences bound to numbers (issue 24): the rules of nnlego.articles.claims and
wth_sentences, and the chapters' hidden cells, which must fail the build when a number no
longer supports its sentence."""

from pathlib import Path
from types import SimpleNamespace

import jupytext
import numpy as np
import pytest

from nnlego.articles import claims, wth
from nnlego.articles import wth_sentences as words

BOOK = Path(__file__).resolve().parents[1] / "book"

# Our network.py and network2 sweep as the book's cache holds it (3 seeds, test accuracy %).
SWEEP = {"network.py": {30: [94.71, 95.12, 94.86], 10: [90.53, 91.54, 89.87],
                        5: [82.77, 86.07, 83.13], 4: [67.62, 61.11, 55.71],
                        3: [46.88, 37.63, 53.61], 2: [33.48, 30.36, 38.83]},
         "network2": {30: [96.17, 96.14, 95.98], 10: [91.95, 91.48, 91.30],
                      5: [84.56, 88.00, 85.88], 4: [73.58, 79.09, 73.65],
                      3: [61.98, 60.37, 65.65], 2: [35.76, 38.89, 29.49]}}


def chapter_cell(name, marker):
    """The source of the one code cell of book/<name>.md that contains ``marker``."""
    nb = jupytext.read(BOOK / f"{name}.md")
    found = [c.source for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, f"{marker!r} is in {len(found)} cells of {name}"
    return found[0]


def run_cell(source, **namespace):
    """Execute a chapter cell; returns what it glued, ``{name: value}``."""
    glued = {}
    from nnlego.articles import wth_sentences

    namespace.update(glue=lambda name, value, display=True: glued.__setitem__(name, value),
                     np=np, claims=claims, wth=wth, wth_sentences=wth_sentences)
    exec(compile(source, "<chapter cell>", "exec"), namespace)
    return glued


def test_reproduced_is_the_seed_range_widened_by_one_point():
    """Inside the range or within 1 point of it: reproduced; 1.5 points out: not."""
    assert claims.reproduced(90.0, [88.0, 89.5])
    assert claims.reproduced(90.4, [88.0, 89.5])
    assert not claims.reproduced(91.0, [88.0, 89.5])
    assert claims.reproduction(86.0, [88.0, 89.5]) == "2.0 points below our range"
    assert claims.reproduction(93.43, SWEEP["network.py"][10]) == "1.9 points above our range"


def test_results_md_uses_the_same_rule():
    """The verdict column of results.md is claims.reproduction, not a rule of its own."""
    from nnlego.articles._compare import row
    assert row("wth 2", "784-5-10", 86.65, SWEEP["network.py"][5])["verdict"] == "reproduced"
    assert row("wth 2", "784-4-10", 83.73, SWEEP["network.py"][4])["verdict"].startswith("16.1")


def test_formats_and_spans():
    """One format per kind of number; a span of equal ends is one number, never "2 to 2"."""
    assert claims.pct([94.71, 95.12, 94.86]) == "94.90%"
    assert claims.share(0.6223666666666666) == "62%"
    assert claims.span(2, 2) == "2" and claims.span(2, 3) == "2 to 3"
    assert claims.listing([10, 4, 2]) == "10, 4 and 2" and claims.listing([]) == "none"


def test_require_names_the_sentence_and_numbers():
    """require is silent when the sentence holds and names both when it does not."""
    claims.require(True, "grows", before=1, after=2)
    with pytest.raises(claims.ClaimError, match=r"'grows'.*before=2, after=1"):
        claims.require(False, "grows", before=2, after=1)


def test_bad_ours_is_refused_with_a_fix():
    with pytest.raises(ValueError, match="one finite number per seed"):
        claims.reproduced(90.0, [])


def test_direction_words_follow_the_numbers():
    assert claims.direction(11.7, 9.6, up="grew", down="shrank") == "shrank"
    assert claims.direction(9.6, 11.7, up="grew", down="shrank") == "grew"
    assert claims.direction(1.0, 1.001, up="u", down="d", same="s", tolerance=0.01) == "s"


def test_sweep_sentences_follow_the_numbers():
    """The chapter 7 story, from the cached numbers, and changed when the numbers change."""
    assert words.holds_up_to(SWEEP["network.py"]) == 5
    assert words.holds_up_sentence(SWEEP["network.py"]).startswith("holds up down to 5")
    story = words.story_sentence(SWEEP, wth.ARTICLE_SWEEP)
    assert "the article's 10, 4, 3 and 2-neuron numbers lie outside both" in story
    assert words.recipe_sentence(SWEEP, wth.ARTICLE_SWEEP).startswith("neither recipe")
    # make network2 reproduce every article number: the sentences must say so
    exact = {"network.py": SWEEP["network.py"],
             "network2": {n: [a - 0.5, a + 0.5] for n, a in wth.ARTICLE_SWEEP.items()}}
    assert words.recipe_sentence(exact, wth.ARTICLE_SWEEP) == "network2 reproduces the whole sweep"
    assert "every one of them is reproduced" in words.story_sentence(exact, wth.ARTICLE_SWEEP)


def test_output_weight_sentence_says_larger_or_smaller():
    """Swapping the two networks' weights flips the words (issue 24: "grow" beside a shrink)."""
    rng = np.random.default_rng(0)
    small = [3 * rng.standard_normal((10, 10))]
    large = [rng.standard_normal((30, 10))]
    assert "are larger on average" in words.output_weight_sentence(small, large, 10, 30)
    assert "are smaller on average" in words.output_weight_sentence(large, small, 10, 30)


def _knockouts(top3, random_mean):
    by = {"top3": top3, "random_mean": random_mean, "breaking_set": [2, 2, 3]}
    return {"max_single_drop": [0.4, 0.5, 0.6], "neurons_costing_10pts": [2, 2, 2],
            "costly_shared": [1, 0, 2],
            **{str(d): by for d in wth.BRICK_DIGITS}}


def test_chapter_6_build_fails_when_the_knockout_numbers_swap():
    """Chapter 6's hidden cell glues the knock-out numbers; swapping a digit's top-3 and random
    drops (the sentence "its top three cost more than three random ones" then false) raises."""
    source = chapter_cell("06_bricks_tested", 'glue("n_costly"')
    fake = SimpleNamespace(knockouts=lambda runs: _knockouts([0.5, 0.6, 0.55], [0.02, 0.03, 0.01]))
    glued = run_cell(source, wth_bricks=fake, runs=None)
    assert glued["n_costly"] == "2" and glued["breaking_0"] == "2 to 3"
    assert glued["load_bearing"].startswith("every digit here loses most of its images")
    assert glued["top3_span"] == "55%"
    swapped = SimpleNamespace(knockouts=lambda runs: _knockouts([0.02, 0.03, 0.01],
                                                                [0.5, 0.6, 0.55]))
    with pytest.raises(claims.ClaimError, match="three favourite bricks"):
        run_cell(source, wth_bricks=swapped, runs=None)


def test_chapter_7_sentences_change_when_two_glued_values_swap():
    """Chapter 7's hidden cell: with the 10- and 3-neuron accuracies swapped, "holds up down to
    5" can no longer be glued; the cell glues what the new numbers say."""
    source = chapter_cell("07_small_networks", 'glue("story"')
    rng = np.random.default_rng(0)
    runs = {f"network.py {n}": [SimpleNamespace(net=SimpleNamespace(
        weights=[None, rng.standard_normal((n, 10)) * (30 / n)]))] for n in (10, 30)}
    distance = wth.sweep_distance(SWEEP)
    glued = run_cell(source, sweep=SWEEP, runs={**runs, "network.py 30": runs["network.py 30"]},
                     distance=distance)
    assert glued["holds_up"].startswith("holds up down to 5")
    assert glued["w2_word"] == "larger"
    swapped = {**SWEEP, "network.py": {**SWEEP["network.py"], 10: SWEEP["network.py"][3],
                                       3: SWEEP["network.py"][10]}}
    glued = run_cell(source, sweep=swapped, runs=runs, distance=distance)
    assert glued["holds_up"] == "holds up down to 30 hidden neurons and breaks down below that"


def test_the_glossary_states_the_rule_the_code_applies():
    """The glossary's definition of "reproduced" names the margin claims.reproduced uses."""
    text = (BOOK / "glossary.md").read_text()
    definition = text[text.index("\nreproduced\n"):][:400]
    assert f"widened by {claims.REPRODUCED_POINTS:g} point on each side" in definition
    assert f"widened by {claims.REPRODUCED_POINTS:g} point on each side" in claims.REPRODUCED_RULE


@pytest.mark.parametrize(("top3", "expected"), [
    ({0: [0.97, 0.96, 0.80], 1: [0.64, 0.43, 0.28], 8: [0.90, 0.94, 0.92]},
     "digits 0 and 8 lose most of their images without them (91% and 92% of their recall), "
     "digit 1 45%"),
    ({0: [0.9] * 3, 1: [0.6] * 3, 8: [0.7] * 3},
     "every digit here loses most of its images without them (90%, 60% and 70% of their "
     "recall)"),
    ({0: [0.9] * 3, 1: [0.4] * 3, 8: [0.3] * 3},
     "digit 0 loses most of its images without them (90% of its recall), digits 1 and 8 40% "
     "and 30%"),
    ({0: [0.5] * 3, 1: [0.2] * 3, 8: [0.1] * 3},
     "no digit here loses most of its images without them (50%, 20% and 10% of their recall), "
     "though each loses more than to three random neurons"),
])
def test_the_load_bearing_sentence_follows_the_knockouts(top3, expected):
    from nnlego.articles import wth_sentences

    knock = {str(d): {"top3": drops} for d, drops in top3.items()}
    assert wth_sentences.load_bearing_sentence(knock, (0, 1, 8)) == expected
