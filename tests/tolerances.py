"""The tolerance contract of every comparison with torch: (rtol, atol) by the kind of computation
and the dtype.

- "exact" (the default): torch runs the same IEEE operations in the same order (arithmetic,
  indexing, shape ops, creation, max/min, pooling by copy), so float64 agrees to a few ulps.
- "transcendental" (exp, tanh, erf, pow: libm's last bit may differ) and "reduction" (sums,
  matmul, conv, norms, softmax, normalization layers: the summation order may differ from
  torch's): float64 to 1e-10.
- float32 is 1e-5 for every kind (about 80 ulps); float16 keeps 1e-2 (11 significant bits,
  rounded through float32 as torch's opmath does).

atol only covers outputs that cancel to near zero; inputs and outputs are O(1), so it stays
far below rtol: 0 for exact float64 (the same operations cancel the same way), 1e-13 for
rounded float64; for float32 1e-8, or 1e-6 (8 ulps of 1) where a sum of a few O(1) terms
cancels in another order than torch's.

FLOAT32_LONG_SUM is the one looser class: a float32 result that sums hundreds of products in an
order torch does not share (a conv's weight gradient, a deep stack of layers); each use says
which sum, and float64 holds the same comparison to the contract.
"""

EXACT, TRANSCENDENTAL, REDUCTION = "exact", "transcendental", "reduction"

_ROUNDED = {"float64": (1e-10, 1e-13), "float32": (1e-5, 1e-6), "float16": (1e-2, 1e-3)}
FLOAT32_LONG_SUM = (1e-4, 1e-5)
TOLERANCES = {
    EXACT: {"float64": (1e-12, 0.0), "float32": (1e-5, 1e-8), "float16": (1e-2, 1e-3)},
    TRANSCENDENTAL: _ROUNDED,
    REDUCTION: _ROUNDED,
}
