"""Autograd switches and safety nets: grad modes, the version counter and in-place rules, user
Functions with torch's contract, and anomaly detection."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from ember import autograd


def _pair(values, requires_grad=True):
    a = np.asarray(values, dtype=np.float64)
    return ember.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _close(e, t):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)


# grad modes

def test_no_grad_enable_grad_nest_and_restore():
    x = ember.ones(2, requires_grad=True)
    assert ember.is_grad_enabled()
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
            with ember.no_grad():
                assert not ember.is_grad_enabled()
            assert ember.is_grad_enabled()
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()


def test_grad_modes_restore_after_an_exception():
    with pytest.raises(ValueError):
        with ember.no_grad():
            raise ValueError
    assert ember.is_grad_enabled()


def test_grad_modes_as_decorators():
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad()
    def frozen(t):
        return t * 2

    @ember.enable_grad()
    def live(t):
        return t * 2

    @ember.inference_mode()
    def infer(t):
        assert ember.is_inference_mode_enabled()
        return t * 2

    assert not frozen(x).requires_grad
    with ember.no_grad():
        assert live(x).requires_grad
    assert not infer(x).requires_grad
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()
    assert frozen.__name__ == "frozen"


def test_set_grad_enabled_as_function_and_context():
    x = ember.ones(2, requires_grad=True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with ember.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)
    assert ember.is_grad_enabled()


def test_inference_mode_context():
    x = ember.ones(2, requires_grad=True)
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() and not (x * 2).requires_grad
        with ember.inference_mode(False):
            assert (x * 2).requires_grad
    assert not ember.is_inference_mode_enabled() and ember.is_grad_enabled()


# version counter and in-place safety

def test_inplace_change_of_a_saved_tensor_is_caught_at_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = h * h  # saves h
    h.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been modified by an inplace operation"):
        y.sum().backward()


def test_inplace_change_of_a_saved_output_is_caught():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_a_view_of_a_saved_tensor_is_caught():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    h = x * 1
    y = (h * h).sum()
    h[0].zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_version_counter_counts_inplace_ops_and_is_shared_with_views():
    x = ember.zeros(3)
    v0 = x._version
    x.add_(1)
    x[0] = 5.0
    x.mul_(2)
    assert x._version == v0 + 3
    view = x[1:]
    view.zero_()
    assert x._version == v0 + 4 and view._version == x._version
    np.testing.assert_array_equal(x.numpy(), [10.0, 0.0, 0.0])


def test_inplace_on_a_leaf_that_requires_grad_is_refused_outside_no_grad():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[0] = 3.0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        x[0].mul_(2)
    with ember.no_grad():
        x.add_(1)
        x[0] = 5.0
    np.testing.assert_array_equal(x.numpy(force=True), [5.0, 2.0])
    assert x.is_leaf and x.requires_grad


def test_inplace_on_non_leaf_rebases_history_like_torch():
    ex, tx = _pair([1.0, -2.0, 3.0])
    ey, ty = _pair([0.5, 0.5, 2.0])
    for x, y in ((ex, ey), (tx, ty)):
        h = x * 2
        h += y
        h.mul_(x).clamp_(-5, 5)
        h[1] = y[0] * 3
        h.sum().backward()
    _close(ex.grad, tx.grad)
    _close(ey.grad, ty.grad)


# user-defined Functions

class _ScaledExp(autograd.Function):
    """exp(x) * k for a number k, with a tensor output saved for backward."""

    @staticmethod
    def forward(ctx, x, k):
        out = x.exp() * k
        ctx.save_for_backward(out)
        ctx.k = k
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out, None


class _SplitSign(autograd.Function):
    """(|x|, sign(x)), the sign marked non-differentiable; checks needs_input_grad."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x)
        s = x.sign()
        ctx.mark_non_differentiable(s)
        return x.abs() * y, s

    @staticmethod
    def backward(ctx, grad, grad_sign):
        (x,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return grad * x.sign() * 2, None


def test_user_function_forward_backward_and_double_backward():
    x = ember.tensor([0.5, -1.0], dtype=ember.float64, requires_grad=True)
    y = _ScaledExp.apply(x, 3.0)
    assert y.grad_fn.name() == "_ScaledExpBackward"
    np.testing.assert_allclose(y.detach().numpy(), 3 * np.exp([0.5, -1.0]), rtol=1e-12)
    (g,) = autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 3 * np.exp([0.5, -1.0]), rtol=1e-12)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 3 * np.exp([0.5, -1.0]), rtol=1e-12)
    assert autograd.gradcheck(lambda t: _ScaledExp.apply(t, 2.0), (x,))
    assert autograd.gradgradcheck(lambda t: _ScaledExp.apply(t, 2.0), (x,))


def test_user_function_needs_input_grad_and_non_differentiable_outputs():
    x = ember.tensor([2.0, -3.0], requires_grad=True)
    y = ember.tensor([1.0, 1.0])
    mag, sign = _SplitSign.apply(x, y)
    assert mag.requires_grad and not sign.requires_grad
    mag.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -2.0])


def test_user_function_without_grad_records_nothing():
    x = ember.ones(2)
    y = _ScaledExp.apply(x, 1.0)
    assert y.grad_fn is None and not y.requires_grad
    with ember.no_grad():
        assert _ScaledExp.apply(ember.ones(2, requires_grad=True), 1.0).grad_fn is None


def test_user_function_saved_tensors_are_freed_after_backward():
    x = ember.ones(2, requires_grad=True)
    y = _ScaledExp.apply(x, 1.0)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.grad_fn.saved_tensors


def test_user_function_returning_the_wrong_number_of_gradients_raises():
    class Bad(autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, 2.0).sum().backward()


# anomaly detection

def test_detect_anomaly_names_the_op_whose_backward_made_nan():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.sqrt() * 0  # d sqrt / dx at 0 is inf; inf * 0 = nan in SqrtBackward0's output
        with pytest.raises(RuntimeError, match="SqrtBackward0.*nan"):
            y.sum().backward()
    x.grad = None
    (x.sqrt() * 0).sum().backward()  # outside detect_anomaly the nan passes silently, as in torch
    assert np.isnan(x.grad.numpy()[0])


def test_detect_anomaly_shows_where_the_op_was_created():
    x = ember.tensor([0.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.log()  # the traceback of this line is in the message
        with pytest.raises(RuntimeError, match="test_autograd_modes.py"):
            (y * 0).sum().backward()


def test_detect_anomaly_keeps_user_frames_under_a_folder_named_ember(tmp_path):
    script = tmp_path / "ember" / "project" / "train.py"
    script.parent.mkdir(parents=True)
    script.write_text(
        "import ember\n"
        "x = ember.tensor([0.0], requires_grad=True)\n"
        "with ember.autograd.detect_anomaly():\n"
        "    y = x.log()  # the line to find\n"
        "    try:\n"
        "        (y * 0).sum().backward()\n"
        "    except RuntimeError as err:\n"
        "        print(err)\n"
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "LogBackward0" in run.stdout
    assert f'File "{script}", line 4' in run.stdout and "the line to find" in run.stdout
    package = os.path.dirname(ember.__file__)
    assert package not in run.stdout  # ember's own frames are left out
