"""Advice of the mnist catalogue that must not point the wrong way (tests of the visible cell)."""

import pytest

from tests.testing.test_named_mistakes import visible_failure

TRAIN_MLP = '''def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):
    n = len(X)
    params = init_params([X.shape[1], num_hiddens, Y.shape[1]], seed)
    {before_the_loop}
    losses = []
    for epoch in range(num_epochs):
        {each_epoch}
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            logits, caches = forward(params, X[batch])
            loss, dlogits = loss_and_grad(Y[batch], logits)
            params = sgd_step(params, backward(params, caches, dlogits), lr)
            total += loss * len(batch)
        losses.append(total / n)
    return params, losses
'''


def named(before_the_loop, each_epoch):
    """The lines "Likely mistake: ..." of the visible test of train_mlp written so."""
    source = TRAIN_MLP.format(before_the_loop=before_the_loop, each_epoch=each_epoch)
    message = visible_failure("mnist", "train_mlp", source, "train_mlp_steps")
    return [line for line in message.splitlines() if line.startswith("Likely mistake:")]


@pytest.mark.parametrize(("before_the_loop", "each_epoch"), [
    ("pass", "rng = np.random.default_rng(seed); order = rng.permutation(n)"),
    ("order = np.random.default_rng(seed).permutation(n)", "pass"),
], ids=["generator-made-every-epoch", "order-drawn-once"])
def test_the_same_order_in_every_epoch_names_both_causes(before_the_loop, each_epoch,
                                                           monkeypatch):
    """The two ways to the same order every epoch give the same losses: the advice names both."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    [line] = named(before_the_loop, each_epoch)
    assert "either the generator was made anew in every epoch" in line, line
    assert "or the order was drawn once, before the loop" in line, line


def test_a_generator_made_once_with_another_seed_is_not_named(monkeypatch):
    """Another order in each epoch is no known mistake: the advice must not name one."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    before_the_loop = "rng = np.random.default_rng(seed + 1)"
    assert named(before_the_loop, "order = rng.permutation(n)") == []
