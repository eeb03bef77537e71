"""Moving values between torch and ember, and comparing what each returned.

Tensors become ember tensors of the same dtype and values (a leaf that requires grad where the
torch one does); `torch.dtype`, `torch.device` and containers convert recursively; anything else
(numbers, strings, slices, None) passes as it is.

`to_ember` copies each tensor; `to_ember_aliased` keeps the memory relations between them: the
tensors that share a torch storage become NumPy views, with the same offsets and strides, of one
copy of that storage. Error inputs are converted that way, as some are errors only because of
aliasing (an `out=` that is an `expand()`ed tensor or a view of an input, which torch refuses);
samples keep independent copies, as the op harness checks an in-place variant's input after the
call, and a view of another sample tensor would see that write.
"""

from typing import Any, Optional

import numpy as np
import torch

import ember
from tolerances import REDUCTION, TOLERANCES


class Unconvertible(TypeError):
    """A torch value ember has no counterpart for (a complex tensor, a memory format...)."""


def to_ember_aliased(value: Any) -> Any:
    """`to_ember(value)`, except that tensors sharing a torch storage share memory in ember too
    (views of one NumPy copy of the storage, with torch's offsets and strides)."""
    memo: dict = {}
    storages: dict = {}
    for t in tensors_in(value):
        if isinstance(t, torch.Tensor):
            shared = _shared_view(t, storages)
            if shared is not None:
                memo[id(t)] = shared
    return to_ember(value, memo)


def _shared_view(t: torch.Tensor, storages: dict) -> Optional[ember.Tensor]:
    """`t` as an ember tensor over `storages`' copy of its torch storage (made on first use), or
    None for a tensor `_tensor` converts on its own terms (no plain strided storage to share)."""
    if (t.is_complex() or t.layout != torch.strided or t.is_quantized or t.is_meta or t.is_conj()
            or t.is_neg() or t._is_zerotensor() or t.untyped_storage().nbytes() == 0):
        return None
    storage = t.untyped_storage()
    key = (storage.data_ptr(), t.dtype)
    if key not in storages:
        whole = torch.empty(0, dtype=t.dtype).set_(storage, 0, (storage.nbytes() // t.element_size(),))
        storages[key] = whole.numpy().copy()
    base = storages[key]
    try:
        array = np.lib.stride_tricks.as_strided(base[t.storage_offset():], tuple(t.shape),
                                                tuple(s * base.itemsize for s in t.stride()))
    except ValueError as error:  # past NumPy's 64 dimensions
        raise Unconvertible(str(error)) from None
    converted = ember.from_numpy(array)
    if t.requires_grad:
        converted.requires_grad_(True)
    return converted


def to_ember(value: Any, memo: Optional[dict] = None) -> Any:
    """The ember counterpart of `value`, recursively through lists, tuples and dicts; a tensor
    that occurs twice becomes one ember tensor (`memo`, by id), so gradients accumulate alike."""
    memo = {} if memo is None else memo
    if isinstance(value, torch.Tensor):
        if id(value) not in memo:
            memo[id(value)] = _tensor(value)
        return memo[id(value)]
    if isinstance(value, torch.dtype):
        return ember_dtype(value)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.nn.Module):
        return _module(value)
    if isinstance(value, (torch.memory_format, torch.layout, torch.Generator)):
        raise Unconvertible(f"ember has no {type(value).__name__} ({value})")
    if callable(value) and getattr(torch.nn.functional, getattr(value, "__name__", ""), None) is value:
        return _functional(value)
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return type(value)(to_ember(v, memo) for v in value)
    if isinstance(value, dict):
        return {k: to_ember(v, memo) for k, v in value.items()}
    return value


def _module(module: torch.nn.Module) -> Any:
    """The ember module of the same class, built from the configuration `module` was built with
    (read back from its submodules), holding its state_dict, in its mode; only the transformer
    layers (the argument of TransformerEncoder/Decoder) and modules without tensors are known."""
    name = type(module).__name__
    if name not in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        return _stateless_module(module)
    attention = module.self_attn
    rebuilt = getattr(ember.nn, name)(
        attention.embed_dim, attention.num_heads, module.linear1.out_features, module.dropout.p,
        to_ember(module.activation), module.norm1.eps, attention.batch_first, module.norm_first,
        module.linear1.bias is not None, dtype=ember_dtype(module.linear1.weight.dtype))
    rebuilt.load_state_dict({k: to_ember(v) for k, v in module.state_dict().items()})
    return rebuilt.train(module.training)


def _stateless_module(module: torch.nn.Module) -> Any:
    """The ember module of the same class for a torch module that holds no tensors (a
    `distance_function=nn.PairwiseDistance()` argument): its configuration is its public
    attributes, which the ember one is given; a module with parameters or buffers is refused."""
    cls = getattr(ember.nn, type(module).__name__, None)
    if cls is None or any(True for _ in module.parameters()) or any(True for _ in module.buffers()):
        raise Unconvertible(f"a torch {type(module).__name__} instance is an argument: the harness "
                            "rebuilds only modules without tensors that ember also has")
    rebuilt = cls.__new__(cls)
    ember.nn.Module.__init__(rebuilt)
    for name, attribute in vars(module).items():
        if not name.startswith("_"):
            setattr(rebuilt, name, attribute)
    return rebuilt


def _functional(fn: Any) -> Any:
    """`ember.nn.functional.<name>` for a function of torch.nn.functional (an activation argument)."""
    found = getattr(ember.nn.functional, fn.__name__, None)
    if found is None:
        raise Unconvertible(f"ember has no nn.functional.{fn.__name__}")
    return found


def ember_dtype(dtype: torch.dtype) -> Any:
    """`ember.<name>` for torch's dtype of the same name."""
    name = str(dtype).removeprefix("torch.")
    found = getattr(ember, name, None)
    if found is None or not isinstance(found, type(ember.float32)):
        raise Unconvertible(f"ember has no dtype {name}")
    return found


def _tensor(t: torch.Tensor) -> ember.Tensor:
    if t.is_complex() or t.layout != torch.strided or t.is_quantized:
        raise Unconvertible(f"ember has no {t.dtype} {t.layout} tensors")
    if t.is_meta:  # data-less tensors: an error input about devices
        raise Unconvertible("ember has no meta tensors")
    try:
        array = numpy(t).copy()
    except ValueError as error:  # past NumPy's 64 dimensions
        raise Unconvertible(str(error)) from None
    converted = ember.from_numpy(array)
    if converted.dtype != ember_dtype(t.dtype):
        converted = converted.to(ember_dtype(t.dtype))
    if t.requires_grad:
        converted.requires_grad_(True)
    return converted


def numpy(t: torch.Tensor) -> np.ndarray:
    """The values of `t` (a ZeroTensor, which autograd returns for some zero gradients, too)."""
    if t._is_zerotensor():
        return np.zeros(tuple(t.shape), dtype=torch.empty(0, dtype=t.dtype).numpy().dtype)
    return t.detach().resolve_conj().resolve_neg().numpy()


def tensors_in(value: Any) -> list:
    """Every tensor in `value` once, depth first, in the order `to_ember` visits them."""
    found: dict = {}
    _collect(value, found)
    return list(found.values())


def _collect(value: Any, found: dict) -> None:
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        found.setdefault(id(value), value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, found)


def tolerance(dtype_name: str) -> tuple:
    """(rtol, atol) for results of `dtype_name`: the suite's rounded class (float64 1e-10, float32
    1e-5) for every float result, as an OpInfo does not say whether its op is exact, transcendental
    or a reduction; integers and bools compare exactly."""
    return TOLERANCES[REDUCTION].get(dtype_name, (0.0, 0.0))


def compare(expected: Any, actual: Any, where: str = "output", values: bool = True) -> None:
    """Raise AssertionError naming `where` unless `actual` (ember) matches `expected` (torch):
    structure, dtypes, shapes and (with `values`) the values."""
    if isinstance(expected, torch.Tensor):
        _compare_tensor(expected, actual, where, values)
    elif isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            raise AssertionError(f"{where}: torch gives {type(expected).__name__} of {len(expected)}, "
                                 f"ember {type(actual).__name__}{_len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{where}[{i}]", values)
    elif isinstance(expected, torch.dtype):
        if actual != ember_dtype(expected):
            raise AssertionError(f"{where}: torch gives {expected}, ember {actual}")
    elif values and (isinstance(expected, (bool, int, float)) or expected is None):
        if isinstance(actual, ember.Tensor):
            raise AssertionError(f"{where}: torch gives a Python {type(expected).__name__}, ember a Tensor")
        if not (expected == actual or (expected != expected and actual != actual)):
            raise AssertionError(f"{where}: torch gives {expected!r}, ember {actual!r}")


def _len(value: Any) -> str:
    return f" of {len(value)}" if isinstance(value, (list, tuple)) else ""


def _compare_tensor(expected: torch.Tensor, actual: Any, where: str, values: bool) -> None:
    if not isinstance(actual, ember.Tensor):
        raise AssertionError(f"{where}: torch gives a Tensor, ember {type(actual).__name__}")
    name = str(expected.dtype).removeprefix("torch.")
    if str(actual.dtype).removeprefix("ember.") != name:
        raise AssertionError(f"{where}: dtype torch {name}, ember {actual.dtype}")
    if tuple(actual.shape) != tuple(expected.shape):
        raise AssertionError(f"{where}: shape torch {tuple(expected.shape)}, ember {tuple(actual.shape)}")
    if not values:
        return
    want = numpy(expected)
    got = actual.detach().numpy()
    if want.dtype.kind not in "fc":
        want, got = want.astype(np.int64), got.astype(np.int64)
    rtol, atol = tolerance(name)
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        bad = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if want.ndim else ()
        raise AssertionError(f"{where}: values differ at {index}: torch {want[index].item()!r}, "
                             f"ember {got[index].item()!r}")
