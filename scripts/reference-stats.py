#!/usr/bin/env python3
"""Reference values for splitserve's statistics, computed with SciPy and statsmodels (Debian python3-scipy,
python3-statsmodels). Writes test/fixtures/stats-reference.json; test/experiments/stats.test.ts compares the
TypeScript implementations against it. Run: /usr/bin/python3 scripts/reference-stats.py"""
import json, math, os
import numpy as np
import scipy
import statsmodels
from scipy import stats, integrate
from statsmodels.stats.proportion import proportions_ztest, confint_proportions_2indep
from statsmodels.stats.multitest import multipletests

out = {"generator": f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}"}

# Chi-square goodness of fit, including the seed's 86/14 on 100 requests with 80/20 weights.
gof = []
for observed, expected in [([86, 14], [80, 20]), ([8012, 1988], [8000, 2000]), ([500, 300, 200], [450, 350, 200]), ([7000, 3000], [8000, 2000])]:
    r = stats.chisquare(observed, expected)
    gof.append({"observed": observed, "expected": expected, "chi2": float(r.statistic), "p": float(r.pvalue)})
out["chisquare"] = gof

# Two-proportion z test (pooled) and the Wald interval of the difference (unpooled).
zt = []
for (sc, nc), (st, nt) in [((830, 1000), (850, 1000)), ((80, 100), (14, 20)), ((4100, 5000), (1080, 1250)), ((50, 400), (72, 400))]:
    stat, p = proportions_ztest([st, sc], [nt, nc])
    lo, hi = confint_proportions_2indep(st, nt, sc, nc, method="wald", compare="diff")
    zt.append({"control": {"successes": sc, "n": nc}, "treatment": {"successes": st, "n": nt}, "z": float(stat), "p": float(p), "ci": [float(lo), float(hi)]})
out["two_proportion"] = zt

# Welch t test on fixed samples (summary statistics given to the TypeScript side).
rng = np.random.default_rng(7)
welch = []
for a, b in [(rng.normal(100, 15, 40), rng.normal(108, 25, 60)), (rng.normal(5, 1, 12), rng.normal(5.3, 2, 9)), (rng.exponential(200, 500), rng.exponential(210, 400))]:
    r = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    q = stats.t.ppf(0.975, df)
    d = b.mean() - a.mean()
    welch.append({"control": {"n": len(a), "mean": float(a.mean()), "variance": float(a.var(ddof=1))}, "treatment": {"n": len(b), "mean": float(b.mean()), "variance": float(b.var(ddof=1))},
                  "t": float(r.statistic), "p": float(r.pvalue), "df": float(df), "ci": [float(d - q * math.sqrt(va + vb)), float(d + q * math.sqrt(va + vb))]})
out["welch"] = welch

# Holm adjustment.
holm = []
for ps in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.001, 0.049], [0.5]]:
    holm.append({"p": ps, "adjusted": [float(x) for x in multipletests(ps, method="holm")[1]]})
out["holm"] = holm

# Beta-Binomial (uniform prior): P(T > C) and E[max(C - T, 0)] by numerical integration.
bayes = []
for (sc, nc), (st, nt) in [((830, 1000), (850, 1000)), ((80, 100), (14, 20)), ((40, 50), (38, 50)), ((3, 10), (7, 10))]:
    ac, bc, at, bt = 1 + sc, 1 + nc - sc, 1 + st, 1 + nt - st
    win = integrate.quad(lambda y: stats.beta.pdf(y, at, bt) * stats.beta.cdf(y, ac, bc), 0, 1, limit=400, epsabs=1e-12)[0]
    muc = ac / (ac + bc)
    loss = integrate.quad(lambda y: stats.beta.pdf(y, at, bt) * (muc * stats.beta.sf(y, ac + 1, bc) - y * stats.beta.sf(y, ac, bc)), 0, 1, limit=400, epsabs=1e-12)[0]
    bayes.append({"control": {"successes": sc, "n": nc}, "treatment": {"successes": st, "n": nt}, "chance_to_beat": win, "expected_loss": loss})
out["bayes_binary"] = bayes

# Sample size for two proportions: the closed form with pooled variance under H0, unpooled under H1
# (Fleiss), evaluated with scipy's normal quantiles, and statsmodels' NormalIndPower on Cohen's h for comparison.
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize
ss = []
for p1, d, alpha, power, k in [(0.83, 0.02, 0.05, 0.8, 1.0), (0.80, 0.05, 0.05, 0.9, 0.25), (0.10, 0.01, 0.01, 0.8, 1.0)]:
    p2 = p1 + d
    pbar = (p1 + k * p2) / (1 + k)
    a = stats.norm.ppf(1 - alpha / 2) * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k))
    b = stats.norm.ppf(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
    n = math.ceil((a + b) ** 2 / d ** 2)
    cohen = NormalIndPower().solve_power(effect_size=proportion_effectsize(p2, p1), alpha=alpha, power=power, ratio=k)
    ss.append({"baseline": p1, "mde": d, "alpha": alpha, "power": power, "ratio": k, "control": n, "statsmodels_cohen_h_control": float(cohen)})
out["sample_size"] = ss

# Quantiles the implementations rely on.
out["quantiles"] = {
    "normal_0_975": float(stats.norm.ppf(0.975)),
    "t_0_975_df_7_5": float(stats.t.ppf(0.975, 7.5)),
    "chi2_sf_3_84_df1": float(stats.chi2.sf(3.84, 1)),
}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "stats-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {os.path.normpath(path)}")
