"""chunk/split of empty dims and zero sizes, max/min along an empty dim, and the in-place bitwise
ops' cast check: each raises torch's exception type, or gives torch's pieces."""

import pytest
import torch

import ember


def _same_error(fn):
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(expected.type, match=r"\S"):
        fn(ember)


@pytest.mark.parametrize("chunks", [1, 2, 3, 5])
@pytest.mark.parametrize("shape,dim", [((0, 3), 0), ((2, 0), 1), ((0,), 0)])
def test_chunk_of_an_empty_dim_gives_chunks_pieces(shape, dim, chunks):
    x, t = ember.zeros(*shape, requires_grad=True), torch.zeros(*shape, requires_grad=True)
    ours, theirs = ember.chunk(x, chunks, dim), torch.chunk(t, chunks, dim)
    assert [tuple(p.shape) for p in ours] == [tuple(p.shape) for p in theirs]
    assert type(ours[0].grad_fn).__name__ == type(theirs[0].grad_fn).__name__


@pytest.mark.parametrize("n,chunks", [(7, 3), (6, 3), (2, 5), (1, 1)])
def test_chunk_of_a_nonempty_dim_is_unchanged(n, chunks):
    ours, theirs = ember.arange(n).chunk(chunks), torch.arange(n).chunk(chunks)
    assert [p.tolist() for p in ours] == [p.tolist() for p in theirs]


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.chunk(m.zeros(3), 0),
        lambda m: m.chunk(m.zeros(0), -1),
        lambda m: m.split(m.zeros(4), 0),
        lambda m: m.split(m.zeros(4), -1),
        lambda m: m.zeros(4).split(0),
        lambda m: m.max(m.zeros(0, 3), 0),
        lambda m: m.zeros(3, 0).min(1),
        lambda m: m.zeros(2, 0, 3).max(-2, keepdim=True),
        lambda m: m.ones(3, dtype=m.int64).bitwise_and_(m.ones(3)),
        lambda m: m.ones(3, dtype=m.int64).bitwise_or_(1.5),
        lambda m: m.ones(3, dtype=m.bool).bitwise_xor_(m.ones(3, dtype=m.int64)),
        lambda m: m.ones(3, dtype=m.int64).bitwise_and(m.ones(3)),
    ],
)
def test_errors_match_torch(fn):
    _same_error(fn)


def test_split_by_zero_of_an_empty_dim_is_one_piece():
    assert [tuple(p.shape) for p in ember.split(ember.zeros(0), 0)] == [(0,)]


def test_max_over_a_nonempty_dim_of_an_empty_tensor():
    values, indices = ember.zeros(3, 0).max(0)
    assert tuple(values.shape) == (0,) and indices.dtype == ember.int64


def test_bitwise_inplace_that_fits_still_writes():
    x = ember.tensor([6, 5, 3])
    x.bitwise_and_(ember.tensor([3, 3, 3], dtype=ember.int32))
    assert x.tolist() == [2, 1, 3] and x.dtype == ember.int64
