"""torch.save -> ember.load, and module / optimizer state_dicts moved between the two libraries."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import ember


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))


def test_torch_tensors_load_as_ember(tmp_path):
    x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    obj = {"x": x, "p": x.permute(2, 0, 1), "s": x[1, ::2], "zero_d": torch.tensor(7, dtype=torch.int64),
           "half": torch.ones(3, dtype=torch.float16), "mask": x > 5, "u8": torch.arange(4, dtype=torch.uint8),
           "i32": torch.arange(3, dtype=torch.int32), "param": torch.nn.Parameter(torch.ones(2)),
           "nested": [(1, "a"), {"k": None}]}
    torch.save(obj, tmp_path / "t.pt")
    back = ember.load(tmp_path / "t.pt")
    for key in ("x", "p", "s", "zero_d", "half", "mask", "u8", "i32", "param"):
        assert back[key].dtype.name == str(obj[key].dtype).removeprefix("torch."), key
        np.testing.assert_array_equal(back[key].detach().numpy(), obj[key].detach().numpy())
    assert type(back["param"]) is ember.nn.Parameter and back["param"].requires_grad
    assert back["nested"] == [(1, "a"), {"k": None}]


def test_module_state_dict_ember_to_torch(tmp_path):
    ours, theirs = _model(ember), _model(torch)
    ember.save(ours.state_dict(), tmp_path / "m.pt")
    theirs.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), ours(ember.tensor(x)).detach().numpy(), rtol=1e-6)


def test_module_state_dict_torch_to_ember(tmp_path):
    ours, theirs = _model(ember), _model(torch)
    torch.nn.init.normal_(theirs[0].weight)
    torch.save(theirs.state_dict(), tmp_path / "m.pt")
    ours.load_state_dict(ember.load(tmp_path / "m.pt"))
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(ember.tensor(x)).detach().numpy(), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def _train(lib, make_opt, steps):
    model = _model(lib)
    opt = make_opt(lib, model)
    x = lib.tensor(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3))
    for _ in range(steps):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    return model, opt, x


OPTIMIZERS = {
    "sgd": lambda lib, m: lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.9),
    "adam": lambda lib, m: lib.optim.Adam(m.parameters(), lr=0.01),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("direction", ["ember_to_torch", "torch_to_ember"])
def test_optimizer_state_dict_crosses_over(tmp_path, name, direction):
    """Train 2 steps in one library, move model + optimizer state to the other, take a 3rd step
    there; it matches 3 steps taken in the first library."""
    src, dst = (ember, torch) if direction == "ember_to_torch" else (torch, ember)
    save, load = (ember.save, torch.load) if src is ember else (torch.save, ember.load)
    model, opt, x = _train(src, OPTIMIZERS[name], 2)
    save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "c.pt")
    checkpoint = load(tmp_path / "c.pt", weights_only=True)
    other = _model(dst)
    other.load_state_dict(checkpoint["model"])
    other_opt = OPTIMIZERS[name](dst, other)
    other_opt.load_state_dict(checkpoint["opt"])
    other_opt.zero_grad()
    other(dst.tensor(x.numpy())).pow(2).sum().backward()
    other_opt.step()
    opt.zero_grad()
    model(x).pow(2).sum().backward()
    opt.step()
    for a, b in zip(model.parameters(), other.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


LOAD_WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None  # any import of torch now fails
import ember
for name in sys.argv[1:]:
    loaded = ember.load(name, map_location="cpu")
    print(name, sorted(loaded), loaded["w"].tolist())
"""


def test_loading_torchs_files_never_imports_torch(tmp_path):
    """ember.load reads what torch wrote (zip and legacy, bfloat16, CUDA-tagged) in a process
    where torch cannot be imported: the allowlist maps torch's names without importing them."""
    from checkpoint_files import retagged, torch_bytes
    w = torch.tensor([1.5, -2.0])
    files = {"zip.pt": torch_bytes({"w": w, "b": w.bfloat16()}),
             "legacy.pt": torch_bytes({"w": w, "p": torch.nn.Parameter(w)}, legacy=True),
             "cuda.pt": retagged(torch_bytes({"w": w}), "cuda:0")}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    this_ember = {**os.environ, "PYTHONPATH": str(Path(ember.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", LOAD_WITHOUT_TORCH, *files], cwd=tmp_path,
                          env=this_ember, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["zip.pt ['b', 'w'] [1.5, -2.0]", "legacy.pt ['p', 'w'] [1.5, -2.0]",
                                        "cuda.pt ['w'] [1.5, -2.0]"]
