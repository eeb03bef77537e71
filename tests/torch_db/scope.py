"""What of torch's test databases ember does not attempt, each with the reason; and how a torch
name maps to ember's where the naming rule (`torch.a.b` -> `ember.a.b`, `Tensor.x` ->
`ember.Tensor.x`) does not apply.

ember is a CPU library of real and integer tensors on NumPy. An entry is out of scope when it
needs something ember does not model; everything else is in scope and counts as missing until
ember has it.
"""

from typing import Optional

import torch

# The dtypes the harness runs, where the OpInfo supports them: ember's real and integer dtypes.
# float16 is left out: torch computes it through float32 (opmath), NumPy does not, and op_db's
# float16 samples would double the run for a dtype few users train in on a CPU.
DTYPES = (torch.float64, torch.float32, torch.int64, torch.int32, torch.int16, torch.int8,
          torch.uint8, torch.bool)

# Prefixes of OpInfo names and why they are out of scope.
_PREFIXES = {
    "fft.": "FFT: ember has no torch.fft",
    "sparse.": "sparse tensors: ember tensors are dense",
    "jiterator_": "CUDA-only (jiterator compiles CUDA kernels)",
    "torch.": "CUDA-only or private aten kernels (torch._scaled_mm, flash/efficient attention)",
    "_": "private aten entry point, not public API",
    "native_": "private aten entry point (torch.native_*), not public API",
}

# Whole OpInfos (name or name.variant) and why they are out of scope.
_NAMES = {
    # complex numbers
    "view_as_complex": "complex tensors: ember has real and integer dtypes only",
    "complex": "complex tensors: ember has real and integer dtypes only",
    "polar": "complex tensors: ember has real and integer dtypes only",
    "cfloat": "complex tensors: ember has real and integer dtypes only",
    "cdouble": "complex tensors: ember has real and integer dtypes only",
    "chalf": "complex tensors: ember has real and integer dtypes only",
    "linalg.eig": "complex outputs (eigenvectors of a general matrix are complex)",
    "linalg.eigvals": "complex outputs (eigenvalues of a general matrix are complex)",
    "stft": "FFT (short-time Fourier transform)",
    "istft": "FFT (inverse short-time Fourier transform)",
    # sparse, quantized, storage and layout
    "to_sparse": "sparse tensors: ember tensors are dense",
    "as_strided": "raw strides over a storage: ember tensors are NumPy arrays without torch's storage model",
    "as_strided.partial_views": "raw strides over a storage: ember does not model torch's storage",
    "as_strided_copy": "raw strides over a storage: ember does not model torch's storage",
    "as_strided_scatter": "raw strides over a storage: ember does not model torch's storage",
    "bfloat16": "bfloat16: NumPy has no bfloat16 dtype",
    "bmm.triton_optimized": "CUDA-only (Triton kernel)",
    "to": "every sample passes a memory_format (channels_last...): ember does not model layouts",
    "grid_sampler_2d": "private aten kernel behind F.grid_sample (tested through it)",
    "grid_sampler_3d": "private aten kernel behind F.grid_sample (tested through it)",
    "max_pool2d_with_indices_backward": "private aten kernel (the backward of max_pool2d)",
    "slice": "private aten op (torch.ops.aten.slice.Tensor, what x[a:b:c] runs); torch has no public slice function",
    # random values: torch's generator cannot be reproduced
    "svd_lowrank": "randomised algorithm: its values follow torch's generator",
    "pca_lowrank": "randomised algorithm: its values follow torch's generator",
    "nn.functional.fractional_max_pool2d": "random pooling regions drawn from torch's generator",
    "nn.functional.fractional_max_pool3d": "random pooling regions drawn from torch's generator",
}

# Random sampling and uninitialised memory: values cannot match torch's, so only the shape and
# dtype of the output are compared (and no gradient).
SHAPE_ONLY = {
    "cauchy", "exponential", "geometric", "log_normal", "normal", "normal.in_place",
    "normal.number_mean", "uniform", "bernoulli", "multinomial", "randn", "randn_like",
    "rand_like", "randint", "randint_like", "nn.functional.dropout", "nn.functional.dropout2d",
    "nn.functional.dropout3d", "nn.functional.alpha_dropout",
    "nn.functional.feature_alpha_dropout.with_train", "empty", "empty_like", "new_empty",
    "new_empty_strided", "empty_strided", "empty_permuted",
}

# Ops that draw random numbers in some samples only: those samples compare shape and dtype (as
# SHAPE_ONLY), the others their values and gradients. Each rule takes the sample's (args, kwargs).
# rrelu draws its negative slopes when training; attention drops weights when dropout_p > 0
# (multi_head_attention_forward's dropout_p is its 11th argument, the sample's args[9], and
# applies only when training, which defaults to True).
SHAPE_ONLY_WHEN = {
    "nn.functional.rrelu": lambda args, kwargs: bool(kwargs.get("training", False)),
    "nn.functional.scaled_dot_product_attention": lambda args, kwargs: kwargs.get("dropout_p", 0.0) > 0,
    "nn.functional.multi_head_attention_forward":
        lambda args, kwargs: kwargs.get("training", True) and len(args) > 9 and args[9] > 0,
}

# OpInfos that claim gradgrad but whose CPU kernel torch cannot differentiate twice (the OpInfo
# skips test_fn_gradgrad on the CPU): their first derivatives are compared, not the second.
NO_CPU_GRADGRAD = {
    "nn.functional.scaled_dot_product_attention",  # _scaled_dot_product_flash_attention_for_cpu_backward
}

# OpInfos whose outputs are defined only up to sign (eigenvectors, singular vectors): torch's
# signs are the choice of MKL's LAPACK, which no other LAPACK (every scipy driver) reproduces. The
# OpInfo's samples declare the well-defined part in `output_process_fn_grad` (abs(eigenvectors);
# singular vectors cut to k = len(S), then |U|, S, |Vh| or U @ Vh), which torch's own gradcheck
# differentiates: values and gradients of these compare through that function, applied to both
# libraries' outputs. A wrong singular value, a wrong |entry| or a wrong U @ Vh still fails.
SIGN_AMBIGUOUS = {
    "linalg.eigh": "eigenvectors are defined up to sign: compared as abs(eigenvectors)",
    "linalg.svd": "singular vectors are defined up to sign: compared as |U|, S, |Vh| and U @ Vh",
    "svd": "singular vectors are defined up to sign: compared as |U|, S, |V^H| and U @ V^H",
}

# Entries whose float32 kernel in torch sums in an order it picks by shape and thread count, which
# ember cannot reproduce: their float32 outputs compare by accuracy (torch_db.accuracy: no farther
# from torch's float64 result than twice torch's float32 error plus an ulp, or within the float32
# tolerance of it relative to the magnitude of the terms summed); float64 keeps the exact contract,
# values and gradients (float32 gradients are not compared for any entry).
FLOAT32_BY_ACCURACY = {
    "nn.functional.conv3d": "oneDNN's blocked order for some shapes, MKL gemm (Slow3d) for others",
    "nn.functional.conv_transpose3d": "oneDNN's blocked order for some shapes, MKL gemm (Slow3d) for others",
    "nn.Conv3d": "oneDNN's blocked order for some shapes, MKL gemm (Slow3d) for others",
    "nn.functional.scaled_dot_product_attention": "the CPU flash-attention kernel: blocked online softmax",
}

# torch names whose ember counterpart has another path (the naming rule's exceptions).
RENAMED: dict = {}

# OpInfos whose op is a wrapper taking torch's first two arguments in the other order
# (`lambda x, n: torch.polygamma(n, x)`): both libraries are called with them swapped back.
SWAPPED = {"einsum", "nn.functional.embedding", "polygamma", "special.polygamma"}

# ModuleInfos (torch.nn names) and why they are out of scope.
_MODULES = {
    "nn.FractionalMaxPool2d": "random pooling regions drawn from torch's generator",
    "nn.FractionalMaxPool3d": "random pooling regions drawn from torch's generator",
}
_MODULE_PREFIXES = {
    "nn.Lazy": "lazy modules: parameters shaped on the first call (UninitializedParameter), not modelled",
}

# OptimizerInfos and why they are out of scope.
_OPTIMIZERS = {
    "SparseAdam": "sparse gradients: ember tensors are dense",
}


def sample_out_of_scope(kwargs: dict) -> bool:
    """Whether an op sample asks for what ember does not model: `sparse=True` (embedding's sparse
    gradients)."""
    return kwargs.get("sparse") is True


def sample_shape_only(name: str, kwargs: dict, args: tuple = ()) -> bool:
    """Whether the OpInfo `name`'s sample with these args and kwargs is random (SHAPE_ONLY,
    SHAPE_ONLY_WHEN)."""
    return name in SHAPE_ONLY or (name in SHAPE_ONLY_WHEN and bool(SHAPE_ONLY_WHEN[name](args, kwargs)))


def op_out_of_scope(name: str, has_real_dtype: bool) -> Optional[str]:
    """The reason the OpInfo `name` (with its variant) is out of scope, or None."""
    if name in _NAMES:
        return _NAMES[name]
    for prefix, reason in _PREFIXES.items():
        if name.startswith(prefix) and not name.startswith("__"):
            return reason
    if not has_real_dtype:
        return "complex-only or CUDA-only: no real or integer dtype on the CPU"
    return None


def module_out_of_scope(name: str) -> Optional[str]:
    """The reason the ModuleInfo `name` (`nn.X`) is out of scope, or None."""
    for prefix, reason in _MODULE_PREFIXES.items():
        if name.startswith(prefix):
            return reason
    return _MODULES.get(name)


def optimizer_out_of_scope(name: str) -> Optional[str]:
    """The reason the OptimizerInfo `name` is out of scope, or None."""
    return _OPTIMIZERS.get(name)
