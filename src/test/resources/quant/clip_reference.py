#!/usr/bin/env python3
"""Independent numpy implementation of ocs4j's clip estimators (written from their definitions and MXNet's
_get_optimal_threshold, not from ocs4j's Java), run on the deterministic arrays of ClipEstimatorsTest.
Its printed values are the expected numbers in that test. Run: python3 clip_reference.py"""
import math
import numpy as np

ACIQ_G = [1.47818312, 1.80489289, 2.19227856, 2.57733584, 2.94451183, 3.29076248, 3.61691335]
ACIQ_L = [2.33152939, 3.04528770, 4.00378631, 5.08252088, 6.23211675, 7.42700429, 8.65265030]


def laplace_quantiles(n):
    u = (np.arange(n) + 0.5) / n
    return -np.sign(u - 0.5) * np.log(1 - 2 * np.abs(u - 0.5))


def arrays():
    a = np.concatenate([laplace_quantiles(10000), [12.0, -9.0]])
    b = np.abs(laplace_quantiles(5000)) * 0.3
    return {"laplace+outliers": a, "half-laplace": b}


def error(centres, masses, alpha, bits):
    s = (2 ** (bits - 1) - 1) / alpha
    out = np.abs(centres) > alpha
    codes = np.clip(np.rint(centres * s), -2 ** (bits - 1), 2 ** (bits - 1) - 1)
    e_in = (centres - codes / s) ** 2
    e_out = (np.abs(centres) - alpha) ** 2
    return float(np.sum(masses * np.where(out, e_out, e_in)))


def hist(x, lo, hi, bins):
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    return counts.astype(float), centres, edges


def mse(x, bits):
    c, ce, _ = hist(x, x.min(), x.max(), 201)
    p = c / c.sum()
    m = np.abs(x).max()
    errs = [error(ce, p, k / 100 * m, bits) for k in range(1, 100)]
    return (int(np.argmin(errs)) + 1) / 100 * m


def aciq(x, bits):
    m = np.abs(x).max()
    g = 0.175 * (1 + math.sqrt(math.pi * math.log(4)))
    sigma = (x.max() - x.min()) * g / math.sqrt(2 * math.log(x.size))
    b = np.mean(np.abs(x - x.mean()))
    c, ce, _ = hist(x, -m, m, 101)
    p = c / c.sum()
    ag, al = ACIQ_G[bits - 2] * sigma, ACIQ_L[bits - 2] * b
    return al if error(ce, p, al, bits) <= error(ce, p, ag, bits) else ag


def smooth(p, eps=0.0001):
    zeros = (p == 0)
    nz = p.size - zeros.sum()
    if nz == 0:
        return None
    eps1 = eps * zeros.sum() / nz
    out = p.astype(float) + eps * zeros - eps1 * (~zeros)
    return None if (out <= 0).any() else out


def smooth32(p, eps=1e-4):
    """The reference's smoothing, in float32: zeros become eps, eps * zeros / nonzeros is taken from every non-zero."""
    zeros = p == 0
    nz = (~zeros).sum()
    if nz == 0:
        return None
    eps1 = eps * zeros.sum() / nz
    out = p.astype(np.float32)
    out += np.float32(eps) * zeros.astype(np.float32) + np.float32(-eps1) * (~zeros).astype(np.float32)
    return None if (out <= 0).any() else out


def kl(x, bits, num_bins=1001):
    """KL as the OCS authors compute it: Q spread over the bins non-empty in the unfolded window, P and Q smoothed in float32, and
    KL(P||Q) in float32 as scipy.stats.entropy computes it for float32 inputs."""
    from scipy import stats
    th = np.abs(x).max()
    h, edges = np.histogram(x, bins=num_bins, range=(-th, th))
    zero = num_bins // 2
    nq = 2 ** bits - 1
    best, best_th = float("inf"), th
    for i in range(nq // 2, num_bins // 2 + 1):
        start, stop = zero - i, zero + i + 1
        sliced = h[start:stop].astype(float)
        p = sliced.copy()
        p[0] += h[:start].sum()
        p[-1] += h[stop:].sum()
        nonzero = sliced != 0
        merged = sliced.size // nq
        qb = np.array([sliced[j * merged:(j + 1) * merged].sum() for j in range(nq)])
        qb[-1] += sliced[nq * merged:].sum()
        q = np.zeros(sliced.size, dtype=np.float32)
        for j in range(nq):
            s = j * merged
            e = -1 if j == nq - 1 else s + merged
            norm = nonzero[s:e].sum()
            if norm != 0:
                q[s:e] = qb[j] / norm
        q[sliced == 0] = 0
        ps, qs = smooth32(p), smooth32(q)
        d = float("inf") if ps is None or qs is None else float(stats.entropy(ps, qs))
        if d < best:
            best, best_th = d, edges[stop]
    return best_th


if __name__ == "__main__":
    for name, x in arrays().items():
        for bits in (4, 6, 8):
            print(f"{name} bits={bits}: mse={mse(x, bits)!r} aciq={aciq(x, bits)!r} kl={kl(x, bits)!r}")
