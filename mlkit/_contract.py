"""One contract per concept, one short kernel per backend: how the two meet.

Every public function of mlkit is written in two parts:

- its **contract**, in :mod:`mlkit.contracts` (one module per concept, shared by
  both backends): the signature, the docstring (formula, shapes, example,
  reference), the checks of the arguments and the rule for what it returns;
- its **kernel**, in :mod:`mlkit.numpy` or :mod:`mlkit.tensorflow`: the plain
  mathematics on arguments that are already checked. This is what the book shows.

A backend module writes the kernel and names the contract it fulfils::

    @implements(contract.sigmoid, backend)
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

After that, ``sigmoid`` is the public function: it checks ``x`` with the
backend's conversions (``backend`` is the module :mod:`mlkit.numpy._checks` or
:mod:`mlkit.tensorflow._checks`), calls the kernel and shapes the result as the
contract says. The kernel itself stays reachable as ``sigmoid.kernel``: mlkit's
own loops (training, back-propagation) check their data once, at the boundary,
and then call kernels.

Some kernels only compose other kernels: ReLU's derivative is the step function,
a step of gradient descent subtracts ``lr`` times the gradient that another
kernel computes. Such a kernel is written once, in the contract's module, and
takes the kernels it composes as keyword arguments; each backend gives it its
own::

    relu_grad = composite(contract.relu_grad, backend, contract.relu_grad_kernel,
                          step=step.kernel)
"""

import functools


def implements(contract, backend):
    """Decorator: the public function of ``contract`` for ``backend``, around the kernel below.

    Args:
        contract: a function of :mod:`mlkit.contracts`, ``contract(backend, kernel)``, that
            returns the public function.
        backend: the backend's checks and conversions (its ``_checks`` module).

    Returns:
        A decorator that takes the kernel and returns the public function, with the
        kernel's module and name and the kernel as its ``kernel`` attribute.
    """
    def public(kernel):
        return _public(contract, backend, kernel, kernel.__module__, kernel.__qualname__)

    return public


def composite(contract, backend, kernel, **kernels):
    """The public function of ``contract`` for ``backend``, around a kernel shared by both backends.

    Args:
        contract: a function of :mod:`mlkit.contracts`, ``contract(backend, kernel)``, that
            returns the public function.
        backend: the backend's checks and conversions (its ``_checks`` module).
        kernel: the shared kernel, a function of the contract's module that composes the
            kernels named by its keyword-only parameters.
        **kernels: the backend's kernels for those parameters.

    Returns:
        The public function, named as the contract and placed in the backend's module of
        the contract's name (``mlkit.numpy.layers`` for :mod:`mlkit.contracts.layers`),
        with ``kernel`` bound to the backend's kernels as its ``kernel`` attribute.
    """
    module = f"{backend.__package__}.{contract.__module__.rpartition('.')[2]}"
    return _public(contract, backend, functools.partial(kernel, **kernels), module,
                   contract.__name__)


def _public(contract, backend, kernel, module, qualname):
    """The public function: the contract around ``kernel``, named ``module.qualname``."""
    function = contract(backend, kernel)
    function.__module__ = module
    function.__qualname__ = qualname
    # "sigmoid" rather than "sigmoid.<locals>.sigmoid" in tracebacks and in the
    # messages of mlkit.testing, which name the reference functions a student called
    function.__code__ = function.__code__.replace(co_qualname=qualname)
    function.kernel = kernel
    return function


def public_api(modules):
    """The public names of a backend's modules, in the order their contracts list them.

    Each backend module imports its contract module as ``contract``, whose
    ``__all__`` names what the module offers.

    Args:
        modules: the backend's modules, in the order of the package's ``__all__``.

    Returns:
        A dict ``name -> function or class``.
    """
    return {name: getattr(module, name) for module in modules for name in module.contract.__all__}
