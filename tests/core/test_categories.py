"""Apple's podcast categories: which pairs a feed may name, and what is said of any other."""

import pytest

from breathcast.core import ConfigError, category_problem, load_config


@pytest.mark.parametrize(
    ("category", "subcategory"),
    [
        ("Health & Fitness", "Mental Health"),  # the default: a meditation podcast
        ("Health & Fitness", "Alternative Health"),
        ("Health & Fitness", ""),  # a subcategory is optional
        ("Religion & Spirituality", "Spirituality"),
        ("Leisure", "Video Games"),  # new in Apple's 2019 list
        ("Fiction", "Drama"),
        ("True Crime", ""),  # a category with no subcategories at all
        ("TV & Film", "After Shows"),
    ],
)
def test_apples_own_pairs_are_accepted(category, subcategory):
    assert category_problem(category, subcategory) is None


@pytest.mark.parametrize(
    "category",
    [
        "Gezondheid & Fitness",  # Dutch: Apple only knows the English names
        "Gezondheid",
        "Health and Fitness",  # "&", exactly as Apple writes it
        "health & fitness",
        "Health",  # the pre-2019 names
        "Games & Hobbies",
        "",
    ],
)
def test_a_category_apple_does_not_know_is_named_with_every_choice(category):
    problem = category_problem(category, "")
    assert problem.startswith(f"{category!r} is not one of Apple's categories (Arts, Business, ")
    assert "Health & Fitness, Kids & Family, " in problem
    assert problem.endswith(", Technology, True Crime, TV & Film)")


def test_a_subcategory_of_another_category_lists_the_ones_that_fit():
    problem = category_problem("Health & Fitness", "Buddhism")
    assert problem == (
        "'Buddhism' is not a subcategory of 'Health & Fitness' (choose: Alternative Health, "
        "Fitness, Medicine, Mental Health, Nutrition, Sexuality)"
    )


def test_a_dutch_subcategory_is_refused_too():
    problem = category_problem("Health & Fitness", "Geestelijke gezondheid")
    assert problem.startswith("'Geestelijke gezondheid' is not a subcategory of 'Health & Fitness'")


@pytest.mark.parametrize("category", ["Technology", "History", "Government", "True Crime"])
def test_a_category_without_subcategories_says_to_leave_it_empty(category):
    problem = category_problem(category, "Podcasting")
    assert problem == (
        f"'Podcasting' is not a subcategory of {category!r} (choose: none: leave subcategory empty)"
    )


def test_the_settings_default_to_a_pair_apple_accepts(tmp_path):
    podcast = load_config(tmp_path).podcast
    assert (podcast.category, podcast.subcategory) == ("Health & Fitness", "Mental Health")


def test_a_dutch_category_in_the_settings_stops_loading_them_naming_file_and_key(tmp_path):
    (tmp_path / "breathcast.toml").write_text(
        '[podcast]\ncategory = "Gezondheid"\nsubcategory = ""\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    prefix = "breathcast.toml: [podcast] category: 'Gezondheid' is not one of Apple's categories ("
    assert str(info.value).startswith(prefix)
    assert "'Gezondheid'" in info.value.said.nl  # the studio names her value too


def test_keeping_the_default_subcategory_under_another_category_is_refused(tmp_path):
    (tmp_path / "breathcast.toml").write_text('[podcast]\ncategory = "Arts"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'Mental Health' is not a subcategory of 'Arts'"):
        load_config(tmp_path)
