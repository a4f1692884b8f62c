"""The book builds strictly, and its pages show what the chapters compute."""

import ast
import html
import itertools
import re

import numpy as np
import pytest

from mlkit import numpy as mk
from tests.helpers import ROOT, book_extension

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

mlkit_links = book_extension("mlkit_links")


def _toc_files():
    """The documents of _toc.yml in reading order, read as the book's link extension reads them."""
    return mlkit_links.toc_documents(ROOT)


def _text(page):
    """The visible text of an HTML page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


class TestBuild:
    def test_build_succeeds_without_warnings(self, built_book):
        """A full build with warnings as errors exits 0: every chapter executed without error."""
        assert built_book.returncode == 0, built_book.log[-8000:]

    @pytest.mark.parametrize("doc", _toc_files())
    def test_every_toc_page_is_built(self, built_book, doc):
        """Each file of _toc.yml becomes an HTML page."""
        assert (built_book.html / f"{doc}.html").is_file()

    def test_no_notebook_outside_the_toc_is_built(self, built_book):
        """exercises/, solutions/, tests/ and mlkit/ stay out of the book."""
        for folder in ["exercises", "solutions", "tests", "mlkit", ".venv"]:
            assert not (built_book.html / folder).exists(), folder

    @pytest.mark.parametrize("doc", _toc_files())
    def test_pages_hold_no_error_and_no_log_lines(self, built_book, doc):
        """No traceback, and none of TensorFlow's log lines, reached a page."""
        page = (built_book.html / f"{doc}.html").read_text(encoding="utf-8")
        # The API reference's docstring examples show tracebacks on purpose.
        page = re.sub(r'<div class="doctest[^"]*">.*?</pre>', "", page, flags=re.DOTALL)
        for marker in ["Traceback (most recent call last)", "cuInit", "absl::", "oneDNN",
                       'class="output stderr"', "Notebook exception"]:
            assert marker not in page, f"{doc}: {marker!r} in the page"


def _source_of(module, qualname):
    """The source text of a function or method (``Class.method``) of an mlkit module."""
    source = (ROOT / "mlkit" / module).read_text()
    body = ast.parse(source).body
    node = None
    for name in qualname.split("."):
        node = next(n for n in body if isinstance(n, ast.FunctionDef | ast.ClassDef)
                    and n.name == name)
        body = node.body
    return ast.get_source_segment(source, node)


# Each chapter: the least number of figures it draws, and the mlkit code it shows
# (file under mlkit/, function or Class.method). Its assignment has the chapter's name.
CHAPTERS = {
    "activations": (3, [("numpy/activations.py", "sigmoid"), ("numpy/activations.py", "elu"),
                        ("tensorflow/activations.py", "elu")]),
    "backprop": (4, [("numpy/layers.py", "dense_backward"),
                     ("tensorflow/layers.py", "dense_backward"),
                     ("contracts/layers.py", "activation_backward_kernel"),
                     ("numpy/losses.py", "binary_cross_entropy_grad"),
                     ("contracts/mlp.py", "MLP.backward"),
                     ("testing/gradients.py", "numerical_gradient"),
                     ("testing/gradients.py", "rel_error")]),
    "matrix_notation": (3, [("numpy/linear.py", "linear_predict"),
                            ("numpy/linear.py", "linear_mse_grads"),
                            ("contracts/linear.py", "linear_gradient_step_kernel"),
                            ("numpy/linear.py", "least_squares"),
                            ("numpy/linear.py", "standardize"),
                            ("numpy/linear.py", "LinearRegression._descend"),
                            ("tensorflow/linear.py", "linear_mse_grads"),
                            ("tensorflow/linear.py", "LinearRegression._descend")]),
    "mnist": (3, [("numpy/mlp.py", "MLP._train_step"),
                  ("tensorflow/mlp.py", "MLP._train_step"),
                  ("_training.py", "train")]),
    "neurons": (2, [("numpy/neurons.py", "tlu"), ("numpy/neurons.py", "tlu_layer"),
                    ("tensorflow/neurons.py", "tlu_layer")]),
    "perceptron": (3, [("contracts/perceptron.py", "perceptron_update_kernel"),
                       ("numpy/perceptron.py", "Perceptron._epoch"),
                       ("numpy/neurons.py", "tlu"), ("tensorflow/neurons.py", "tlu"),
                       ("tensorflow/perceptron.py", "Perceptron._epoch")]),
    "softmax": (5, [("numpy/losses.py", "softmax"), ("numpy/losses.py", "log_softmax"),
                    ("numpy/losses.py", "cross_entropy"),
                    ("numpy/losses.py", "binary_cross_entropy"),
                    ("numpy/losses.py", "softmax_cross_entropy_grad"),
                    ("numpy/losses.py", "sparse_cross_entropy"),
                    ("tensorflow/losses.py", "softmax_cross_entropy_grad"),
                    ("tensorflow/losses.py", "sparse_cross_entropy")]),
    "xor_mlp": (4, [("contracts/mlp.py", "MLP._forward"), ("contracts/mlp.py", "MLP.backward"),
                    ("numpy/mlp.py", "MLP._train_step"),
                    ("tensorflow/mlp.py", "MLP._train_step")]),
    "keras_mlp": (5, [("keras_models.py", "regression_mlp"),
                      ("keras_models.py", "_classification_head"),
                      ("keras_models.py", "classification_mlp")]),
}
LISTINGS = [(chapter, module, qualname)
            for chapter, (_, listings) in CHAPTERS.items() for module, qualname in listings]


class TestListings:
    def test_chapters_show_the_listings_listed_here(self):
        """The chapters' listings of mlkit's code are those of CHAPTERS (read from the sources)."""
        include = re.compile(
            r"```\{literalinclude\} \.\./mlkit/([\w/]+\.py)\s*\n:pyobject: ([\w.]+)")
        shown = {(chapter, module, qualname) for chapter in CHAPTERS
                 for module, qualname in include.findall(
                     (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8"))}
        assert shown == set(LISTINGS)

    @pytest.mark.parametrize(("chapter", "module", "qualname"), LISTINGS)
    def test_listing_names_a_def_of_its_file(self, chapter, module, qualname):
        """Each listing's :pyobject: is a function or class (method) of the file it names."""
        assert _source_of(module, qualname).startswith(("def ", "class "))


class TestEveryChapter:
    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_figures_are_drawn_with_alt_text(self, built_book, chapter):
        """The chapter's figures are images made at build time, each with a description."""
        page = built_book.page(chapter)
        images = re.findall(r'<img[^>]*src="(\.\./_images/[^"]+\.png)"[^>]*>', page)
        assert len(images) >= CHAPTERS[chapter][0]
        # The figures: the build's images (the theme's own icons, such as the Colab
        # logo of the launch button, live in _static/ and carry short alt texts).
        for tag in re.findall(r'<img[^>]*src="\.\./_images/[^"]*"[^>]*>', page):
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 40, f"figure without a real description: {tag}"
        for src in images:
            png = (built_book.html / "book" / src).resolve()
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000

    @pytest.mark.parametrize(("chapter", "module", "qualname"), LISTINGS)
    def test_code_is_shown_from_the_package(self, built_book, chapter, module, qualname):
        """The code listings are mlkit's source itself, not a pasted copy."""
        text = _text(built_book.page(chapter))
        for line in _source_of(module, qualname).splitlines():
            assert line.strip() in text, f"line of {module} {qualname} missing: {line!r}"

    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_links_to_its_assignment(self, built_book, chapter):
        """The check-yourself section offers the chapter's assignment notebook for download."""
        page = built_book.page(chapter)
        # The download of the assignment (not the chapter's own notebook, nor Colab or Binder).
        link = re.search(rf'href="(\.\./_downloads/[^"]*/{chapter}\.ipynb)"', page)
        assert link, "no link to the assignment"
        assert (built_book.html / "book" / link.group(1)).resolve().is_file()


class TestActivationsChapter:
    def test_outputs_are_those_of_mlkit(self, built_book):
        """The executed outputs are in the page, as mlkit computes them now."""
        text = _text(built_book.page("activations"))
        assert f"step_grad(z) = {mk.step_grad(mk.step([-2.0, -0.5, 0.0, 0.5, 2.0]))}" in text
        assert f"sigmoid_grad( 0.0) = {mk.sigmoid_grad(0.0):.2e}" in text
        assert "naive sigmoid: overflow encountered in exp" in text
        assert "max |GradientTape - sigmoid_grad| =" in text

    def test_keras_leaky_relu_defaults_are_printed(self, built_book):
        """Keras's leaky_relu function (0.2) and LeakyReLU layer (0.3) defaults, as installed."""
        text = _text(built_book.page("activations"))
        assert "keras.activations.leaky_relu: (x, negative_slope=0.2)" in text
        assert "keras.layers.LeakyReLU()    : negative_slope = 0.3" in text

    def test_maxout_derivative_is_checked(self, built_book):
        """The maxout unit's gradients with respect to W, b and x agree with finite differences."""
        text = _text(built_book.page("activations"))
        for name in ["dW", "db", "dx"]:
            assert f"dh/{name} analytic == numerical: True" in text

class TestNeuronsChapter:
    def test_names_the_parts_of_the_neuron_in_english_and_korean(self, built_book):
        """The biology section gives the course's Korean terms next to the English ones."""
        text = _text(built_book.page("neurons"))
        for english, korean in [("Dendrites", "수상돌기"), ("Axon", "축삭돌기"),
                                ("Synapses", "시냅스"), ("Cell body", "세포체")]:
            assert f"{english} ({korean})" in text
        assert "McCulloch" in text and "1943" in text and "Hodgkin" in text

    def test_truth_tables_are_printed(self, built_book):
        """The printed AND/OR/NAND, NOT and XOR tables are the ones logic gives."""
        text = _text(built_book.page("neurons"))
        for x1 in (0, 1):
            for x2 in (0, 1):
                gates = (x1 & x2, x1 | x2, 1 - (x1 & x2))
                assert f" {x1}  {x2} |  {gates[0]}    {gates[1]}    {gates[2]}" in text
                assert f" {x1}  {x2} |  {x1 | x2}   {1 - (x1 & x2)}  |  {x1 ^ x2}" in text
        for x in (0, 1):
            assert f"{x} |  {1 - x}" in text

    def test_layer_outputs_are_in_the_page(self, built_book):
        """The layer agrees with the loop over units and with TensorFlow, and the error is shown."""
        text = _text(built_book.page("neurons"))
        assert "same as a loop over the units: True" in text
        assert "same as NumPy: True" in text
        assert ("wrong shape : `w` must have shape (n_inputs,) with n_inputs = 2 from `x`. "
                "Received: w.shape=(3,)") in text
        # One example: 2*1 - 1*1 - 0.5 = 0.5 fires; the batch's last row sums to exactly 0.
        assert "one example : 1.0" in text
        assert "a batch     : [1. 0. 0.]" in text

def _perceptron_errors(X, y, num_epochs):
    """Mistakes per epoch of Rosenblatt's rule from zero weights, written independently of mlkit."""
    w1, w2, b, errors = 0.0, 0.0, 0.0, []
    for _ in range(num_epochs):
        count = 0
        for (x1, x2), label in zip(X, y, strict=True):
            error = label - (1 if w1 * x1 + w2 * x2 + b > 0 else 0)
            if error:
                w1, w2, b, count = w1 + error * x1, w2 + error * x2, b + error, count + 1
        errors.append(count)
        if count == 0:
            break
    return errors


class TestPerceptronChapter:
    GATES = ((0, 0), (0, 1), (1, 0), (1, 1))

    def test_training_runs_are_those_of_the_rule(self, built_book):
        """The printed mistakes per epoch on AND, OR and XOR are those of the rule run here."""
        text = _text(built_book.page("perceptron"))
        and_errors = _perceptron_errors(self.GATES, [0, 0, 0, 1], 100)
        or_errors = _perceptron_errors(self.GATES, [0, 1, 1, 1], 100)
        xor_errors = _perceptron_errors(self.GATES, [0, 1, 1, 0], 50)
        assert f"AND: errors per epoch {and_errors} | predictions [0 0 0 1]" in text
        assert f"OR: errors per epoch {or_errors} |" in text
        assert len(xor_errors) == 50 and min(xor_errors) > 0
        assert f"XOR: 50 epochs, last errors {xor_errors[-5:]}" in text
        assert "Perceptron(lr=1.0, num_epochs=100, seed=None)" in text

    def test_novikoff_bound_holds_in_the_table(self, built_book):
        """Each row of the convergence table has at most (R / gamma)^2 updates."""
        text = _text(built_book.page("perceptron"))
        rows = re.findall(r"^\s*(0\.\d\d)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s*$", text,
                          flags=re.MULTILINE)
        assert len(rows) == 4, rows
        for _, gamma, radius, updates, _ in rows:
            assert int(updates) <= (float(radius) / float(gamma)) ** 2

    def test_backends_and_scikit_learn_agree(self, built_book):
        """The NumPy and TensorFlow runs are identical, and scikit-learn separates the data too."""
        text = _text(built_book.page("perceptron"))
        assert "identical  : True" in text
        assert "scikit-learn right on all: True" in text
        assert "mlkit right on all       : True" in text


def _deep_gradient_norms(activation, num_layers=10, width=64, seed=0):
    """Norms of dW per layer of the chapter's deep network, back-propagated here without mlkit."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(256, width))
    y = rng.integers(0, 2, size=(256, 1)).astype(float)
    gain = 2.0 if activation == "relu" else 1.0
    sizes = [width] * (num_layers + 1) + [1]
    params = [(rng.normal(scale=np.sqrt(gain / n_in), size=(n_in, n_out)), np.zeros(n_out))
              for n_in, n_out in itertools.pairwise(sizes)]
    inputs, pre_activations, H = [], [], X
    for W, b in params[:-1]:
        inputs.append(H)
        pre_activations.append(H @ W + b)
        H = (1 / (1 + np.exp(-pre_activations[-1])) if activation == "sigmoid"
             else np.maximum(pre_activations[-1], 0.0))
    logits = H @ params[-1][0] + params[-1][1]
    grad = (1 / (1 + np.exp(-logits)) - y) / y.size
    norms = [np.linalg.norm(H.T @ grad)]
    grad = grad @ params[-1][0].T
    for (W, _), X_in, Z in zip(params[-2::-1], inputs[::-1], pre_activations[::-1], strict=True):
        s = 1 / (1 + np.exp(-Z))
        grad = grad * (s * (1 - s) if activation == "sigmoid" else (Z > 0))
        norms.append(np.linalg.norm(X_in.T @ grad))
        grad = grad @ W.T
    return norms[::-1]


class TestBackpropChapter:
    def test_hand_computed_graphs(self, built_book):
        """The two graphs' forward values and gradients are those of the chain rule by hand."""
        text = _text(built_book.page("backprop"))
        # f = (x + y) z at (-2, 5, -4): q = 3, f = -12; df/dx = df/dy = z, df/dz = x + y.
        assert "forward : q = 3.0, f = -12.0" in text
        assert "backward: df/dx = -4.0, df/dy = -4.0, df/dz = 3.0" in text
        assert "numerical gradient: [-4. -4.  3.]" in text
        # h = sigmoid(w . x + b) with w = (2, -3), x = (-1, -2), b = -3: z = 1.
        s = 1 / (1 + np.exp(-1.0))
        dz = s * (1 - s)
        assert f"forward : w*x = [-2.  6.], z = 1.0, h = {s:.3f}" in text
        assert (f"backward: dh/dz = {dz:.3f}, dh/dw = {np.round(dz * np.array([-1.0, -2.0]), 3)}, "
                f"dh/dx = {np.round(dz * np.array([2.0, -3.0]), 3)}, dh/db = {dz:.3f}") in text
        expected = np.round(dz * np.array([-1.0, -2.0, 2.0, -3.0, 1.0]), 3)
        assert f"numerical gradient (w, x, b): {expected}" in text

    def test_gradient_checks_pass(self, built_book):
        """Every backward pass checks below 1e-7; the wrong one and the kink's do not."""
        text = _text(built_book.page("backprop"))
        checks = re.findall(
            r"^(dX: shape \(5, 3\)|dW: shape \(3, 2\)|db: shape \(2,\)|sigmoid\s*|tanh\s*|"
            r"relu\s*|leaky_relu|elu\s*|d[Wb][12]|right backward pass)"
            r"[:,] .*relative error ([0-9.e+-]+)$", text, flags=re.MULTILINE)
        assert len(checks) == 13, checks
        for name, error in checks:
            assert float(error) < 1e-7, name
        loss_check = re.search(r"relative error of the loss gradient: ([0-9.e+-]+)", text)
        assert float(loss_check.group(1)) < 1e-7
        tape = re.findall(r"relative error between mlkit and GradientTape ([0-9.e+-]+)", text)
        assert len(tape) == 4 and all(float(error) < 1e-12 for error in tape)
        wrong = re.search(r"wrong backward pass: relative error ([0-9.e+-]+)", text)
        assert float(wrong.group(1)) > 1e-2
        assert "numerical: [[1.   0.   0.65]]" in text and "relative error 0.21" in text

    def test_cost_of_finite_differences(self, built_book):
        """Two forward passes per weight: 16 for the 8 weights of W1, 2P for 784-100-10."""
        text = _text(built_book.page("backprop"))
        assert "W1 has 8 weights; the numerical gradient took 16 forward passes" in text
        P = 784 * 100 + 100 + 100 * 10 + 10
        assert f"{P:,} parameters: {2 * P:,} forward passes per gradient" in text

    def test_vanishing_gradients(self, built_book):
        """The printed layer gradients are those of the same network back-propagated here."""
        text = _text(built_book.page("backprop"))
        for activation in ["sigmoid", "relu"]:
            norms = _deep_gradient_norms(activation)
            assert (f"{activation:7s}: |dW| of layer 1 = {norms[0]:.1e}, of layer 11 = "
                    f"{norms[-1]:.1e}, ratio {norms[0] / norms[-1]:.1e}") in text
        assert _deep_gradient_norms("sigmoid")[0] < 1e-5 < _deep_gradient_norms("relu")[0]

    def test_two_layer_graph_values(self, built_book):
        """The two-layer graph's loss and logit gradient are those computed here without mlkit."""
        text = _text(built_book.page("backprop"))
        H = np.tanh(np.array([1.0, 2.0]) @ np.array([[0.5, -0.4], [0.3, 0.8]])
                    + np.array([0.1, -0.2]))
        z = H @ np.array([1.2, -0.7]) + 0.3
        assert f"L = {np.log1p(np.exp(-z)):.3f}" in text
        assert f"dz = [[{1 / (1 + np.exp(-z)) - 1:.3f}]]" in text

    def test_history_names_linnainmaa_and_werbos(self, built_book):
        """The history of back-propagation credits Linnainmaa and Werbos beside Rumelhart."""
        text = _text(built_book.page("backprop"))
        assert "Linnainmaa" in text and "Werbos" in text and "Rumelhart" in text

    def test_mlp_learns_xor(self, built_book):
        """The MLP trained with back-propagation gets the four XOR examples right."""
        text = _text(built_book.page("backprop"))
        assert "predictions: [0 1 1 0] labels: [0 1 1 0]" in text


class TestSoftmaxChapter:
    BIG = np.array([1000.0, 0.0, -1000.0])

    def test_probabilities_and_losses_are_those_of_mlkit(self, built_book):
        """The lecture's scores [2, 1, 0.1], their softmax and cross-entropies are mlkit's."""
        text = _text(built_book.page("softmax"))
        p = mk.softmax(np.array([2.0, 1.0, 0.1]))
        assert "scores W x   : [2.  1.  0.1]" in text
        assert f"probabilities: {p.round(3)}" in text
        for label, name in [(0, "A"), (2, "C")]:
            loss = mk.cross_entropy(np.eye(3)[label], p)
            assert f"true class {name}: L = {np.eye(3)[label]}, D(S, L) = {loss:.4f}" in text
        assert f"binary_cross_entropy        : {mk.binary_cross_entropy([1.0], [0.8])}" in text
        assert f"cross_entropy of two classes: {mk.cross_entropy([1.0, 0.0], [0.8, 0.2])}" in text

    def test_slide_sign_error_is_pointed_out(self, built_book):
        """The page says the slide's first term lacks its minus sign, and shows its values."""
        text = _text(built_book.page("softmax"))
        prose = " ".join(text.split())
        assert "prints this cost as" in prose and "the first term has lost its minus sign" in prose
        # As printed: C(H(x), y) = y log(H(x)) - (1 - y) log(1 - H(x)); at y = 1 it is log H.
        for H in [0.999, 0.9, 0.5, 0.1, 0.001]:
            cost = -np.log(H)
            assert f"y = 1, H(x) = {H:5}: cost {cost:7.3f}   slide's version {-cost:7.3f}" in text
        assert "y = 0: the two agree: True" in text
        assert "the most confidently wrong answer costs least" in prose

    def test_labels_and_their_mix_up(self, built_book):
        """One-hot and integer labels give the same losses, and mixing them up is an error."""
        text = _text(built_book.page("softmax"))
        match = re.search(r"cross_entropy\(Y, S\)\s+: (\[[^\]]+\])\s+"
                          r"sparse_cross_entropy\(y, S\): (\[[^\]]+\])", text)
        assert match and match.group(1) == match.group(2)
        assert ("`y_true` must hold one-hot labels of the shape of `y_pred`, (4, 3). "
                "Received: y_true.shape=(4,), which looks like integer class labels") in text

    def test_stability_demonstrations(self, built_book):
        """The naive softmax overflows to nan, mlkit's does not, and log-softmax stays exact."""
        # Whitespace compared as words: one print() can reach the page as two stream outputs
        # when the kernel flushes between its writes, which puts a line break between them.
        def words(text):
            return " ".join(text.split())

        text = words(_text(built_book.page("softmax")))
        right = np.array([0.0, 0.0, 1.0])
        z = np.array([[-1000.0, 1000.0]])
        for printed in [
            "naive softmax: overflow encountered in exp",
            "naive softmax(big) = [nan  0.  0.]",
            f"mk.softmax(big) = {mk.softmax(self.BIG)}",
            "-log softmax(s)[2]: inf",
            f"-log_softmax(s)[2]: {-mk.log_softmax(self.BIG)[2]}",
            "naive, log of softmax        : nan",
            f"from probabilities (clipped) : {mk.cross_entropy(right, mk.softmax(self.BIG))}",
            f"from logits (log-softmax)    : {mk.cross_entropy(right, self.BIG, from_logits=True)}",
            f"labels [1, 0]: {mk.binary_cross_entropy([[1.0, 0.0]], z, from_logits=True)}",
        ]:
            assert words(printed) in text, printed

    def test_gradient_checks_pass(self, built_book):
        """Finite differences and GradientTape agree with (P - Y) / n, as printed."""
        text = _text(built_book.page("softmax"))
        error = re.search(r"relative error against finite differences: ([\d.e+-]+)", text)
        assert error and float(error.group(1)) < 1e-7
        tape = re.search(r"max \|GradientTape - \(P - Y\) / n\| = ([\d.e+-]+)", text)
        assert tape and float(tape.group(1)) < 1e-12

    def test_keras_comparison(self, built_book):
        """Every row of the comparison with Keras shows differences at rounding level."""
        text = _text(built_book.page("softmax"))
        for name in ["softmax", "cross_entropy", "sparse_cross_entropy", "binary_cross_entropy",
                     "mean_squared_error"]:
            row = re.search(rf"^{name}\s+\([\d, ]+\)\s+([\d.e+-]+)\s+([\d.e+-]+)\s*$", text,
                            flags=re.MULTILINE)
            assert row, f"no row for {name}"
            assert float(row.group(1)) < 1e-12 and float(row.group(2)) < 1e-12


def _test_scores():
    """The five students' quiz scores and final scores, written out here, not loaded by mlkit."""
    X = np.array([[73.0, 80.0, 75.0], [93.0, 88.0, 93.0], [89.0, 91.0, 90.0],
                  [96.0, 98.0, 100.0], [73.0, 66.0, 70.0]])
    y = np.array([[152.0], [185.0], [180.0], [196.0], [142.0]])
    return X, y


class TestMatrixNotationChapter:
    def test_shapes_and_layouts(self, built_book):
        """The worked shapes, the transposed lecture layout and mlkit's shape error are shown."""
        text = _text(built_book.page("matrix_notation"))
        assert "X (5, 3) @ W (3, 1) + b (1,) -> y_hat (5, 1)" in text
        assert "X (5, 3) @ W (3, 2) -> (5, 2)" in text
        assert "X (2, 3) @ W (3, 2) -> (2, 2)" in text
        assert "by hand, student 1: 228 76.0" in text
        assert "transposes of each other   : True" in text
        assert ("W_lecture  : `W` must have shape (n_features, n_outputs) with n_features = 3 "
                "from `X`. Received: W.shape=(1, 3)") in text
        assert "same result: True" in text

    def test_least_squares_is_the_oracle(self, built_book):
        """The printed least-squares weights are those of np.linalg.lstsq and of mlkit."""
        text = _text(built_book.page("matrix_notation"))
        X, y = _test_scores()
        X_ones = np.hstack([X, np.ones((5, 1))])
        solution = np.linalg.lstsq(X_ones, y, rcond=None)[0].ravel()
        W, b = mk.least_squares(X, y)
        np.testing.assert_allclose(np.append(W, b), solution, rtol=1e-9)
        loss = np.mean((X_ones @ solution[:, None] - y) ** 2)
        assert (f"least squares: W = {W.ravel().round(4)}  b = {b.round(4)}  "
                f"loss = {loss:.4f}") in text
        assert f"scikit-learn : W = {W.ravel().round(4)}  b = {b.round(4)}" in text

    def test_gradient_descent_runs(self, built_book):
        """The printed losses of the lecture's run and of the four scaled and unscaled runs."""
        text = _text(built_book.page("matrix_notation"))
        X, y = _test_scores()
        model = mk.LinearRegression(lr=1e-6, num_epochs=2001).fit(X, y)
        assert f"epoch     0 | loss {np.mean(y ** 2):12.4f}" in text
        assert f"epoch  2000 | loss {model.loss_history_[2000]:12.4f}" in text
        X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)
        for name, data, lr in [("unscaled, lr = 1e-6", X, 1e-6),
                               ("standardized, lr = 0.3", X_scaled, 0.3)]:
            run = mk.LinearRegression(lr=lr, num_epochs=2000).fit(data, y)
            assert f"{name:24s}: loss after 2000 epochs {run.loss_history_[-1]:.5f}" in text

    def test_learning_rate_limit_and_scaling(self, built_book):
        """The stable limit and the condition numbers are those of the Hessian computed here."""
        text = _text(built_book.page("matrix_notation"))
        X, _ = _test_scores()
        X_ones = np.hstack([X, np.ones((5, 1))])
        eigenvalues = np.linalg.eigvalsh(2 / 5 * X_ones.T @ X_ones)
        assert f"largest stable learning rate 2 / lambda_max = {2 / eigenvalues[-1]:.2e}" in text
        assert f"condition number = {eigenvalues[-1] / eigenvalues[0]:.2e}" in text
        X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)
        scaled_ones = np.hstack([X_scaled, np.ones((5, 1))])
        scaled = np.linalg.eigvalsh(2 / 5 * scaled_ones.T @ scaled_ones)
        assert f"largest stable learning rate = {2 / scaled[-1]:.3f}" in text
        assert f"condition number = {scaled[-1] / scaled[0]:.0f}" in text
        assert f"lr = {1.1 * 2 / eigenvalues[-1]:.2e}: Training diverged at epoch" in text

    def test_backends_and_the_tape_agree(self, built_book):
        """The tape's gradient matches the analytic one, and both backends make the same run."""
        text = _text(built_book.page("matrix_notation"))
        tape = re.search(r"max \|tape - analytic\|, dW: (\S+)\s+db: (\S+)", text)
        assert tape and float(tape.group(1)) < 1e-9 and float(tape.group(2)) < 1e-9
        runs = re.findall(r"(NumPy|TensorFlow) +: W = \[([^\]]+)\]", text)
        assert len(runs) == 2 and runs[0][1] == runs[1][1]
        difference = re.search(r"largest difference in loss_history_: (\S+)", text)
        assert difference and float(difference.group(1)) < 1e-9
        assert "relative error dW:" in text
        errors = re.search(r"relative error dW: (\S+) \| db: (\S+)", text)
        assert errors and float(errors.group(1)) < 1e-7 and float(errors.group(2)) < 1e-7


def _prose(page):
    """The visible text of a page, whitespace collapsed and Sphinx's curly apostrophes straight."""
    return " ".join(_text(page).replace("\u2019", "'").split())


class TestMatrixNotationProse:
    def test_first_guess_errors_are_computed(self, built_book):
        """The errors of the guess W = (1, 0.5, 0.5), b = 1.5 are printed and stated."""
        page = built_book.page("matrix_notation")
        X, y = _test_scores()
        errors = (X @ np.array([1.0, 0.5, 0.5]) + 1.5) - y.ravel()
        assert f"prediction - true score: {errors}" in _text(page)
        assert list(errors[:2]) == [0.0, 0.0]
        assert (f"others are off by {errors[2]:.1f}, {errors[3]:.1f} and {errors[4]:.1f} points"
                in _prose(page))

    def test_lecture_program_is_checked_against_tensorflow_2(self, built_book):
        """The TF1 name is absent from the installed TensorFlow, and Python rejects the format."""
        import tensorflow as tf

        text = _text(built_book.page("matrix_notation"))
        prose = _prose(built_book.page("matrix_notation"))
        assert "The lecture's program is TensorFlow 2 code" in prose
        assert f"tf.random_normal exists          : {hasattr(tf, 'random_normal')}" in text
        assert not hasattr(tf, "random_normal") and hasattr(tf.compat.v1, "random_normal")
        try:
            format(1.0, ".10.4f")
        except ValueError as err:
            assert f"'{{:.10.4f}}' -> ValueError: {err}" in text
        else:
            pytest.fail("Python accepted {:.10.4f}")

    def test_descent_stalls_in_the_valley(self, built_book):
        """The one-feature run from (0, 100) keeps its bias, as gradient descent here does."""
        X, y = _test_scores()
        x1, target = X[:, 0], y.ravel()
        hessian = 2 / 5 * np.array([[x1 @ x1, x1.sum()], [x1.sum(), 5.0]])
        lr = 2 / np.linalg.eigvalsh(hessian)[-1] / 4
        w, b = 0.0, 100.0
        for _ in range(100):
            error = 2 / 5 * (w * x1 + b - target)
            w, b = w - lr * error @ x1, b - lr * error.sum()
        slope, intercept = np.polyfit(x1, target, 1)
        prose = _prose(built_book.page("matrix_notation"))
        assert (f"after 100 steps the bias is still {b:.2f}, where the minimum has "
                f"{intercept:.2f}") in prose
        assert abs(b - 100) < 0.01 and abs(w - slope) > 1


def _adam_path(lr, start, curvatures, num_steps):
    """Adam as the paper writes it (bias-corrected moments), on the bowl sum(c w^2) / 2."""
    w, m, s = np.array(start), 0.0, 0.0
    for t in range(1, num_steps + 1):
        g = curvatures * w
        m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g**2
        w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-7)
    return w


class TestKerasMlpProse:
    def test_input_shape_warning_is_the_installed_one(self, built_book):
        """Flatten(input_shape=...) warns in the installed Keras, with the message shown."""
        import warnings

        import keras

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            keras.Sequential([keras.layers.Flatten(input_shape=[28, 28])])
        messages = [str(w.message) for w in caught if "input_shape" in str(w.message)]
        assert messages, "Keras no longer warns: the chapter's text needs updating"
        assert f"UserWarning: {messages[0]}" in _text(built_book.page("keras_mlp"))

    def test_optimizer_defaults_are_keras_own(self, built_book):
        """The printed defaults of SGD and Adam are those of the installed Keras."""
        import keras

        text = _text(built_book.page("keras_mlp"))
        sgd = keras.optimizers.get("sgd").get_config()
        adam = keras.optimizers.Adam().get_config()
        assert str({k: sgd[k] for k in ["learning_rate", "momentum", "nesterov"]}) in text
        assert str({k: adam[k] for k in ["learning_rate", "beta_1", "beta_2", "epsilon"]}) in text

    def test_keras_adam_follows_the_paper(self, built_book):
        """Keras's Adam, as printed, ends where the paper's Adam, run here, ends after 100 steps."""
        text = _text(built_book.page("keras_mlp"))
        match = re.search(r"Keras Adam after 100 steps: \[([^\]]+)\]", text)
        assert match, "no Keras Adam result in the page"
        printed = np.array([float(v) for v in match.group(1).split()])
        expected = _adam_path(0.5, [-4.0, 1.5], np.array([0.5, 50.0]), 100)
        np.testing.assert_allclose(printed, expected, atol=1e-4)

    def test_geron_tables_are_complete(self, built_book):
        """Table 10-1 keeps its MNIST example and SELU, as the lecture prints them."""
        prose = _prose(built_book.page("keras_mlp"))
        assert "One per input feature (e.g., 28 × 28 = 784 for MNIST)" in prose
        assert "ReLU (or SELU, see Chapter 11)" in prose

    def test_parameters_and_examples_are_counted(self, built_book):
        """The regression MLP's parameters and the training examples, as computed here."""
        from sklearn.datasets import load_diabetes

        n = len(load_diabetes()["target"])
        n_train = n - int(np.ceil(0.2 * n))
        n_train -= int(np.ceil(0.25 * n_train))
        n_params = 10 * 30 + 30 + 30 * 1 + 1
        prose = _prose(built_book.page("keras_mlp"))
        assert f"The network has {n_params} parameters for {n_train} training examples" in prose


class TestMnistProse:
    def test_steps_per_epoch(self, built_book):
        """55,000 images in batches of 256 make ceil(55000 / 256) steps."""
        text = _text(built_book.page("mnist"))
        assert f"55000 training images, batches of 256: {-(-55_000 // 256)} steps per epoch" in text

    def test_stated_errors_are_the_printed_accuracies(self, built_book):
        """The error rates in the prose and the table are 1 - the printed test accuracies."""
        text = _text(built_book.page("mnist"))
        numpy_accuracy = float(re.search(r"NumPy MLP test accuracy: (0\.\d+)", text).group(1))
        keras_accuracy = float(re.search(r"Keras test accuracy: (0\.\d+)", text).group(1))
        prose = _prose(built_book.page("mnist"))
        errors = re.search(r"Our MLPs get ([\d.]+)% \(NumPy\) and ([\d.]+)% \(Keras\)", prose)
        assert errors, "the error rates are not stated"
        assert float(errors.group(1)) == pytest.approx(100 * (1 - numpy_accuracy), abs=0.011)
        assert float(errors.group(2)) == pytest.approx(100 * (1 - keras_accuracy), abs=0.011)


def _xor_runs(num_hiddens, seeds, lr=1.0, num_epochs=3000):
    """Full-batch gradient descent on XOR from mk.MLP's initial weights, written here without mlkit.

    All seeds train at once (stacked along a first axis). Returns, per seed, whether the
    trained network gets all four examples right.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    limit1, limit2 = np.sqrt(6 / (2 + num_hiddens)), np.sqrt(6 / (num_hiddens + 1))
    W1, W2 = [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        W1.append(rng.uniform(-limit1, limit1, size=(2, num_hiddens)))
        W2.append(rng.uniform(-limit2, limit2, size=(num_hiddens, 1)))
    W1, W2 = np.array(W1), np.array(W2)
    b1, b2 = np.zeros((len(W1), 1, num_hiddens)), np.zeros((len(W1), 1, 1))
    for _ in range(num_epochs):
        H = 1 / (1 + np.exp(-(X @ W1 + b1)))                   # (seeds, 4, num_hiddens)
        dlogits = (1 / (1 + np.exp(-(H @ W2 + b2))) - y) / 4   # (seeds, 4, 1)
        dZ1 = dlogits @ W2.transpose(0, 2, 1) * H * (1 - H)
        W1, b1 = W1 - lr * X.T @ dZ1, b1 - lr * dZ1.sum(axis=1, keepdims=True)
        W2 = W2 - lr * H.transpose(0, 2, 1) @ dlogits
        b2 = b2 - lr * dlogits.sum(axis=1, keepdims=True)
    p = 1 / (1 + np.exp(-(1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2)))
    return np.all((p > 0.5) == (y > 0.5), axis=(1, 2))


class TestXorMlpChapter:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

    def test_truth_table_of_the_hand_wired_network(self, built_book):
        """The printed x1, x2, h1, h2, y, rounded y are those of the lecture's weights."""
        text = _text(built_book.page("xor_mlp"))

        def sigmoid(z):
            return 1 / (1 + np.exp(-z))

        for x1, x2 in self.X:
            h1 = sigmoid(20 * x1 + 20 * x2 - 10)
            h2 = sigmoid(-20 * x1 - 20 * x2 + 30)
            out = sigmoid(20 * h1 + 20 * h2 - 30)
            assert round(out) == int(x1) ^ int(x2)
            row = f" {x1:.0f}  {x2:.0f} | {h1:.6f} {h2:.6f} | {out:.3e} |    {out:.0f}"
            assert row in text, row
        for gate in ["h1 rounded is OR(x1, x2)  : True", "h2 rounded is NAND(x1, x2): True",
                     "y rounded is AND(h1, h2)  : True", "y rounded is XOR(x1, x2)  : True"]:
            assert gate in text

    def test_training_and_backends(self, built_book):
        """mk.MLP learns XOR from seed 0 as printed; TensorFlow and the batched runs agree."""
        text = _text(built_book.page("xor_mlp"))
        model = mk.MLP((2,), activation="sigmoid", loss="binary_cross_entropy", lr=1.0,
                       num_epochs=3000, batch_size=None, seed=0).fit(self.X, [0, 1, 1, 0])
        assert f"epoch 3000: loss {model.history_['loss'][-1]:.4f}, accuracy 1.00" in text
        assert "| predict: [0 1 1 0]" in text
        assert "TensorFlow's predictions: [0 1 1 0]" in text
        gaps = re.findall(r"largest difference (?:of the 500 losses:|from mk.MLP's losses) "
                          r"(\d\S*)", text)
        assert len(gaps) == 4 and all(float(gap) < 1e-12 for gap in gaps), gaps

    def test_success_rates_are_recomputed(self, built_book):
        """The printed success rates over 50 seeds are those of gradient descent run here."""
        text = _text(built_book.page("xor_mlp"))
        rows = re.findall(r"^2-(\d)-1\s+(\d+)/50\s+(\d+)%$", text, flags=re.MULTILINE)
        assert [int(h) for h, _, _ in rows] == [2, 3, 4, 8], rows
        for num_hiddens, succeeded, percent in rows:
            learned = _xor_runs(int(num_hiddens), range(50))
            assert int(succeeded) == sum(learned), num_hiddens
            assert int(percent) == round(100 * sum(learned) / 50)
        two_hidden = int(rows[0][1])
        assert 0 < two_hidden < 50 and all(int(row[1]) > two_hidden for row in rows[1:])

    def test_stuck_runs_are_stuck_with_mlkit(self, built_book):
        """A seed printed as stuck is stuck for mk.MLP too, at about ln(2) / 2."""
        text = _text(built_book.page("xor_mlp"))
        stuck = re.findall(r"^\s*(\d+) \|\s+\[([^\]]+)\]\s+\| (\S+) \| \S+ \(stuck\)$", text,
                           flags=re.MULTILINE)
        assert len(stuck) == 5, stuck
        seed, outputs, loss = stuck[0]
        model = mk.MLP((2,), activation="sigmoid", loss="binary_cross_entropy", lr=1.0,
                       num_epochs=3000, batch_size=None, seed=int(seed)).fit(self.X, [0, 1, 1, 0])
        assert model.score(self.X, [0, 1, 1, 0]) < 1.0
        assert float(loss) == pytest.approx(model.history_["loss"][-1], abs=2e-4)
        assert float(loss) == pytest.approx(np.log(2) / 2, abs=0.01)
        assert sorted(float(v) for v in outputs.split()) == pytest.approx([0, 0.5, 0.5, 1],
                                                                           abs=0.01)


class TestKerasMlpChapter:
    def test_lecture_model_reaches_the_lecture_accuracy(self, built_book):
        """The Fashion-MNIST MLP has 266,610 parameters and a printed test accuracy above 0.8."""
        text = _text(built_book.page("keras_mlp"))
        n_params = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
        assert f"count_params(): {n_params}" in text
        match = re.search(r"test loss: ([\d.]+), test accuracy: ([\d.]+)", text)
        assert match, "no test accuracy printed"
        assert 0.8 < float(match.group(2)) < 1.0
        assert 0.0 < float(match.group(1)) < 0.6

    def test_three_rounded_probability_rows(self, built_book):
        """y_proba.round(2) shows 3 rows of 10 probabilities; each argmax is the printed class."""
        from mlkit.datasets import load_fashion_mnist

        text = _text(built_book.page("keras_mlp"))
        block = re.search(r"\[\[([^\]]*)\]\s*\[([^\]]*)\]\s*\[([^\]]*)\]\]\s*predicted: "
                          r"(\[[^\]]*\])\s*true\s*: (\[[^\]]*\])", text)
        assert block, "the rounded probabilities and the predicted classes are not in the page"
        rows = np.array([[float(v) for v in block.group(i).split()] for i in (1, 2, 3)])
        assert rows.shape == (3, 10)
        assert np.all((rows >= 0) & (rows <= 1))
        np.testing.assert_allclose(rows.sum(axis=1), 1.0, atol=0.06)  # 10 values rounded
        names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                 "Sneaker", "Bag", "Ankle boot"]
        predicted = ast.literal_eval(block.group(4))
        assert predicted == [names[k] for k in rows.argmax(axis=1)]
        _, (_, y_test) = load_fashion_mnist()
        assert ast.literal_eval(block.group(5)) == [names[k] for k in y_test[:3]]

    def test_both_losses_print_minus_log_of_the_right_class(self, built_book):
        """Sparse and categorical cross-entropy both print -log p of the right class."""
        text = _text(built_book.page("keras_mlp"))
        p = np.array([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.3, 0.4, 0.3]])
        expected = str((-np.log(p[np.arange(3), [2, 0, 1]])).round(4))
        for label in ["sparse_categorical_crossentropy(y_int, p)  :",
                      "categorical_crossentropy(y_one_hot, p)     :",
                      "-log p[right class]                         :"]:
            assert f"{label} {expected}" in text

    def test_builders_and_their_error_are_shown(self, built_book):
        """The builders' models follow the tables, and multiclass with one output is refused."""
        text = _text(built_book.page("keras_mlp"))
        assert ("Fashion-MNIST: 300 relu -> 100 relu -> 10 softmax | loss "
                "sparse_categorical_crossentropy") in text
        assert "spam filter  : 100 relu -> 1 sigmoid | loss binary_crossentropy" in text
        assert "house prices : 30 relu -> 1 softplus | loss mse" in text
        assert ("multiclass, 1 output -> A multiclass classifier needs one output unit per "
                "class, at least 2.") in text
        assert "tf.keras.layers.Dense is keras.layers.Dense: True" in text

    def test_regression_against_the_linear_baseline(self, built_book):
        """The printed linear test MSE is scikit-learn's, and both models beat the mean."""
        from sklearn.datasets import load_diabetes
        from sklearn.linear_model import LinearRegression
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        text = _text(built_book.page("keras_mlp"))
        X, y = load_diabetes(return_X_y=True)
        X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
        X_train, _, y_train, _ = train_test_split(X_rest, y_rest, test_size=0.25, random_state=42)
        scaler = StandardScaler().fit(X_train)
        linear = LinearRegression().fit(scaler.transform(X_train), y_train)
        mse_linear = np.mean((linear.predict(scaler.transform(X_test)) - y_test) ** 2)
        assert f"test MSE, linear regression  : {mse_linear:7.1f}" in text
        mse_mean = float(re.search(r"predicting the mean: +([\d.]+)", text).group(1))
        mse_mlp = float(re.search(r"test MSE, MLP +: +([\d.]+)", text).group(1))
        assert max(mse_linear, mse_mlp) < mse_mean


class TestMnistChapter:
    def test_both_networks_pass_98_percent(self, built_book):
        """The printed test accuracies of the NumPy MLP and of Keras are at least 0.98."""
        text = _text(built_book.page("mnist"))
        numpy_accuracy = re.search(r"NumPy MLP test accuracy: (0\.\d{4})", text)
        keras_accuracy = re.search(r"Keras test accuracy: (0\.\d{4})", text)
        assert numpy_accuracy and keras_accuracy, "the test accuracies are not in the page"
        assert float(numpy_accuracy.group(1)) >= 0.98
        assert float(keras_accuracy.group(1)) >= 0.98

    def test_mistakes_are_counted_from_the_accuracies(self, built_book):
        """The number of wrong test digits printed agrees with the printed test accuracies."""
        text = _text(built_book.page("mnist"))
        accuracies = re.search(r"test accuracy: NumPy (0\.\d{4}), Keras (0\.\d{4})", text)
        wrong = re.search(r"test digits wrong: NumPy (\d+), Keras (\d+), both (\d+)", text)
        assert accuracies and wrong
        for accuracy, count in zip(accuracies.groups(), wrong.groups()[:2], strict=True):
            assert abs(10_000 * (1 - float(accuracy)) - int(count)) <= 1
        assert int(wrong.group(3)) <= min(int(wrong.group(1)), int(wrong.group(2)))

    def test_multiply_adds_are_those_of_the_network(self, built_book):
        """The printed count of multiply-adds per example is that of 784-256-128-10 without dX_1."""
        text = _text(built_book.page("mnist"))
        forward = 784 * 256 + 256 * 128 + 128 * 10
        assert f"{3 * forward - 784 * 256:,} multiply-adds per example and epoch" in text
