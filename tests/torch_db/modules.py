"""Running one ModuleInfo of torch's `module_db` through ember: each constructor configuration
from `module_inputs_func` builds the torch module and ember's, ember's loads torch's state_dict,
and both run the forward inputs in train and in eval mode; outputs, the state after the forward
(running statistics), and in float64 the gradients of the inputs and of every parameter for a
random cotangent must match; and the ModuleInfo's error inputs raise torch's errors. The float32
outputs of scope.FLOAT32_BY_ACCURACY's modules compare by accuracy (torch_db.accuracy).
"""

import copy
from typing import Any

import torch

import ember
from torch_db import scope
from torch_db.accuracy import compare_by_accuracy, in_float64
from torch_db.convert import compare, ember_dtype, tensors_in, to_ember
from torch_db.error_inputs import check_module_errors
from torch_db.outcome import MISSING, OUT_OF_SCOPE, Failure, Outcome, judged, summary

DTYPES = (torch.float64, torch.float32)
# nn.Transformer lists 64 configurations per dtype and mode, each a full model with gradients;
# past this many, an evenly spaced subset runs.
INPUT_CAP = 12


def run_module(info: Any) -> Outcome:
    """The outcome of ModuleInfo `info`; a crash inside ember is a failure, never an exception."""
    reason = scope.module_out_of_scope(info.name)
    if reason:
        return Outcome(info.name, OUT_OF_SCOPE, reason)
    cls_name = info.module_cls.__name__
    ember_cls = getattr(ember.nn, cls_name, None)
    if ember_cls is None:
        return Outcome(info.name, MISSING, f"no ember.nn.{cls_name}")
    torch.manual_seed(0)

    def check() -> None:
        for dtype in DTYPES:
            for training in (True, False):
                _check(info, ember_cls, dtype, training)
        check_module_errors(info, ember_cls)

    return judged(info.name, check)


def _check(info: Any, ember_cls: type, dtype: torch.dtype, training: bool) -> None:
    grad = dtype is torch.float64
    inputs = info.module_inputs_func(info, device="cpu", dtype=dtype, requires_grad=grad, training=training)
    step = max(1.0, len(inputs) / INPUT_CAP)
    for index in (int(i * step) for i in range(min(len(inputs), INPUT_CAP))):
        module_input = inputs[index]
        where = (f"{str(dtype).removeprefix('torch.')} {'train' if training else 'eval'} "
                 f"input {index} ({module_input.desc or 'default'})")
        try:
            _check_input(info, ember_cls, dtype, training, module_input, grad)
        except Exception as error:
            raise Failure(where, summary(error)) from None


def _check_input(info: Any, ember_cls: type, dtype: torch.dtype, training: bool, module_input: Any,
                 grad: bool) -> None:
    constructor, forward = module_input.constructor_input, module_input.forward_input
    torch_module = info.module_cls(*constructor.args, **constructor.kwargs).to(dtype).train(training)
    ember_module = ember_cls(*to_ember(constructor.args), **to_ember(constructor.kwargs))
    ember_module.to(ember_dtype(dtype)).train(training)
    ember_module.load_state_dict({k: to_ember(v) for k, v in torch_module.state_dict().items()})
    converted = to_ember((forward.args, forward.kwargs))
    expected = torch_module(*forward.args, **forward.kwargs)
    actual = ember_module(*converted[0], **converted[1])
    if dtype is torch.float32 and info.name in scope.FLOAT32_BY_ACCURACY:
        compare_by_accuracy(expected, actual, *_float64_runs(torch_module, forward.args, forward.kwargs))
    else:
        compare(expected, actual, "output")
    compare(list(torch_module.state_dict().values()), list(ember_module.state_dict().values()), "state_dict")
    if grad:
        _check_grads(torch_module, ember_module, (forward.args, forward.kwargs), converted, expected, actual)


def _float64_runs(torch_module: Any, args: tuple, kwargs: dict) -> tuple:
    """(reference, magnitude) for a float32 module (torch_db.accuracy): a float64 copy of it on
    the inputs in float64, and the same with every parameter and input made absolute."""
    exact = copy.deepcopy(torch_module).double()
    absolute = copy.deepcopy(exact)
    with torch.no_grad():
        for parameter in absolute.parameters():
            parameter.abs_()
        return (exact(*in_float64(args), **in_float64(kwargs)),
                absolute(*in_float64(args, absolute=True), **in_float64(kwargs, absolute=True)))


def _check_grads(torch_module: Any, ember_module: Any, torch_inputs: Any, ember_inputs: Any,
                 expected: Any, actual: Any) -> None:
    outs = [t for t in tensors_in(expected) if t.requires_grad]
    ember_outs = [e for t, e in zip(tensors_in(expected), tensors_in(actual)) if t.requires_grad]
    if not outs:
        return
    names = [n for n, _ in torch_module.named_parameters()]
    leaves = [t for t in tensors_in(torch_inputs) if t.requires_grad] + [p for _, p in torch_module.named_parameters()]
    ember_params = dict(ember_module.named_parameters())
    missing = [n for n in names if n not in ember_params]
    if missing:
        raise AssertionError(f"ember's module has no parameter {missing[0]}")
    ember_leaves = [t for t in tensors_in(ember_inputs) if t.requires_grad] + [ember_params[n] for n in names]
    labels = [f"grad of input {i}" for i in range(len(leaves) - len(names))] + [f"grad of {n}" for n in names]
    cotangents = [torch.randn_like(o) for o in outs]
    grads = torch.autograd.grad(outs, leaves, cotangents, allow_unused=True)
    ember_grads = ember.autograd.grad(ember_outs, ember_leaves, [to_ember(c) for c in cotangents], allow_unused=True)
    for label, g, e, leaf, ember_leaf in zip(labels, grads, ember_grads, leaves, ember_leaves):
        compare(torch.zeros_like(leaf) if g is None else g, ember.zeros_like(ember_leaf) if e is None else e, label)
