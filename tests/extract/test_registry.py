from summarizer import config
from summarizer.article.text import from_text
from summarizer.extract.registry import STRATEGIES, strategy


def test_every_name_config_accepts_has_a_strategy() -> None:
    # config validates the name before any import of a strategy: the two lists must agree.
    assert sorted(STRATEGIES) == sorted(config.STRATEGIES)
    assert all(strategy(name).name == name for name in config.STRATEGIES)


def test_only_the_scored_strategy_asks_a_question_per_sentence() -> None:
    art = from_text("The union demanded a raise. The city refused. Talks go on.")
    assert strategy("scored").questions(art) == 3
    assert strategy("single").questions(art) == 0
    assert strategy("scored").system() != strategy("single").system()
