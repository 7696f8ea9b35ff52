"""Policy words and public-figure names matched in context (issue 10, defect 7): a lone "x" is
not "xxx", and people's names are found in the orders and spellings people write them."""

from __future__ import annotations

import pytest

from studio.cameo.figures import figures_named
from studio.policy import default_policy

X_HARMLESS = [
    "an x-ray of a hand",
    "an X-ray machine in a hospital",
    "Malcolm X giving a speech",
    "x marks the spot on a pirate map",
    "the letter x on a blackboard",
    "a treasure map, X marks the spot",
    "a game of tic tac toe, x and o",
    "xx chromosomes in a biology class",
    "a close-up of an xbox controller",
    "space x rocket launch at night",
    "the x axis of a chart",
    "a 2 x 4 plank of wood",
]

X_SEXUAL = [
    "a xxx video",
    "XXX rated film",
    "a x x x film",
    "a x.x.x scene",
    "a XXXX movie",
    "an x-rated film",
    "xrated clip",
]


@pytest.mark.parametrize("prompt", X_HARMLESS)
def test_a_lone_x_is_not_sexual(prompt):
    assert default_policy().check(prompt) is None


@pytest.mark.parametrize("prompt", X_SEXUAL)
def test_sexual_uses_of_x_are_still_refused(prompt):
    violation = default_policy().check(prompt)
    assert violation is not None and violation.rule_id == "sexual"


def test_runs_still_read_as_one_letter_for_other_words():
    assert default_policy().check("a nuuude beach").rule_id == "sexual"
    assert default_policy().check("a p o r n clip").rule_id == "sexual"


NAMED = [
    ("Swift, Taylor on stage", "Taylor Swift"),
    ("swift,taylor in a music video", "Taylor Swift"),
    ("Biden, Joe at a podium", "Joe Biden"),
    ("Obama, Barack waving", "Barack Obama"),
    ("Taylor Alison Swift sings", "Taylor Swift"),
    ("Barack Hussein Obama waves", "Barack Obama"),
    ("Elon Reeve Musk on mars", "Elon Musk"),
    ("Joe Bidens at a rally", "Joe Biden"),
    ("joe bidens eating ice cream", "Joe Biden"),
    ("Taylor Swfit on a stage", "Taylor Swift"),
    ("Taylor Swiftt on a stage", "Taylor Swift"),
    ("Barack Obamma waving", "Barack Obama"),
    ("Emmanuel Macronn at a summit", "Emmanuel Macron"),
    ("T4ylor Alison Sw1ft", "Taylor Swift"),
]

# Ordinary sentences whose words sit one letter away from a listed name, or that put a
# first name and a surname-like word near each other: none of them names anyone.
ORDINARY = [
    "Tom hands her the keys",
    "Emma stole the last cookie",
    "a tiger wood carving on a shelf",
    "a tailor swift with a needle",
    "Joe bides his time at the station",
    "widen the shot, Joe",
    "a swift river, Taylor said",
    "Taylor and Swift are my two cats",
    "Mike fixes the fence",
    "a bidet in a tiled bathroom",
    "Joe rides a bike to work",
    "Taylor swims in a lake",
    "a night shift at the factory",
    "Kim and Jong play chess",
    "a prince in a fairy tale",
    "the queen of hearts card",
    "a stone wall in the countryside",
    "a dog named Barack chases a ball",
    "Bill pays the bills",
    "a martin bird on a wire",
    "Justin wins the race",
    "Jordan scores a basket",
    "a bush in the garden",
    "a scene from a western, the sheriff at noon",
    "Mark and Tim sit by the fire",
    "the mandela effect explained with cards",
    "Harris tweed jacket in a shop",
    "a peace sign painted on a wall",
    "a street market in the morning",
]


@pytest.mark.parametrize(("prompt", "who"), NAMED)
def test_names_in_other_orders_with_middle_names_and_near_misses(prompt, who):
    assert who in [f.name for f in figures_named(prompt)]


@pytest.mark.parametrize("prompt", ORDINARY)
def test_ordinary_sentences_name_nobody(prompt):
    assert figures_named(prompt) == []


def test_one_edit():
    from studio.policy.names import one_edit

    assert one_edit("bidne", "biden") and one_edit("bidn", "biden") and one_edit("bidenn", "biden")
    assert one_edit("bidan", "biden")
    assert not one_edit("biden", "biden") and not one_edit("bdeni", "biden")
    assert not one_edit("bidenss", "biden")
