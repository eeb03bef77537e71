"""DataLoader (single process) against torch.utils.data.DataLoader."""

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember
import ember.utils.data as eud


def _plain(out):
    """A comparable form of a batch: tensors as (dtype name, shape, values)."""
    if isinstance(out, (ember.Tensor, torch.Tensor)):
        return (str(out.dtype).split(".")[-1], tuple(out.shape), out.tolist())
    if isinstance(out, dict):
        return {k: _plain(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return (type(out).__name__, [_plain(v) for v in out])
    return out


def _stream(base):
    class Stream(base):
        def __init__(self, n, with_len=True):
            self.n, self.with_len = n, with_len

        def __iter__(self):
            return iter({"i": i, "x": float(i)} for i in range(self.n))

        def __len__(self):
            if not self.with_len:
                raise TypeError("no len")
            return self.n
    return Stream


EStream, TStream = _stream(eud.IterableDataset), _stream(tud.IterableDataset)
DATA = np.arange(14, dtype=np.float32).reshape(7, 2)


def _pair(**kwargs):
    ours = eud.DataLoader(eud.TensorDataset(ember.tensor(DATA), ember.arange(7)), **kwargs)
    ref = tud.DataLoader(tud.TensorDataset(torch.tensor(DATA), torch.arange(7)), **kwargs)
    return ours, ref


@pytest.mark.parametrize("kwargs", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                    {"batch_size": 7}, {"batch_size": 10, "drop_last": True}, {"batch_size": None}])
def test_sequential_batches_match_torch(kwargs):
    ours, ref = _pair(**kwargs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref] and len(ours) == len(ref)


def test_batch_sampler_and_collate_fn():
    kwargs = {"batch_sampler": [[0, 2], [5], [1, 3, 4]]}
    ours, ref = _pair(**kwargs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref] and len(ours) == len(ref) == 3
    ours, ref = _pair(batch_size=2, collate_fn=len)
    assert list(ours) == list(ref) == [2, 2, 2, 1]


def test_unbatched_plain_samples_are_converted():
    samples = [np.float64(1.5), (np.arange(2), 3), {"k": np.int32(4)}]
    ours = [_plain(b) for b in eud.DataLoader(samples, batch_size=None)]
    assert ours == [_plain(b) for b in tud.DataLoader(samples, batch_size=None)]


def test_shuffle_is_a_permutation_and_reproducible():
    def order(**kw):
        return [b.item() for b in eud.DataLoader(list(range(20)), shuffle=True, **kw)]
    assert sorted(order()) == list(range(20))
    assert order(generator=ember.Generator().manual_seed(4)) == order(generator=ember.Generator().manual_seed(4))
    ember.manual_seed(11)
    first = order()
    ember.manual_seed(11)
    assert order() == first


@pytest.mark.parametrize("kwargs", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None},
                                    {"batch_size": 5}, {"batch_size": 1}])
def test_iterable_dataset_matches_torch(kwargs):
    ours, ref = eud.DataLoader(EStream(7), **kwargs), tud.DataLoader(TStream(7), **kwargs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref] and len(ours) == len(ref)


def test_iterable_dataset_without_len():
    loader = eud.DataLoader(EStream(3, with_len=False), batch_size=2)
    assert len(list(loader)) == 2
    with pytest.raises(TypeError):
        len(loader)


@pytest.mark.parametrize("kwargs", [
    {"sampler": [0, 1], "shuffle": True},
    {"batch_sampler": [[0]], "batch_size": 2}, {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "sampler": [0]}, {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True}, {"num_workers": -1}, {"timeout": -1}, {"prefetch_factor": 2},
    {"persistent_workers": True}, {"multiprocessing_context": "spawn"},
])
def test_argument_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as ours:
        eud.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError) as ref:
        tud.DataLoader(list(range(4)), **kwargs)
    assert str(ours.value) == str(ref.value)


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_argument_errors(kwargs):
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified"):
        eud.DataLoader(EStream(2), **kwargs)
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified"):
        tud.DataLoader(TStream(2), **kwargs)


def test_get_worker_info_in_main_process():
    assert eud.get_worker_info() is None and tud.get_worker_info() is None


def test_import_forms():
    import ember.utils.data
    from ember.utils.data import DataLoader
    assert DataLoader is ember.utils.data.DataLoader
    assert set(eud.__all__) <= set(dir(tud))


def test_reachable_from_import_ember():
    import os
    import subprocess
    import sys
    code = "import ember; print(ember.utils.data.DataLoader.__name__)"
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(ember.__file__))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "DataLoader"


def test_fixed_attributes_after_init():
    for mod in (eud, tud):
        loader = mod.DataLoader(list(range(4)), batch_size=2)
        loader.collate_fn = len
        for attr in ("batch_size", "sampler", "dataset", "drop_last"):
            with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
                setattr(loader, attr, None)


def test_getitems_fetches_whole_batches():
    class Batched(eud.Dataset):
        def __getitem__(self, i):
            raise AssertionError("fetched one by one")

        def __getitems__(self, indices):
            return [i * 10 for i in indices]

        def __len__(self):
            return 5

    assert [b.tolist() for b in eud.DataLoader(Batched(), batch_size=2)] == [[0, 10], [20, 30], [40]]


class _Liar:
    """An iterable dataset whose len() reports fewer samples than it yields."""

    def __iter__(self):
        return iter(range(4))

    def __len__(self):
        return 2


@pytest.mark.parametrize("batch_size", [None, 1, 2])
def test_iterable_dataset_past_len_warns_as_torch(batch_size):
    import warnings

    def messages(mod, base):
        loader = mod.DataLoader(type("Liar", (_Liar, base), {})(), batch_size=batch_size)
        len(loader)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(loader)
        return [str(w.message).split(" was reported")[1] for w in caught if "was reported" in str(w.message)]
    assert messages(eud, eud.IterableDataset) == messages(tud, tud.IterableDataset)


def test_tensor_dataset_batches_equal_collated_samples():
    """A TensorDataset batch is fetched with one index per tensor: the same tensors as
    collating its samples one by one (the path any other collate_fn takes)."""
    x, y = ember.randn(50, 3, 4, dtype=ember.float64), ember.randint(0, 10, (50,))
    batches = []
    for collate in (None, lambda samples: eud.default_collate(samples)):
        ember.manual_seed(7)
        loader = eud.DataLoader(eud.TensorDataset(x, y), batch_size=8, shuffle=True, collate_fn=collate)
        batches.append([_plain(b) for b in loader])
    assert batches[0] == batches[1] and len(batches[0]) == 7


def test_tensor_dataset_that_requires_grad_collates_its_samples():
    w = ember.randn(6, 2, requires_grad=True)
    (xb,) = next(iter(eud.DataLoader(eud.TensorDataset(w), batch_size=3)))
    (tb,) = next(iter(tud.DataLoader(tud.TensorDataset(torch.tensor(w.detach().numpy(), requires_grad=True)), batch_size=3)))
    assert xb.grad_fn.name() == tb.grad_fn.name() == "StackBackward0"
