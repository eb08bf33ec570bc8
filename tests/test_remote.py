"""Grading v2's child in the sandbox, seen from the grader: it only computes, with plain data.

Each test starts the real sandboxed child (bubblewrap, ``make sandbox``) and drives it as the
judge does (:mod:`nnlego.course.grading.remote`), with student code written here.
"""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

import nnlego
from nnlego.course.grading import withheld
from nnlego.course.grading.remote import Computer, Gone, RemoteFunction, Scope

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="the grading sandbox needs bubblewrap: make sandbox")


@pytest.fixture
def child(tmp_path):
    started = []

    def start(source="", pieces=(), timeout=20):
        computer = Computer(tmp_path, withheld.nnlego_without(pieces), timeout=timeout)
        started.append(computer)
        if source:
            printed, error = computer.run(source, "<cell In[1]>")
            assert error is None, error
        return computer
    yield start
    for computer in started:
        computer.stop()


def in_scope(computer, test: str, **names) -> Scope:
    scope = Scope(computer)
    for name, value in {"np": np, "nnlego": nnlego, **names}.items():
        dict.__setitem__(scope, name, value)
    exec(compile(test, "<test>", "exec"), scope)
    return scope


STUDENT = '''
import numpy as np
def sigmoid(z):
    print("sigmoid called")
    return 1 / (1 + np.exp(-z))
def forward(weights, biases, X):
    A = X
    for W, b in zip(weights, biases):
        A = sigmoid(A @ W + b)
    return A
def scribble(X, rng):
    X[0] = 99.0
    return rng.random()
def gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        grad.reshape(-1)[i] = (up - down) / (2 * eps)
    return grad
def recall(net, X):
    return net.predict(X)
def liar():
    class F(float):
        def __eq__(self, other):
            return True
    return F(0.0)
def abs(x):
    return 0
def isinstance(*args):
    return True
LIMIT = [1, 2.5]
'''


def test_a_students_function_is_called_with_plain_data_and_prints_reach_the_grader(child,
                                                                                      capsys):
    computer = child(STUDENT)
    scope = in_scope(computer, "out = forward([np.eye(2)], [np.zeros(2)], np.ones((3, 2)))")
    assert isinstance(scope["forward"], RemoteFunction)
    assert np.allclose(scope["out"], 1 / (1 + np.exp(-1)))
    assert "sigmoid called" in capsys.readouterr().out
    assert computer.get("LIMIT") == [1, 2.5]


def test_what_a_call_does_to_its_arguments_is_judged_in_the_grader(child):
    computer = child(STUDENT)
    scope = in_scope(computer, "X = np.zeros(3); rng = np.random.default_rng(7)\n"
                               "r = scribble(X, rng)\nnext_draw = rng.random()")
    reference = np.random.default_rng(7)
    assert scope["X"][0] == 99.0 and scope["r"] == reference.random()
    assert scope["next_draw"] == reference.random()


def test_numpys_error_handling_of_the_grader_applies_in_the_child(child):
    computer = child(STUDENT)
    with pytest.raises(FloatingPointError):
        in_scope(computer, "with np.errstate(over='raise'):\n"
                           "    sigmoid(np.array([-1000.0]))")
    scope = in_scope(computer, "quiet = sigmoid(np.array([-1000.0]))")
    assert scope["quiet"][0] == 0.0


def test_callbacks_see_the_arguments_perturbed_in_place(child):
    computer = child(STUDENT)
    scope = in_scope(computer, "x = np.array([[1.0, 2.0], [-1.0, 0.5]])\n"
                               "g = gradient(lambda: np.sum(x ** 3), x, eps=1e-4)")
    assert np.allclose(scope["g"], 3 * scope["x"] ** 2, atol=1e-6)


def test_a_stand_in_object_of_the_test_answers_the_childs_questions(child):
    computer = child(STUDENT)
    test = ("class FixedNet:\n    def predict(self, X):\n        return np.arange(len(X))\n"
            "out = recall(FixedNet(), np.zeros((4, 2)))")
    assert list(in_scope(computer, test)["out"]) == [0, 1, 2, 3]
    with pytest.raises(AttributeError):
        in_scope(computer, "recall(FixedNet(), np.zeros((1, 2)))".replace(
            "FixedNet()", "type('S', (), {'_secret': 1})()"))


def test_a_test_may_replace_a_students_function_and_put_it_back(child):
    computer = child(STUDENT)
    test = ("real, calls = sigmoid, []\n"
            "def sigmoid(z):\n    calls.append(np.shape(z))\n    return real(z)\n"
            "try:\n    out = forward([np.eye(2)] * 3, [np.zeros(2)] * 3, np.ones((5, 2)))\n"
            "finally:\n    sigmoid = real\n")
    scope = in_scope(computer, test)
    assert scope["calls"] == [(5, 2)] * 3
    again = in_scope(computer, "calls = []\nforward([np.eye(2)], [np.zeros(2)], np.ones((1, 2)))")
    assert again["calls"] == []


def test_builtins_are_never_taken_from_the_child(child):
    computer = child(STUDENT)
    scope = in_scope(computer, "a = abs(-3)\nb = isinstance(1, str)\nc = len([1, 2])")
    assert (scope["a"], scope["b"], scope["c"]) == (3, False, 2)


def test_a_value_that_lies_is_refused_with_a_sentence(child):
    computer = child(STUDENT)
    with pytest.raises(RuntimeError, match="cannot cross to the grader"):
        in_scope(computer, "x = liar()")


def test_a_students_error_arrives_as_its_type_with_the_students_traceback(child):
    computer = child(STUDENT + "def broken(x):\n    return x.reshape(7)\n")
    with pytest.raises(ValueError) as raised:
        in_scope(computer, "broken(np.zeros(3))")
    assert "raised by broken" in "\n".join(raised.value.__notes__)
    assert "x.reshape(7)" in "\n".join(raised.value.__notes__)


def test_an_endless_loop_is_stopped_at_the_deadline_and_the_child_is_gone(child):
    computer = child("def spin():\n    while True:\n        pass\n", timeout=2)
    start = time.monotonic()
    with pytest.raises(Gone, match="longer than 2 s"):
        in_scope(computer, "spin()")
    assert time.monotonic() - start < 10 and computer.process.poll() is not None
    with pytest.raises(Gone):
        computer.get("spin")


def test_a_child_that_exits_is_reported_not_waited_for(child):
    computer = child("import os\ndef leave():\n    os._exit(3)\n")
    with pytest.raises(Gone, match="ended"):
        in_scope(computer, "leave()")


def test_many_calls_in_one_round_trip(child):
    computer = child("def draw(n, *, rng):\n    return rng.permutation(n)\n")
    rng = np.random.default_rng(3)
    draws = computer.get("draw").__nnlego_repeat__(500, (4,), {"rng": rng})
    reference = np.random.default_rng(3)
    expected = [reference.permutation(4) for _ in range(500)]
    assert len(draws) == 500 and all(np.array_equal(a, b) for a, b in zip(draws, expected))
    assert rng.random() == reference.random()


DOORS = {
    "import": "from nnlego import sigmoid\nsigmoid(np.zeros(1))",
    "module attribute": "import nnlego.activations as a\na.sigmoid(np.zeros(1))",
    "table": "from nnlego.activations import ACTIVATIONS\n"
             "ACTIVATIONS['sigmoid'].f(np.zeros(1))",
    "source": "import inspect, nnlego\nns = {}\n"
              "exec(inspect.getsource(nnlego.sigmoid), {'np': np}, ns)\n"
              "ns['sigmoid'](np.zeros(1))",
    "file": "import nnlego.activations as a\nsource = open(a.__file__).read()\n"
            "assert '1.0 + np.tanh' not in source and 'np.exp' not in source.split("
            "'def sigmoid')[1].split('def ')[0], 'the answer is on disk'\n"
            "raise NotImplementedError('not on disk')",
    "thread": "import _thread, time, nnlego\nbox = []\n"
              "def run():\n    try:\n        box.append(nnlego.sigmoid(np.zeros(1)))\n"
              "    except Exception as e:\n        box.append(e)\n"
              "_thread.start_new_thread(run, ())\ntime.sleep(1)\nraise box[0]",
}


@pytest.mark.parametrize("door", DOORS)
def test_nnlegos_own_answer_is_not_in_the_child_however_it_is_reached(child, door):
    computer = child(pieces=[nnlego.sigmoid])
    printed, error = computer.run("import numpy as np\n" + DOORS[door], "<cell In[1]>")
    assert error is not None and error["type"] == "NotImplementedError", (door, error)


def test_a_withheld_piece_takes_its_private_helpers_with_it(child):
    from nnlego import knockout

    computer = child(pieces=[knockout.class_recall])
    helpers = [name for name in vars(knockout) if name.startswith("_recall")]
    assert helpers, "the test needs knockout's private helper of class_recall"
    printed, error = computer.run(
        "import numpy as np\nfrom nnlego import knockout\n"
        f"knockout.{helpers[0]}", "<cell In[1]>")
    assert error is None
    probe = ("import inspect\nfrom nnlego import knockout\n"
             f"src = inspect.getsource(knockout.{helpers[0]})\n"
             "assert 'NotImplementedError' in src, src")
    printed, error = computer.run(probe, "<cell In[2]>")
    assert error is None, error


def test_a_withheld_initialiser_still_builds_networks_but_gives_nobodys_answer(child):
    from nnlego import initializers

    computer = child(pieces=[initializers.scaled, initializers.large])
    source = ("import numpy as np, nnlego\n"
              "from nnlego import initializers\n"
              "W = initializers.scaled(784, 30, rng=np.random.default_rng(0))\n"
              "net = nnlego.Network([784, 30, 10], rng=np.random.default_rng(0))\n")
    printed, error = computer.run(source, "<cell In[1]>")
    assert error is None, error
    reference = initializers.scaled(784, 30, rng=np.random.default_rng(0))
    assert computer.get("W").shape == reference.shape
    assert not np.allclose(computer.get("W"), reference)
    assert computer.get("net").sizes == [784, 30, 10]


def test_the_child_sees_none_of_the_graders_files(child, tmp_path):
    secret = tmp_path.parent / "gradebook.db"
    secret.write_text("grades")
    computer = child()
    printed, error = computer.run(f"open({str(secret)!r}).read()", "<cell In[1]>")
    assert error is not None and error["type"] in ("FileNotFoundError", "PermissionError")


def test_a_test_cells_timeout_counts_the_childs_time_not_the_graders(child):
    computer = child("import time\ndef quick():\n    return 1\n"
                     "def slow(seconds):\n    time.sleep(seconds)\n", timeout=20)
    computer.cell_left = 1.5
    time.sleep(2.0)                                  # the grader's own reference: not counted
    assert in_scope(computer, "one = quick()")["one"] == 1
    in_scope(computer, "slow(0.5)")
    assert 0.5 < computer.cell_left < 1.0
    with pytest.raises(Gone, match="longer than"):
        in_scope(computer, "slow(3)")                # the child's own time: over the budget


def test_repeat_runs_the_loop_in_the_child_in_one_round_trip(child):
    from nnlego.course.grading import repeat

    computer = child("def draw(n, *, rng):\n    return rng.permutation(n)\n")
    rng, requests = np.random.default_rng(5), []
    real_request = computer.request

    def counting(*args, **kwargs):
        requests.append(args[0]["op"])
        return real_request(*args, **kwargs)

    computer.request = counting
    draws = repeat(computer.get("draw"), 300, 4, rng=rng)
    reference = np.random.default_rng(5)
    assert requests == ["get", "call"] and len(draws) == 300
    assert all(np.array_equal(d, reference.permutation(4)) for d in draws)
