"""Search spaces: dimensions and the spaces built from them."""

from skhp.space._dimensions import Categorical, Dimension, Integer, Real
from skhp.space._layers import LayerSizes
from skhp.space._space import SearchSpace

__all__ = ["Categorical", "Dimension", "Integer", "LayerSizes", "Real", "SearchSpace"]
