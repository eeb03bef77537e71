"""The device probes a training script makes on its way, answered as torch's CPU build does."""

from typing import Any, Callable

import pytest
import torch

import ember


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_probes_report_no_accelerator(lib: Any) -> None:
    assert lib.cuda.is_available() is False and lib.cuda.device_count() == 0
    assert lib.backends.mps.is_available() is False
    assert lib.accelerator.is_available() is False and lib.accelerator.current_accelerator() is None


def test_the_usual_device_pick_lands_on_the_cpu() -> None:
    dev = ember.device("cuda" if ember.cuda.is_available() else "cpu")
    assert dev == ember.device("cpu") and ember.ones(2, device=dev).device == dev


def test_default_device_is_the_cpu_and_only_the_cpu() -> None:
    ember.set_default_device("cpu")
    ember.set_default_device(ember.device("cpu"))
    ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu")
    assert str(ember.get_default_device()) == str(torch.get_default_device())
    for name in ("cuda", "cuda:1", ember.device("mps"), "meta"):
        with pytest.raises(ember._device.NoCudaError, match="runs on the CPU only"):
            ember.set_default_device(name)
    assert ember.get_default_device() == ember.device("cpu")


CUDA_CALLS: dict[str, Callable[[Any], Any]] = {
    "Tensor.cuda": lambda lib: lib.ones(1).cuda(),
    "Tensor.to": lambda lib: lib.ones(1).to("cuda"),
    "Module.to": lambda lib: lib.nn.Linear(1, 1).to("cuda"),
    "Tensor.to(device=)": lambda lib: lib.ones(1).to(device=lib.device("cuda", 0), dtype=lib.float64),
    "Tensor.cuda(device)": lambda lib: lib.ones(1).cuda(lib.device("cuda", 1)),
    "Module.cuda": lambda lib: lib.nn.Linear(1, 1).cuda(),
    "Module.to(device, dtype)": lambda lib: lib.nn.Linear(1, 1).to(lib.device("cuda"), lib.float64),
    "layer device=": lambda lib: lib.nn.Linear(1, 1, device="cuda"),
    "factory": lambda lib: lib.zeros(1, device="cuda:0"),
    "tensor": lambda lib: lib.tensor([1.0], device=lib.device("cuda")),
    "as_tensor of a tensor": lambda lib: lib.as_tensor(lib.ones(1), device="cuda"),
    "arange": lambda lib: lib.arange(3, device="cuda"),
    "randn": lambda lib: lib.randn(2, device="cuda"),
    "zeros_like": lambda lib: lib.zeros_like(lib.ones(1), device="cuda"),
    "full_like": lambda lib: lib.full_like(lib.ones(1), 2.0, device="cuda"),
    "rand_like": lambda lib: lib.rand_like(lib.ones(1), device="cuda"),
    "new_zeros": lambda lib: lib.ones(1).new_zeros(2, device="cuda"),
    "new_full": lambda lib: lib.ones(1).new_full((2,), 3.0, device="cuda"),
    "new_tensor": lambda lib: lib.ones(1).new_tensor([1.0], device="cuda"),
}


@pytest.mark.parametrize("name", CUDA_CALLS)
def test_asking_for_cuda_raises_torchs_exception_type(name: str) -> None:
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        CUDA_CALLS[name](torch)
    with pytest.raises(AssertionError, match="ember has no 'cuda' backend: it runs on the CPU only") as info:
        CUDA_CALLS[name](ember)
    assert isinstance(info.value, RuntimeError)


MPS_CALLS: dict[str, Callable[[Any], Any]] = {
    "Tensor.to": lambda lib: lib.ones(1).to("mps"),
    "Module.to": lambda lib: lib.nn.Linear(1, 1).to(device=lib.device("mps")),
    "factory": lambda lib: lib.ones(1, device="mps"),
}


@pytest.mark.parametrize("name", MPS_CALLS)
def test_asking_for_mps_raises_a_runtime_error_as_torch(name: str) -> None:
    with pytest.raises(RuntimeError, match="mps|MPS"):
        MPS_CALLS[name](torch)
    with pytest.raises(RuntimeError, match="ember has no 'mps' backend: it runs on the CPU only"):
        MPS_CALLS[name](ember)


def test_a_cuda_generator_raises() -> None:
    assert ember.Generator().device == ember.device("cpu") and str(torch.Generator().device) == "cpu"
    with pytest.raises(RuntimeError):
        torch.Generator(device="cuda")
    with pytest.raises(RuntimeError, match="runs on the CPU only"):
        ember.Generator(device="cuda")
