"""Copy nnlego's own source of each piece (inspect.getsource + exec): new code objects, the
same code.

flagged: yes
"""
# ruff: noqa: F821

# %% replaces: subfactorial
import inspect

from nnlego import tiles

_copy = {}
exec(inspect.getsource(tiles.subfactorial), dict(vars(tiles)), _copy)
subfactorial = _copy["subfactorial"]
