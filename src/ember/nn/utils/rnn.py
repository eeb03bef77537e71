"""Batches of variable-length sequences: padded (`pad_sequence`) or packed (`PackedSequence`), as
torch.nn.utils.rnn."""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Optional, Sequence, Union

import numpy as np

from ... import _creation, _dtype
from ..._tensor import Tensor
from ...ops.sequence import PackPadded, PadPacked, PadSequence

__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence",
    "pad_sequence", "unpack_sequence", "unpad_sequence",
]


def pad_sequence(sequences: Union[Tensor, Iterable[Tensor]], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes (L_i, *) into one (max L, B, *) tensor, or (B, max L, *) with
    `batch_first`, filling the missing steps with `padding_value` after each sequence
    (`padding_side="right"`) or before it ("left"). The output has the first sequence's dtype;
    gradients flow back to every sequence.

    >>> pad_sequence([ember.ones(2, 3), ember.ones(4, 3)]).shape
    (4, 2, 3)
    """
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    elif not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}")
    seqs: Sequence[Tensor] = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    return PadSequence.apply(batch_first, float(padding_value), padding_side == "left", *seqs)


class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


class PackedSequence(_PackedFields):
    """A batch of variable-length sequences stored step by step without padding, as torch's.

    `data` (sum of lengths, *) holds step 0 of every sequence, then step 1 of every sequence
    still running, and so on, the sequences sorted by decreasing length; `batch_sizes[t]`
    (int64, CPU) is how many sequences reach step t. `sorted_indices[i]` is the caller's index of
    the i-th sorted sequence and `unsorted_indices` its inverse (both None when the caller's
    batch was already sorted). Make one with `pack_padded_sequence` or `pack_sequence`.

    >>> pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5]), ember.tensor([6])])
    PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """

    def __new__(
        cls, data: Any, batch_sizes: Optional[Tensor] = None, sorted_indices: Optional[Tensor] = None,
        unsorted_indices: Optional[Tensor] = None,
    ) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. "
                "They should be instantiated by functions like pack_sequence and pack_padded_sequences in nn.utils.rnn."
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """`data.to(...)`; the index tensors follow data's device; self when nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        sorted_indices, unsorted_indices = (None if t is None else t.to(data.device)
                                            for t in (self.sorted_indices, self.unsorted_indices))
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self.to("cuda")

    def double(self) -> PackedSequence:
        return self.to(dtype=_dtype.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=_dtype.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=_dtype.float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=_dtype.int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=_dtype.int32)

    def short(self) -> PackedSequence:
        return self.to(dtype=_dtype.int16)

    def char(self) -> PackedSequence:
        return self.to(dtype=_dtype.int8)

    def byte(self) -> PackedSequence:
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda


def invert_permutation(permutation: Optional[Tensor]) -> Optional[Tensor]:
    """The inverse permutation: out[permutation[i]] = i (None stays None)."""
    if permutation is None:
        return None
    perm = permutation.numpy()
    out = np.empty_like(perm)
    out[perm] = np.arange(perm.size, dtype=perm.dtype)
    return Tensor._make(out, False, None)


def pack_padded_sequence(input: Tensor, lengths: Union[Tensor, Sequence[int]], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with `batch_first`) of sequences of the given
    lengths: data holds step t of the batch_sizes[t] = #{b: lengths[b] > t} sequences still
    running, for t = 0, 1, ... With `enforce_sorted` the lengths must decrease; otherwise the
    batch is sorted first (stably, longest first) and `sorted_indices` remembers how. The
    gradient flows back to `input`, zero at the padding.

    >>> pack_padded_sequence(ember.ones(4, 2, 3), [4, 2]).batch_sizes
    tensor([2, 2, 1, 1])
    """
    lengths = _lengths_array(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = Tensor._make(order, False, None)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    batch_sizes = _batch_sizes(input, lengths)
    data = PackPadded.apply(input, tuple(batch_sizes.tolist()))
    return PackedSequence(data, Tensor._make(batch_sizes, False, None), sorted_indices, None)


def _lengths_array(lengths: Union[Tensor, Sequence[int]]) -> np.ndarray:
    """The lengths as a 1-D int64 array, checked as torch checks them."""
    array = (lengths.numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)).astype(np.int64)
    if array.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {array.ndim}D cpu Long tensor")
    return array


def _batch_sizes(input: Tensor, lengths: np.ndarray) -> np.ndarray:
    """batch_sizes[t] = #{b: lengths[b] > t} for a time-major input, after torch's checks."""
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-{input.ndim}, {input.ndim - 1}], but got 1)")
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    steps, batch = input._data.shape[0], input._data.shape[1]
    if lengths.shape[0] != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.shape[0]} (batch_size={batch})")
    if lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
    if (np.diff(lengths) > 0).any():
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
            "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
            "if you do not need ONNX exportability."
        )
    if lengths[0] > steps:
        raise RuntimeError(
            f"Expected every length to be at most the padded length {steps}, but got a length of {lengths[0]}: "
            "pad the input to the longest sequence or pass the sequences' true lengths"
        )
    return _count_above(lengths)


def _count_above(values: np.ndarray) -> np.ndarray:
    """out[k] = #{i: values[i] > k} for k < values[0], values decreasing: batch_sizes from the
    lengths, and the lengths from batch_sizes (each is the other's transpose, as a staircase)."""
    return (values[None, :] > np.arange(values[0])[:, None]).sum(1, dtype=np.int64)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: Optional[int] = None) -> tuple[Tensor, Tensor]:
    """The inverse of `pack_padded_sequence`: (padded, lengths), padded (T, B, *) (or (B, T, *)
    with `batch_first`), T the longest length or `total_length`, the batch in the caller's
    original order, every missing step `padding_value`; lengths (B,) int64. The gradient flows
    back to `sequence.data`.

    >>> pad_packed_sequence(pack_sequence([ember.ones(3), ember.ones(1)]))[1]
    tensor([3, 1])
    """
    batch_sizes = tuple(sequence.batch_sizes.tolist())
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
        steps = total_length
    padded = PadPacked.apply(sequence.data, batch_sizes, float(padding_value), steps)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = _count_above(np.asarray(batch_sizes, dtype=np.int64))
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        padded = padded.index_select(0 if batch_first else 1, unsorted)
        lengths = lengths[unsorted.numpy()]
    return padded, Tensor._make(lengths, False, None)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """`pack_padded_sequence(pad_sequence(sequences), lengths)` for tensors of shapes (L_i, *)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Union[Tensor, Sequence[int]],
                   batch_first: bool = False) -> list[Tensor]:
    """The inverse of `pad_sequence`: sequence b is padded[:lengths[b], b] (padded[b, :lengths[b]]
    with `batch_first`), a copy; gradients flow back to `padded_sequences`."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    steps = _creation.arange(padded_sequences.shape[1])
    return [seq[steps < int(length)] for seq, length in zip(padded_sequences, lengths, strict=True)]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The inverse of `pack_sequence`: the list of sequences (L_i, *) in the caller's order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
