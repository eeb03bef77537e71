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
    assert ember.get_default_device() == ember.device("cpu") == torch.get_default_device().type
    with pytest.raises(RuntimeError, match="runs on the CPU only"):
        ember.set_default_device("cuda")
    with pytest.raises(RuntimeError, match="runs on the CPU only"):
        ember.set_default_device("mps")


CUDA_CALLS: dict[str, Callable[[Any], Any]] = {
    "Tensor.cuda": lambda lib: lib.ones(1).cuda(),
    "Tensor.to": lambda lib: lib.ones(1).to("cuda"),
    "Module.cuda": lambda lib: lib.nn.Linear(1, 1).cuda(),
    "Module.to": lambda lib: lib.nn.Linear(1, 1).to("cuda"),
    "factory": lambda lib: lib.zeros(1, device="cuda:0"),
}


@pytest.mark.parametrize("name", CUDA_CALLS)
def test_asking_for_cuda_raises_torchs_exception_type(name: str) -> None:
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        CUDA_CALLS[name](torch)
    with pytest.raises(AssertionError, match="ember has no 'cuda' backend: it runs on the CPU only") as info:
        CUDA_CALLS[name](ember)
    assert isinstance(info.value, RuntimeError)
