"""The argument handling `autograd.functional` shares, with torch's rules and messages: inputs
and outputs as tuples (remembering whether the caller gave one), fresh graph inputs, the
`strict` checks, and gradients that are None filled with zeros."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _tensor, autograd


def as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether `value` was a tuple, `value` as a tuple of Tensors)."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, el in enumerate(items):
        if not isinstance(el, _tensor.Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but {where} "
                f"has type {type(el)}."
            )
    return is_tuple, items


def unpack(result: Any, was_tuple: Union[bool, tuple[bool, bool]]) -> Any:
    """Undo `as_tuple`: a single Tensor where the caller gave one (per level for nested results)."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            result = tuple(el[0] for el in result)
        return result if outer else result[0]
    return result if was_tuple else result[0]


def graph_inputs(inputs: Sequence[Any], create_graph: bool, need_graph: bool) -> tuple:
    """Inputs to differentiate with respect to: a view keeping the caller's graph when
    create_graph is asked and the input requires grad, else a detached copy."""
    return tuple(
        inp.view_as(inp) if create_graph and inp.requires_grad else inp.detach().requires_grad_(need_graph)
        for inp in inputs
    )


def detached(values: tuple, create_graph: bool) -> tuple:
    """Results cut from the graph unless create_graph (nested tuples followed)."""
    if len(values) and not isinstance(values[0], _tensor.Tensor):
        return tuple(detached(v, create_graph) for v in values)
    return values if create_graph else tuple(v.detach() for v in values)


def validate_v(v: tuple, other: tuple, other_is_tuple: bool) -> None:
    if len(other) != len(v):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {el_other.size()} but got {el_v.size()}.")


_INDEPENDENT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed "
               "in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect to "
                "input {i} is independent of the input. This is not allowed in strict mode. You should ensure that "
                "your function is twice differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
}


def check_requires_grad(values: Sequence[Any], kind: str, strict: bool) -> None:
    """Under `strict`, every value must be present and depend on the inputs."""
    if not strict:
        return
    for i, value in enumerate(values):
        if value is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. "
                "This is not allowed in strict mode."
            )
        if not value.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def grads(outputs: Sequence[Any], inputs: Sequence[Any], grad_outputs: Optional[Sequence[Any]] = None,
          create_graph: bool = False, retain_graph: Optional[bool] = None) -> tuple:
    """autograd.grad over the outputs that require grad (None for every input if none does)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gos = zip(*pairs)
    return autograd.grad(outs, inputs, gos, allow_unused=True, create_graph=create_graph, retain_graph=retain_graph)


_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in strict "
                  "mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
                         "This is not allowed in strict mode as it prevents from using the double backward trick to "
                         "replace forward mode AD.",
}


def fill_in_zeros(values: Sequence[Any], refs: Sequence[Any], strict: bool, create_graph: bool, stage: str) -> tuple:
    """Each None gradient as zeros shaped like its reference (an error under `strict`)."""
    result = []
    for i, value in enumerate(values):
        if value is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            value = _zeros_like(refs[i])
        elif strict and create_graph and not value.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. "
                "This is not allowed in strict mode when create_graph=True."
            )
        result.append(value)
    return tuple(result)


def _zeros_like(t: Any) -> Any:
    return _tensor.Tensor._make(np.zeros_like(t._data), False, None)
