"""Eligibility: the criteria vocabulary (``vocabulary``) and the engine (``evaluator``).

``from dossiers.eligibility import evaluate`` works; the names are imported
lazily so that importing the vocabulary (as the models do) loads no models.
"""

__all__ = ["CriterionVerdict", "NominationVerdict", "combine", "evaluate"]


def __getattr__(name):
    if name in __all__:
        from dossiers.eligibility import evaluator

        return getattr(evaluator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
