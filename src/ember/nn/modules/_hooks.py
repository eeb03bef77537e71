"""Module hooks beyond the forward ones: full backward hooks and backward pre-hooks, and
`always_call` forward hooks, with torch's semantics.

A call of a module that has backward hooks passes its tensor arguments (those requiring grad)
through one identity node and its tensor outputs through another. In backward, the output node
sees grad_output first: it runs the pre-hooks `hook(module, grad_output)`, each of which may
return a replacement. The input node then sees grad_input, the gradients of the positional
arguments (None where an argument is not a tensor requiring grad), and runs the hooks
`hook(module, grad_input, grad_output)`, each of which may return a replacement grad_input.
When no argument requires grad the hooks run from the output node with grad_input all None.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

from ..._tensor import Tensor
from ...ops.backward_hook import BackwardHookFunction

Grads = tuple[Optional[Tensor], ...]


def _replaced(kind: str, result: Any, expected: Grads) -> Grads:
    result = result if isinstance(result, tuple) else (result,)
    if len(result) != len(expected):
        raise RuntimeError(f"Backward {kind} returned an invalid number of grad_{'output' if 'pre' in kind else 'input'}, "
                           f"got {len(result)}, but expected {len(expected)}")
    return result


class BackwardHook:
    """The state of one module call with backward hooks: where the tensor arguments and outputs
    sit, and grad_output once the output node has seen it."""

    def __init__(self, module: Any, hooks: list[Callable[..., Any]], pre_hooks: list[Callable[..., Any]]) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.n_inputs = 0
        self.input_positions: list[int] = []
        self.grad_output: Optional[Grads] = None

    def _run_hooks(self, grad_input: Grads) -> Grads:
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = _replaced("hook", result, grad_input)
        return grad_input

    def setup_input_hook(self, args: tuple) -> tuple:
        """args with each tensor requiring grad replaced by its image through one identity node."""
        self.n_inputs = len(args)
        self.input_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        if not self.input_positions or not self.hooks:
            return args

        def on_grad_input(grads: Grads) -> Grads:
            packed = [None] * self.n_inputs
            for i, g in zip(self.input_positions, grads):
                packed[i] = g
            result = self._run_hooks(tuple(packed))
            return tuple(result[i] for i in self.input_positions)

        images = BackwardHookFunction.apply(on_grad_input, *[args[i] for i in self.input_positions])
        images = images if isinstance(images, tuple) else (images,)
        args = list(args)
        for i, image in zip(self.input_positions, images):
            args[i] = image
        return tuple(args)

    def setup_output_hook(self, output: Any) -> Any:
        """output with its tensors passed through the identity node that records grad_output."""
        single = isinstance(output, Tensor)
        outputs = (output,) if single else output
        if not isinstance(outputs, tuple):
            return output
        positions = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.requires_grad]
        if not positions:
            return output

        def on_grad_output(grads: Grads) -> Grads:
            packed: list[Optional[Tensor]] = [None] * len(outputs)
            for i, g in zip(positions, grads):
                packed[i] = g
            grad_output = tuple(packed)
            for hook in self.pre_hooks:
                result = hook(self.module, grad_output)
                if result is not None:
                    grad_output = _replaced("pre hook", result, grad_output)
            self.grad_output = grad_output
            if not self.input_positions and self.hooks:
                self._run_hooks((None,) * self.n_inputs)
            return tuple(grad_output[i] for i in positions)

        images = BackwardHookFunction.apply(on_grad_output, *[outputs[i] for i in positions])
        images = images if isinstance(images, tuple) else (images,)
        replaced = list(outputs)
        for i, image in zip(positions, images):
            replaced[i] = image
        return replaced[0] if single else tuple(replaced)


def call_with_hooks(module: Any, args: tuple, kwargs: dict) -> Any:
    """Module.__call__ when the module has any hook: forward pre-hooks, backward hook setup,
    forward, forward hooks (the `always_call` ones also when forward raised)."""
    backward = None
    if module._backward_hooks or module._backward_pre_hooks:
        backward = BackwardHook(module, [h for h in module._backward_hooks], [h for h in module._backward_pre_hooks])
    for hook, with_kwargs in list(module._forward_pre_hooks):
        result = hook(module, args, kwargs) if with_kwargs else hook(module, args)
        if result is None:
            continue
        if not with_kwargs:
            args = result if isinstance(result, tuple) else (result,)
        elif isinstance(result, tuple) and len(result) == 2:
            args, kwargs = result
        else:
            raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {result}.")
    if backward is not None:
        args = backward.setup_input_hook(args)
    called: set[int] = set()
    try:
        output = module.forward(*args, **kwargs)
        for index, (hook, with_kwargs, _) in enumerate(list(module._forward_hooks)):
            called.add(index)
            result = hook(module, args, kwargs, output) if with_kwargs else hook(module, args, output)
            if result is not None:
                output = result
    except Exception:
        for index, (hook, with_kwargs, always) in enumerate(list(module._forward_hooks)):
            if always and index not in called:
                try:
                    hook(module, args, kwargs, None) if with_kwargs else hook(module, args, None)
                except Exception as error:  # forward's own error is the one raised, as in torch
                    warnings.warn(
                        "module forward hook with ``always_call=True`` raised an exception that was silenced as "
                        f"another error was raised in forward: {error}", stacklevel=3,
                    )
        raise
    if backward is not None:
        output = backward.setup_output_hook(output)
    return output
