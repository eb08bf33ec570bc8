"""Edit the locked setup cell (nbgrader restores it) and add a cell before it that turns on
echoing every expression.

flagged: yes
"""
# ruff: noqa: F821

# %% appends to: setup
get_ipython().ast_node_interactivity = "all"

# %% new cell before: setup
get_ipython().ast_node_interactivity = "all"
