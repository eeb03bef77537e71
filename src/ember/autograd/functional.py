"""`ember.autograd.functional`: derivatives of a whole function, torch's API and results.

Each takes `func` and `inputs` (a Tensor or a tuple of Tensors) and answers in the same
structure as the caller gave: a Tensor where a Tensor was given, a tuple where a tuple was,
nested (outputs outer, inputs inner) for `jacobian` and `hessian`. `create_graph=True` keeps
the results differentiable; `strict=True` raises where an output does not depend on an input
instead of giving zeros.

- `vjp(func, x, v)`: :math:`v^\\top J` (reverse mode, one backward).
- `jvp(func, x, v)`: :math:`J v`, by the double-backward trick torch uses:
  :math:`J v = \\partial_u (u^\\top J)\\,v`, differentiating the vjp with respect to a zero `u`.
- `jacobian(func, x)`: :math:`J_{ij} = \\partial f_i / \\partial x_j`, shaped
  `output.shape + input.shape`, one backward per output element.
- `hessian(func, x)`: the jacobian of the gradient of a scalar function.
- `vhp(func, x, v)`: :math:`v^\\top H`; `hvp(func, x, v)`: :math:`H v` (double-backward trick).

ember has no forward-mode AD: `jacobian(..., strategy="forward-mode", vectorize=True)` and
`hessian(..., outer_jacobian_strategy="forward-mode", vectorize=True)` give the same numbers by
reverse mode; `vectorize=True` is accepted and computes the rows one by one.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import _tensor
from ..ops.join import stack
from ._functional_util import (
    as_tuple, check_requires_grad, detached, fill_in_zeros, grads, graph_inputs, unpack, validate_v,
)
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

Func = Callable[..., Any]


def _prepare(fn_name: str, func: Func, inputs: Any, v: Any, create_graph: bool, strict: bool,
             v_matches_inputs: bool) -> tuple:
    """Run `func` on fresh graph inputs (under enable_grad); check `v` against the inputs or the
    outputs. Returns (inputs given as tuple, inputs, outputs given as tuple, outputs, v)."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", fn_name)
    inputs = graph_inputs(inputs, create_graph, need_graph=True)
    if v is not None:
        v = graph_inputs(as_tuple(v, "v", fn_name)[1], create_graph, need_graph=False)
        if v_matches_inputs:
            validate_v(v, inputs, inputs_tuple)
    elif v_matches_inputs and (len(inputs) != 1 or inputs[0].numel() != 1):
        raise RuntimeError(
            "The vector v can only be None if the input to the user-provided function is a single Tensor "
            "with a single element."
        )
    outputs_tuple, outputs = as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    check_requires_grad(outputs, "outputs", strict)
    return inputs_tuple, inputs, outputs_tuple, outputs, v


def _gradient(fn_name: str, func: Func, inputs: Any, v: Any, create_graph: bool, strict: bool) -> tuple:
    """`_prepare` for a scalar function, plus its gradient as a graph: what vhp and hvp start from."""
    inputs_tuple, inputs, outputs_tuple, outputs, v = _prepare(fn_name, func, inputs, v, create_graph, strict,
                                                               v_matches_inputs=True)
    if outputs_tuple or not isinstance(outputs[0], _tensor.Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    jac = grads(outputs, inputs, create_graph=True)
    check_requires_grad(jac, "jacobian", strict)
    return inputs_tuple, inputs, outputs_tuple, outputs, v, jac


def _finish(outputs: tuple, outputs_tuple: bool, result: tuple, result_tuple: bool, create_graph: bool) -> tuple:
    return (unpack(detached(outputs, create_graph), outputs_tuple),
            unpack(detached(result, create_graph), result_tuple))


def vjp(func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), :math:`v^\\top J`): v shaped like the outputs (omitted for one scalar output)."""
    with enable_grad():
        inputs_tuple, inputs, outputs_tuple, outputs, _ = _prepare("vjp", func, inputs, None, create_graph, strict,
                                                                   v_matches_inputs=False)
        if v is not None:
            v = graph_inputs(as_tuple(v, "v", "vjp")[1], create_graph, need_graph=False)
            validate_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the user-provided function returns a single Tensor with a "
                "single element."
            )
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = fill_in_zeros(grads(outputs, inputs, v, create_graph), inputs, strict, create_graph, "back")
    return _finish(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def jvp(func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), :math:`J v`): v shaped like the inputs (omitted for one scalar input)."""
    with enable_grad():
        _, inputs, outputs_tuple, outputs, v = _prepare("jvp", func, inputs, v, create_graph, strict,
                                                        v_matches_inputs=True)
        grad_outputs = tuple(_zeros_requiring_grad(out) for out in outputs)
        grad_inputs = grads(outputs, inputs, grad_outputs, create_graph=True)
        check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = fill_in_zeros(grads(grad_inputs, grad_outputs, v, create_graph), outputs, strict, create_graph,
                               "back_trick")
    return _finish(outputs, outputs_tuple, result, outputs_tuple, create_graph)


def vhp(func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), :math:`v^\\top H`) of a scalar function."""
    with enable_grad():
        inputs_tuple, inputs, outputs_tuple, outputs, v, jac = _gradient("vhp", func, inputs, v, create_graph, strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = fill_in_zeros(grads(jac, inputs, v, create_graph), inputs, strict, create_graph, "double_back")
    return _finish(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def hvp(func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), :math:`H v`) of a scalar function, by the double-backward trick."""
    with enable_grad():
        inputs_tuple, inputs, outputs_tuple, outputs, v, jac = _gradient("hvp", func, inputs, v, create_graph, strict)
        grad_jac = tuple(_zeros_requiring_grad(inp) for inp in inputs)
        double_back = grads(jac, inputs, grad_jac, create_graph=True)
        check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = fill_in_zeros(grads(double_back, grad_jac, v, create_graph), inputs, strict, create_graph,
                               "double_back_trick")
    return _finish(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def jacobian(func: Func, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of `func` at `inputs`: for output i and input j, a Tensor of shape
    `outputs[i].shape + inputs[j].shape`, nested as the caller gave them."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more '
            'outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use '
            '"reverse-mode".'
        )
    if strategy == "forward-mode":
        _check_forward_mode(create_graph, strict, vectorize)
        return _jacobian_forward_mode(func, inputs)
    if vectorize and strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. "
            "Please either set `strict=False` or `vectorize=False`."
        )
    with enable_grad():
        inputs_tuple, inputs, outputs_tuple, outputs, _ = _prepare("jacobian", func, inputs, None, create_graph,
                                                                   strict, v_matches_inputs=False)
        result = tuple(_jacobian_of(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
        return unpack(detached(result, create_graph), (outputs_tuple, inputs_tuple))


def _jacobian_forward_mode(func: Func, inputs: Any) -> Any:
    """What torch's forward-mode jacobian gives, computed in reverse mode: lists where torch's
    gives lists, not detached, differentiable where the inputs require grad (forward AD records
    the tangents' computation then)."""
    inputs_tuple, given = as_tuple(inputs, "inputs", "jacobian")
    differentiable = any(t.requires_grad for t in given)
    with enable_grad():
        inputs = graph_inputs(given, differentiable, need_graph=True)
        outputs_tuple, outputs = as_tuple(func(*inputs), "outputs", "jacobian")
        result = [list(_jacobian_of(i, out, inputs, differentiable, False)) for i, out in enumerate(outputs)]
    return unpack(result, (outputs_tuple, inputs_tuple))


def _check_forward_mode(create_graph: bool, strict: bool, vectorize: bool) -> None:
    if create_graph:
        raise NotImplementedError(
            "torch.autograd.functional.jacobian: `create_graph=True` and `strategy=\"forward-mode\"` are not "
            "supported together (yet). Please either set `create_graph=False` or `strategy=\"reverse-mode\"`."
        )
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `strategy=\"forward-mode\"` are not supported "
            "together (yet). Please either set `strict=False` or `strategy=\"reverse-mode\"`."
        )
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for "
            "`vectorize=True`."
        )


def _jacobian_of(i: int, out: Any, inputs: tuple, create_graph: bool, strict: bool) -> tuple:
    """The Jacobian blocks of output i, one per input: a backward per element of the output."""
    rows: list[list[Any]] = [[] for _ in inputs]
    flat = out.reshape(-1)
    for k in range(out.numel()):
        row = grads((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
        for j, (g, inp) in enumerate(zip(row, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input {j}. "
                        "This is not allowed in strict mode."
                    )
                g = fill_in_zeros((None,), (inp,), False, create_graph, "back")[0]
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode when create_graph=True."
                )
            rows[j].append(g)
    return tuple(
        stack(blocks, 0).view(tuple(out.shape) + tuple(inp.shape)) if blocks
        else _empty_block(out, inp) for blocks, inp in zip(rows, inputs)
    )


def _empty_block(out: Any, inp: Any) -> Any:
    """The Jacobian of an output without elements: empty, shaped `out.shape + inp.shape`."""
    return inp.new_zeros(tuple(out.shape) + tuple(inp.shape))


def hessian(func: Func, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar function: for inputs i and j, `inputs[i].shape + inputs[j].shape`."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*inp: Any) -> Any:
        out = func(*inp)
        out_tuple, t_out = as_tuple(out, "outputs of the user-provided function", "hessian")
        check_requires_grad(t_out, "outputs", strict)
        if out_tuple or not isinstance(out, _tensor.Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def jac_func(*inp: Any) -> Any:
        jac = jacobian(scalar_func, inp, create_graph=True)
        check_requires_grad(jac, "jacobian", strict)
        return jac

    if outer_jacobian_strategy == "forward-mode":  # torch's jac_func makes its inputs require grad
        inputs = tuple(t.detach().requires_grad_(True) for t in inputs)
    result = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return unpack(result, (inputs_tuple, inputs_tuple))


def _zeros_requiring_grad(t: Any) -> Any:
    return t.new_zeros(tuple(t.shape)).requires_grad_(True)
