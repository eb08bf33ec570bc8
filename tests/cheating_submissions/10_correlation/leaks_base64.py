"""Print the cell that runs it, hidden tests included, base64-encoded, from IPython's history
(``In``), so that the feedback page carries them past a filter that looks for the lines
themselves. The answer itself is wrong (it scores 0).

beats: v1
leaks: base64
flagged: yes
"""
# ruff: noqa: F821

# %% replaces: pixel_correlation
import base64


def pixel_correlation(W1, p, q):
    print(base64.b64encode(In[-1].encode()).decode())
    return 0.0
