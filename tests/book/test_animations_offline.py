"""The training animations (chapters 5 and 10) play in the offline browser of conftest.py.

Each player (matplotlib's ``to_jshtml`` through ``nnlego.plots.animation_html``) must show its
first frame, step to its last frame and to the next one without any request leaving the machine,
and its buttons must show their symbols (plain characters, not a web font).
"""

from __future__ import annotations

import pytest
from booksite import SCREENSHOTS, open_page

pytestmark = pytest.mark.browser

ANIMATED = ("book/05_lego_bricks", "book/10_correlation")

_PLAY_JS = """
const done = arguments[arguments.length - 1];
const decoded = img => img.decode().then(() => img.naturalWidth, () => 0);
const check = async player => {
    const img = player.querySelector('img');
    const button = title => player.querySelector(`button[title="${title}"]`);
    const first = {src: img.src, width: await decoded(img)};
    button('Last frame').click();
    const last = {src: img.src, width: await decoded(img)};
    button('First frame').click();
    button('Next frame').click();
    const second = {src: img.src, width: await decoded(img)};
    const slider = player.querySelector('input[type=range]');
    return {n_frames: Number(slider.max) + 1, first_width: first.width,
            last_width: last.width, second_width: second.width,
            moved: first.src !== last.src && first.src !== second.src,
            icons: Array.from(player.querySelectorAll('button')).map(b => b.textContent.trim())};
};
Promise.all(Array.from(document.querySelectorAll('div.animation')).map(check))
    .then(done, e => done('error: ' + e));
"""


@pytest.mark.parametrize("docname", ANIMATED)
@pytest.mark.slow
def test_the_animation_plays_offline(driver, pages, docname):
    if docname not in pages:
        pytest.skip(f"{docname} is not in _toc.yml")
    players = open_page(driver, docname).execute_async_script(_PLAY_JS)
    assert isinstance(players, list) and players, f"no animation player on {docname}: {players}"
    for player in players:
        assert player["n_frames"] >= 5, player
        assert min(player["first_width"], player["last_width"], player["second_width"]) > 0, \
            f"a frame did not load offline on {docname}: {player}"
        assert player["moved"], f"the frames do not change on {docname}: {player}"
        assert all(player["icons"]), f"buttons without a symbol on {docname}: {player['icons']}"
    driver.execute_script("document.querySelector('div.animation').scrollIntoView();")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"animation_{docname.split('/')[-1]}.png"))
