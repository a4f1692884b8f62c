"""Threshold logic units, one at a time and a layer at once: the contract of both backends.

A threshold logic unit (TLU), the artificial neuron of McCulloch and Pitts
(1943), fires (outputs 1) when the weighted sum of its inputs plus a bias is
positive, and stays silent (outputs 0) otherwise. A layer of TLUs that all see
the same inputs is one matrix product followed by the step function.

The computation runs in the float dtype of the inputs ``x`` or ``X`` (integer
and boolean inputs become the backend's default float); the weights and the
bias are converted to it. In TensorFlow the number of examples may be unknown
when a ``tf.function`` is traced.

Taught in the book chapter *Neurons*.
"""

__all__ = ["tlu", "tlu_layer"]


def _size(size):
    return "?" if size is None else str(size)


def tlu(backend, kernel):
    def tlu(x, w, b):
        """Threshold logic unit: 1 when the weighted sum plus the bias is positive, else 0.

        .. math:: f(x) = \\operatorname{step}(w \\cdot x + b) =
                  \\begin{cases} 1 & w \\cdot x + b > 0 \\\\ 0 & \\text{otherwise} \\end{cases}

        The unit does not fire when ``w·x + b`` is exactly 0 (see :func:`step`).

        Args:
            x: one example of shape (n_inputs,) or a batch of shape (n, n_inputs).
            w: weights of shape (n_inputs,).
            b: the bias, a single number (shape ()).

        Returns:
            0.0 or 1.0 in the float dtype of ``x``: shape () for one example, (n,)
            for a batch.

        Raises:
            ValueError: if a shape does not fit, e.g. ``w`` of another length than
                ``x``'s rows.

        Example:
            >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
            >>> np.asarray(mk.tlu(X, np.array([1.0, 1.0]), -1.5))   # AND: fires only for (1, 1)
            array([0., 0., 0., 1.])
            >>> float(mk.tlu(np.array([1.0, 0.0]), np.array([1.0, 1.0]), -0.5))   # OR of one
            1.0
        """
        x = backend.check_shape(backend.as_float(x, "x"), "x", "(n_inputs,) or (n, n_inputs)",
                                ndim=(1, 2))
        n_inputs = backend.shape(x)[-1]
        w = backend.check_shape(backend.as_float_of(w, x.dtype, "w", cast=True), "w",
                                "(n_inputs,)", ndim=1, sizes={0: n_inputs},
                                origin=f"n_inputs = {_size(n_inputs)} from `x`")
        b = backend.check_shape(backend.as_float_of(b, x.dtype, "b", cast=True), "b",
                                "() (a single number)", ndim=0)
        return backend.output(kernel(x, w, b), x.dtype)

    return tlu


def tlu_layer(backend, kernel):
    def tlu_layer(X, W, b):
        """A layer of threshold logic units that all see the same inputs: one matrix product.

        Column ``j`` of ``W`` and ``b[j]`` are the weights and the bias of unit ``j``;
        row ``i`` of the result holds the outputs of every unit for example ``i``:

        .. math:: H = \\operatorname{step}(X W + b), \\qquad
                  H_{ij} = \\operatorname{step}\\Bigl(\\sum_k X_{ik} W_{kj} + b_j\\Bigr)

        The bias is broadcast over the rows: every example gets the same ``b``.

        Args:
            X: inputs of shape (n, n_inputs), or one example of shape (n_inputs,).
            W: weights of shape (n_inputs, n_units), one column per unit.
            b: biases of shape (n_units,), one per unit.

        Returns:
            0.0 or 1.0 in the float dtype of ``X``, of shape (n, n_units)
            (or (n_units,) for one example).

        Raises:
            ValueError: if a shape does not fit, e.g. ``W`` with another number of
                rows than ``X`` has columns.

        Example:
            >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
            >>> W = np.array([[1.0, 1.0, -1.0],
            ...               [1.0, 1.0, -1.0]])
            >>> b = np.array([-1.5, -0.5, 1.5])
            >>> np.asarray(mk.tlu_layer(X, W, b))   # columns: AND, OR, NAND
            array([[0., 0., 1.],
                   [0., 1., 1.],
                   [0., 1., 1.],
                   [1., 1., 0.]])
        """
        X = backend.check_shape(backend.as_float(X, "X"), "X", "(n, n_inputs) or (n_inputs,)",
                                ndim=(1, 2))
        n_inputs = backend.shape(X)[-1]
        W = backend.check_shape(backend.as_float_of(W, X.dtype, "W", cast=True), "W",
                                "(n_inputs, n_units)", ndim=2, sizes={0: n_inputs},
                                origin=f"n_inputs = {_size(n_inputs)} from `X`")
        n_units = backend.shape(W)[1]
        b = backend.check_shape(backend.as_float_of(b, X.dtype, "b", cast=True), "b",
                                "(n_units,)", ndim=1, sizes={0: n_units},
                                origin=f"n_units = {_size(n_units)} from `W`")
        return backend.output(kernel(X, W, b), X.dtype)

    return tlu_layer
