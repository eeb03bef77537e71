"""Running one OpInfo of torch's `op_db` through ember: every sample of every dtype ember has,
through each variant torch has (function, Tensor method, in-place method); values, dtypes and
shapes of the outputs; gradients for a random cotangent in float64, and second derivatives where
the OpInfo supports gradgrad; and the error inputs, which must raise torch's exception type.
Where torch raises computing a derivative (one it does not implement, though the OpInfo claims
it: ctc_loss's second), ember must raise the same exception type: that is torch's behaviour.
"""

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import torch

import ember
from torch_db import scope
from torch_db.accuracy import compare_by_accuracy, float64_runs
from torch_db.convert import Unconvertible, compare, tensors_in, to_ember, to_ember_aliased
from torch_db.outcome import MISSING, OUT_OF_SCOPE, Failure, Outcome, judged, summary


# A few OpInfos generate hundreds of samples per dtype (max_pool2d: 1440, each with gradients);
# past this many, an evenly spaced subset runs, so that the whole database fits in a test run.
SAMPLE_CAP = 128


@dataclass(frozen=True)
class Variant:
    """One way to call the op: `torch_call` and `ember_call` take (input, args, kwargs)."""

    label: str
    torch_call: Callable
    ember_call: Optional[Callable]


def entry_name(op: Any) -> str:
    """`name.variant_test_name`, the OpInfo's key in the coverage table."""
    return f"{op.name}.{op.variant_test_name}" if op.variant_test_name else op.name


def run_op(op: Any) -> Outcome:
    """The outcome of OpInfo `op`; a crash inside ember is a failure, never an exception."""
    name = entry_name(op)
    dtypes = [d for d in scope.DTYPES if d in op.supported_dtypes("cpu")]
    reason = scope.op_out_of_scope(name, bool(dtypes))
    if reason:
        return Outcome(name, OUT_OF_SCOPE, reason)
    variants = _variants(op)
    present = [v for v in variants if v.ember_call is not None]
    absent = [v.label for v in variants if v.ember_call is None]
    if not present:
        return Outcome(name, MISSING, "no " + " / ".join(absent))
    torch.manual_seed(0)

    def check() -> None:
        compared = sum(_check_dtype(op, name, dtype, present) for dtype in dtypes)
        _check_errors(op, present)
        if not compared:
            raise AssertionError(f"no sample runs: {present[0].label.replace('ember', 'torch')} rejects "
                                 "every sample written for the OpInfo's wrapper")
        if absent:
            raise AssertionError("every sample passes, but there is no " + " / ".join(absent))

    return judged(name, check)


def _variants(op: Any) -> list:
    path = scope.RENAMED.get(op.name, op.name)
    variants = []
    torch_fn = _resolve(torch, op.name)
    if callable(torch_fn) and not isinstance(torch_fn, type):
        ember_fn = _resolve(ember, path)
        swap = op.name in scope.SWAPPED
        variants.append(Variant(f"ember.{path}", _function(torch_fn, swap),
                                _function(ember_fn, swap) if ember_fn else None))
    method = op.name.rsplit(".", 1)[-1]
    if (op.method_variant is not None or not variants) and hasattr(torch.Tensor, method):
        variants.append(Variant(f"Tensor.{method}", _method(method), _method(method) if hasattr(ember.Tensor, method) else None))
    inplace = method + "_"
    if op.inplace_variant is not None and hasattr(torch.Tensor, inplace):
        variants.append(Variant(f"Tensor.{inplace}", _method(inplace), _method(inplace) if hasattr(ember.Tensor, inplace) else None))
    return variants


def _resolve(root: Any, path: str) -> Any:
    for part in path.split("."):
        root = getattr(root, part, None)
    return root


def _function(fn: Callable, swap: bool) -> Callable:
    if swap:
        return lambda x, args, kwargs: fn(args[0], x, *args[1:], **kwargs)
    return lambda x, args, kwargs: fn(x, *args, **kwargs)


def _method(name: str) -> Callable:
    def call(x: Any, args: tuple, kwargs: dict) -> Any:
        attribute = getattr(x, name)
        return attribute(*args, **kwargs) if callable(attribute) else attribute

    return call


def _describe(dtype: torch.dtype, index: int, sample: Any) -> str:
    def short(value: Any) -> str:
        if isinstance(value, torch.Tensor):
            return f"Tensor{list(value.shape)}"
        if isinstance(value, (list, tuple)):
            return "(" + ", ".join(short(v) for v in value) + ")"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}={short(v)}" for k, v in value.items()) + "}"
        text = repr(value)
        return text if len(text) < 30 else text[:27] + "..."

    parts = [short(sample.input)] + [short(a) for a in sample.args]
    parts += [f"{k}={short(v)}" for k, v in sample.kwargs.items()]
    return f"{str(dtype).removeprefix('torch.')} sample {index} ({', '.join(parts)})"


def _samples(op: Any, dtype: torch.dtype) -> Iterator:
    """(index, sample) for at most SAMPLE_CAP samples, evenly spread over the generator's."""
    grad = dtype is torch.float64 and op.supports_autograd
    samples = list(op.sample_inputs("cpu", dtype, requires_grad=grad))
    step = max(1.0, len(samples) / SAMPLE_CAP)
    return ((int(i * step), samples[int(i * step)]) for i in range(min(len(samples), SAMPLE_CAP)))


def _check_dtype(op: Any, name: str, dtype: torch.dtype, variants: list) -> int:
    """Check every sample of `dtype` through every variant; the number of calls compared."""
    compared = 0
    for index, sample in _samples(op, dtype):
        if scope.sample_out_of_scope(sample.kwargs):
            continue
        shape_only = scope.sample_shape_only(name, sample.kwargs, sample.args)
        where = _describe(dtype, index, sample)
        for number, variant in enumerate(variants):
            inplace = variant.label.endswith("_")
            if inplace:
                sample = _detached(sample)
            try:
                converted = to_ember((sample.input, sample.args, sample.kwargs))
            except Unconvertible:
                continue
            try:
                expected = variant.torch_call(sample.input, sample.args, sample.kwargs)
            except Exception:  # a sample written for the OpInfo's wrapper, not for this call
                continue
            process = _well_defined_part(name, sample)
            expected = process(expected)
            try:
                actual = process(variant.ember_call(*converted))
            except Exception as error:
                raise Failure(where, f"{variant.label}: {summary(error)}") from None
            try:
                if dtype is torch.float32 and name in scope.FLOAT32_BY_ACCURACY and not shape_only:
                    runs = float64_runs(variant.torch_call, (sample.input, sample.args, sample.kwargs), name)
                    compare_by_accuracy(expected, actual, *runs, variant.label)
                else:
                    compare(expected, actual, variant.label, values=not shape_only)
                if inplace:
                    compare(sample.input, converted[0], f"{variant.label} input", values=not shape_only)
                if number == 0 and dtype is torch.float64 and not shape_only and not inplace:
                    _check_grads(op, sample, converted, expected, actual, name not in scope.NO_CPU_GRADGRAD)
            except AssertionError as error:
                raise Failure(where, summary(error)) from None
            compared += 1
    return compared


def _well_defined_part(name: str, sample: Any) -> Callable:
    """The sample's `output_process_fn_grad` for an op whose outputs are defined up to sign
    (scope.SIGN_AMBIGUOUS), else the identity."""
    if name in scope.SIGN_AMBIGUOUS and sample.output_process_fn_grad is not None:
        return sample.output_process_fn_grad
    return lambda output: output


def _detached(sample: Any) -> Any:
    clone = lambda v: v.detach().clone() if isinstance(v, torch.Tensor) else v
    return type(sample)(clone(sample.input), args=tuple(clone(a) for a in sample.args),
                        kwargs={k: clone(v) for k, v in sample.kwargs.items()})


def _differentiable(outputs: Any) -> list:
    return [i for i, t in enumerate(tensors_in(outputs)) if t.requires_grad]


def _check_grads(op: Any, sample: Any, converted: tuple, expected: Any, actual: Any, gradgrad: bool) -> None:
    """Gradients for a random cotangent, then second derivatives for another (where `gradgrad`
    and the OpInfo supports it)."""
    gradgrad = gradgrad and op.supports_gradgrad
    inputs = [t for t in tensors_in((sample.input, sample.args, sample.kwargs)) if t.requires_grad]
    ember_inputs = [t for t in tensors_in(converted) if t.requires_grad]
    chosen = _differentiable(expected)
    if not inputs or not chosen:
        return
    outs = [tensors_in(expected)[i] for i in chosen]
    ember_outs = [tensors_in(actual)[i] for i in chosen]
    grads, ember_grads = _grads(outs, ember_outs, inputs, ember_inputs, gradgrad, "backward")
    for i, (torch_grad, ember_grad) in enumerate(zip(grads, ember_grads)):
        compare(torch_grad, ember_grad, f"grad of input {i}")
    pairs = [(g, e) for g, e in zip(grads, ember_grads) if g.requires_grad]
    if not gradgrad or not pairs:
        return
    firsts, ember_firsts = [g for g, _ in pairs], [e for _, e in pairs]
    seconds, ember_seconds = _grads(firsts, ember_firsts, inputs, ember_inputs, False, "double backward")
    for i, (torch_grad, ember_grad) in enumerate(zip(seconds, ember_seconds)):
        compare(torch_grad, ember_grad, f"second derivative of input {i}")


def _grads(outs: list, ember_outs: list, inputs: list, ember_inputs: list, create_graph: bool,
           stage: str) -> tuple:
    """The gradients of `inputs` for a random cotangent of `outs`, in torch and in ember (an
    ember output that does not require grad contributes nothing); None gradients become zeros.
    Where torch raises (a derivative it does not implement), ember must raise the same exception
    type, and there is nothing to compare: ([], [])."""
    cotangents = [torch.randn_like(o) for o in outs]
    try:
        grads = torch.autograd.grad(outs, inputs, cotangents, allow_unused=True, create_graph=create_graph)
    except Exception as torch_error:  # a derivative torch does not implement (ctc_loss's second)
        grads = torch_error
    kept = [(o, to_ember(c)) for o, c in zip(ember_outs, cotangents) if o.requires_grad]
    try:
        ember_grads = (ember.autograd.grad([o for o, _ in kept], ember_inputs, [c for _, c in kept],
                                           allow_unused=True, create_graph=create_graph)
                       if kept else [None] * len(ember_inputs))
    except Exception as error:
        if isinstance(grads, Exception) and isinstance(error, type(grads)):
            return [], []
        raise AssertionError(f"{stage}: {summary(error)}") from None
    if isinstance(grads, Exception):
        raise AssertionError(f"{stage}: torch raises {summary(grads)}; ember computes it")
    return ([torch.zeros_like(x) if g is None else g for g, x in zip(grads, inputs)],
            [ember.zeros_like(x) if g is None else g for g, x in zip(ember_grads, ember_inputs)])


def _check_errors(op: Any, variants: list) -> None:
    """Each error input must make ember raise torch's error type. An error input is written for
    the OpInfo's own op, which may be a variant other than the function (`normal.in_place`'s is
    `Tensor.normal_`): it runs through the first variant whose torch call raises that type; where
    none does, the error is the OpInfo wrapper's, and the input is passed over. Tensors keep their
    memory relations (`to_ember_aliased`): an `out=` that overlaps an input is an error input."""
    if op.error_inputs_func is None:
        return
    for index, error_input in enumerate(op.error_inputs("cpu")):
        sample, wanted = error_input.sample_input, error_input.error_type
        where = f"error input {index} ({_describe(sample.input.dtype if isinstance(sample.input, torch.Tensor) else torch.float32, index, sample).split('(', 1)[1]}"
        variant = next((v for v in variants if _raises(v.torch_call, sample, wanted)), None)
        if variant is None:
            continue
        try:
            converted = to_ember_aliased((sample.input, sample.args, sample.kwargs))
        except Unconvertible:
            continue
        try:
            variant.ember_call(*converted)
        except wanted:
            continue
        except Exception as error:
            raise Failure(where, f"{variant.label}: torch raises {wanted.__name__}, ember {summary(error)}") from None
        raise Failure(where, f"{variant.label}: torch raises {wanted.__name__}, ember accepts it")


def _raises(call: Callable, sample: Any, wanted: type) -> bool:
    """Whether torch's `call` raises `wanted` on `sample` (variants are tried function first, the
    in-place method last, so that no variant runs on what an in-place call has written)."""
    try:
        call(sample.input, sample.args, sample.kwargs)
    except wanted:
        return True
    except Exception:
        return False
    return False
