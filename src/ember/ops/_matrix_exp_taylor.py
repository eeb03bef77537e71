"""The matrix exponential as torch computes it (Bader, Blanes and Casas, "Computing the Matrix
Exponential with an Optimized Taylor Polynomial Approximation", Mathematics 7, 2019): by the
1-norm of each matrix, a Taylor polynomial of degree 1, 2, 4, 8, 12 or 18 evaluated with few
products, the last after scaling by 2^-s and squaring s times, everything in the input's own
dtype. float32 is computed in float32 with torch's float thresholds and coefficients rounded to
float, so its results have torch's float32 rounding (about 1e-6 relative, not float64's)."""

from __future__ import annotations

import numpy as np

_THETAS = {
    np.dtype(np.float32): (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02,
                           5.800524627688768e-01, 1.461661507209034e00, 3.010066362817634e00),
    np.dtype(np.float64): (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04,
                           4.991228871115323e-02, 2.996158913811580e-01, 1.090863719290036e00),
}
_B12 = (
    (9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
    (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989),
    (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230),
    (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359),
)
_B18 = (
    (0.0, -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0.0),
    (0.0, 3.97849749499645077844e-01, 1.36783778460411720168e00, 4.98289622525382669416e-01,
     -6.37898194594723280150e-04),
    (-1.09676396052962061844e01, 1.68015813878906206114e00, 5.71779846478865511061e-02,
     -6.98210122488052056106e-03, 3.34975017086070470649e-05),
    (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
     2.95552570429315521194e-02, -1.39180257516060693404e-05),
    (0.0, 0.0, -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05),
)


def _powers(a: np.ndarray, count: int) -> list:
    """The first `count` of I, A, A^2, A^3, A^6."""
    out = [np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy(), a]
    if count > 2:
        out.append(_mm(a, a))
    if count > 3:
        out.append(_mm(a, out[2]))
    if count > 4:
        out.append(_mm(out[3], out[3]))
    return out


def _combine(terms: list, coefficients: tuple) -> np.ndarray:
    """sum_i c_i terms_i, accumulated in order in the terms' dtype (torch's kernel)."""
    dtype = terms[0].dtype
    out = np.zeros_like(terms[0])
    for c, t in zip(coefficients, terms):
        out = out + t * dtype.type(c)
    return out


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b as torch's batched matmul: below 400 multiply-adds per matrix its own kernel sums
    a_ik b_kj over k in order (no fused multiply-add), above that BLAS's gemm."""
    if a.shape[-2] * a.shape[-1] * b.shape[-1] >= 400:
        return a @ b
    out = np.zeros(a.shape[:-1] + b.shape[-1:], a.dtype)
    for k in range(a.shape[-1]):
        out = out + a[..., :, k : k + 1] * b[..., k : k + 1, :]
    return out


def _t8_constants(dtype: np.dtype) -> tuple:
    """T8's constants: float expressions of float-rounded sqrt(177) and 2/3, rounded to dtype."""
    f = dtype.type
    sqrt_177, x3 = float(f(0.1330413469565007072504e2)), float(f(2.0 / 3.0))
    x1 = x3 * ((1.0 + sqrt_177) / 88.0)
    x2 = x3 * ((1.0 + sqrt_177) / 352.0)
    x4 = (-271.0 + 29.0 * sqrt_177) / (315.0 * x3)
    x5 = (-11.0 + 11.0 * sqrt_177) / (1260.0 * x3)
    x6 = (-99.0 + 11.0 * sqrt_177) / (5040.0 * x3)
    x7 = (89.0 - sqrt_177) / (5040.0 * x3)
    y2 = (857.0 - 58.0 * sqrt_177) / 630.0
    return tuple(float(f(v)) for v in (x1, x2, x3, x4, x5, x6, x7, y2))


def _taylor(a: np.ndarray, degree: int) -> np.ndarray:
    if degree == 1:
        I, A = _powers(a, 2)
        return I + A
    if degree == 2:
        I, A, A2 = _powers(a, 3)
        return I + A + A2 / a.dtype.type(2.0)
    if degree == 4:
        I, A, A2 = _powers(a, 3)
        return _combine([I, A, A2, _mm(A2, _combine([I, A, A2], (1 / 2.0, 1 / 6.0, 1 / 24.0)))], (1.0, 1.0, 0.0, 1.0))
    if degree == 8:
        x1, x2, x3, x4, x5, x6, x7, y2 = _t8_constants(a.dtype)
        I, A, A2 = _powers(a, 3)
        A4 = _mm(A2, _combine([A, A2], (x1, x2)))
        A8 = _mm(_combine([A2, A4], (x3, 1.0)), _combine([I, A, A2, A4], (x4, x5, x6, x7)))
        return _combine([I, A, A2, A4, A8], (1.0, 1.0, y2, 0.0, 1.0))
    if degree == 12:
        powers = _powers(a, 4)
        B = [_combine(powers, row) for row in _B12]
        B2 = B[2] + _mm(B[3], B[3])
        return B[0] + _mm(B[1] + B2, B2)
    powers = _powers(a, 5)
    B = [_combine(powers, row) for row in _B18]
    B3 = B[3] + _mm(B[0], B[4])
    return B[1] + _mm(B[2] + B3, B3)


def _scaled_t18(a: np.ndarray, norm: np.ndarray, theta: float) -> np.ndarray:
    """T18 of A / 2^s, squared s times, s = max(0, ceil(log2(||A||_1 / theta)))."""
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(norm / a.dtype.type(theta)))).astype(np.int64)
    out = _taylor(a / (2 ** s)[:, None, None].astype(a.dtype), 18)
    for i in range(int(s.max(initial=0))):
        out = np.where((i < s)[:, None, None], _mm(out, out), out)
    return out


def expm(A: np.ndarray) -> np.ndarray:
    """exp of each matrix of a batch (n >= 2), in A's dtype, as torch's mexp."""
    if A.dtype not in _THETAS:  # half precision: in float32, rounded back
        return expm(A.astype(np.float32)).astype(A.dtype)
    a = A.reshape((-1,) + A.shape[-2:])
    thetas = _THETAS[a.dtype]
    norm = np.abs(a).sum(-2).max(-1)
    out = np.empty_like(a)
    lower = -1.0
    for degree, theta in zip((1, 2, 4, 8, 12), thetas):
        pick = (lower < norm) & (norm <= a.dtype.type(theta))
        if pick.any():
            out[pick] = _taylor(a[pick], degree)
        lower = a.dtype.type(theta)
    large = ~(norm < a.dtype.type(thetas[4]))  # nan norms too
    if large.any():
        out[large] = _scaled_t18(a[large], norm[large], thetas[5])
    return out.reshape(A.shape)
