"""Write src/ember/_igamma_coefficients.py: the coefficients d_{k,n} (k, n < 25) of Temme's
uniform asymptotic expansion of the incomplete gamma functions (DLMF 8.12.12), computed exactly
with rationals and rounded once to float64.

    lambda(eta): the inverse of eta(lambda) = lambda sqrt(2 (lambda - ln(1 + lambda)) / lambda^2)
                 (Lagrange inversion), lambda = sum_n alpha_n eta^n
    d_{0,0} = -1/3,  d_{0,n} = (n + 2) alpha_{n+2}
    d_{k,n} = (-1)^k g_k d_{0,n} + (n + 2) d_{k-1,n+2}
    g_k: Stirling's series Gamma(z) ~ sqrt(2 pi / z) (z / e)^z sum_k g_k z^-k, the exponential of
         sum_m B_2m / (2m (2m - 1)) z^(1-2m)

Run: python scripts/igamma_coefficients.py
"""

from __future__ import annotations

from fractions import Fraction
from math import comb
from pathlib import Path

K = N = 25
OUT = Path(__file__).resolve().parent.parent / "src" / "ember" / "_igamma_coefficients.py"


def _times(a: list[Fraction], b: list[Fraction], degree: int) -> list[Fraction]:
    out = [Fraction(0)] * (degree + 1)
    for i, ai in enumerate(a[: degree + 1]):
        for j in range(min(len(b), degree + 1 - i)):
            out[i + j] += ai * b[j]
    return out


def _alpha(count: int) -> list[Fraction]:
    """alpha_0..alpha_{count-1} of lambda(eta)."""
    degree = count
    s = [Fraction(2 * (-1) ** j, j + 2) for j in range(degree + 1)]  # 2 (l - ln(1 + l)) / l^2
    root = [Fraction(1)] + [Fraction(0)] * degree
    for n in range(1, degree + 1):
        root[n] = (s[n] - sum(root[i] * root[n - i] for i in range(1, n))) / 2
    h = [Fraction(1)] + [Fraction(0)] * degree  # lambda / eta(lambda) = 1 / root
    for n in range(1, degree + 1):
        h[n] = -sum(root[i] * h[n - i] for i in range(1, n + 1))
    alpha, power = [Fraction(0), Fraction(1)], h[:]
    for n in range(2, count):
        power = _times(power, h, degree)
        alpha.append(power[n - 1] / n)
    return alpha


def _stirling(count: int) -> list[Fraction]:
    bernoulli = [Fraction(1)]
    for m in range(1, 2 * count + 2):
        bernoulli.append(-sum(comb(m + 1, k) * bernoulli[k] for k in range(m)) / (m + 1))
    log_series = [Fraction(0)] * (count + 1)
    for m in range(1, count + 1):
        if 2 * m - 1 <= count:
            log_series[2 * m - 1] = bernoulli[2 * m] / (2 * m * (2 * m - 1))
    g = [Fraction(1)] + [Fraction(0)] * count
    for n in range(1, count + 1):
        g[n] = sum(k * log_series[k] * g[n - k] for k in range(1, n + 1)) / n
    return g


def coefficients() -> list[list[float]]:
    m = N + 2 * K
    alpha, g = _alpha(m + 2), _stirling(K)
    d0 = [Fraction(-1, 3)] + [(n + 2) * alpha[n + 2] for n in range(1, m)]
    rows = [d0]
    for k in range(1, K):
        rows.append([(-1) ** k * g[k] * d0[n] + (n + 2) * rows[k - 1][n + 2] for n in range(m - 2 * k)])
    return [[float(c) for c in row[:N]] for row in rows]


def main() -> None:
    lines = ",\n".join("    (" + ", ".join(repr(c) for c in row) + ")" for row in coefficients())
    OUT.write_text(
        '"""d_{k,n} of the uniform asymptotic expansion of the incomplete gamma functions (DLMF 8.12.12),\n'
        'written by scripts/igamma_coefficients.py (exact rationals rounded once); do not edit."""\n\n'
        f"D = (\n{lines},\n)\n"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
