/**
 * Helper functions available to every program, as JavaScript source that gpu.js translates to
 * GLSL (or runs as is in cpu mode). They are strings, not functions, so that no bundler can
 * rename or instrument them.
 *
 * Why they exist: gpu.js turns every `/` into float division, which is not exact on every GPU
 * (gpu.js found it inexact on llvmpipe), GLSL ES 1.0 has no isnan, and gpu.js's own GLSL
 * versions of expm1, log1p, tanh and round lose accuracy (log(1 + x) near 0, exp overflow to
 * NaN in tanh, round(0.49999997) = 1). Names start with `ts`, a prefix no
 * GLSL built-in uses. Flags are the numbers 0 and 1 because gpu.js declares a boolean local
 * variable as a float, which GLSL rejects.
 */
export const HELPER_SOURCES: readonly string[] = [
  // Floor division of whole numbers below 2^24. GPU division may be off by an ulp or two, so the
  // quotient is corrected with the remainder, which is exact at these magnitudes.
  `function tsDiv(a, b) {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) {
    q = q - 1;
  } else if (r >= b) {
    q = q + 1;
  }
  return q;
}`,
  // NaN is the one value that differs from itself; GLSL ES 1.0 has no isnan().
  `function tsIsNan(v) {
  if (v != v) {
    return 1;
  }
  return 0;
}`,
  `function tsIsFinite(v) {
  if (Math.abs(v) <= 3.4028234663852886e38) {
    return 1;
  }
  return 0;
}`,
  // Taylor series below 0.5, where exp(x) - 1 would cancel; the 12th term is under 1e-10.
  `function tsExpm1(x) {
  if (Math.abs(x) < 0.5) {
    let term = x;
    let sum = x;
    for (let n = 2; n < 12; n++) {
      term = (term * x) / n;
      sum = sum + term;
    }
    return sum;
  }
  return Math.exp(x) - 1;
}`,
  // log(1 + x) = 2 atanh(s) with s = x / (2 + x): near 0 the odd series in s keeps full
  // precision, where log(1 + x) would first round 1 + x.
  `function tsLog1p(x) {
  if (x > -0.5 && x < 1) {
    const s = x / (2 + x);
    const s2 = s * s;
    let power = s;
    let sum = s;
    for (let n = 1; n < 10; n++) {
      power = power * s2;
      sum = sum + power / (2 * n + 1);
    }
    return 2 * sum;
  }
  return Math.log(1 + x);
}`,
  // tanh(|x|) = -expm1(-2|x|) / (2 + expm1(-2|x|)): no overflow for large |x|, no
  // cancellation for small.
  `function tsTanh(x) {
  const e = tsExpm1(-2 * Math.abs(x));
  const t = -e / (2 + e);
  if (x < 0) {
    return -t;
  }
  return t;
}`,
  `function tsSigmoid(x) {
  if (x >= 0) {
    return 1 / (1 + Math.exp(-x));
  }
  const e = Math.exp(x);
  return e / (1 + e);
}`,
  // Round half to even. x - floor(x) is exact, so halves are found without rounding error.
  `function tsRound(x) {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) {
    return f + 1;
  }
  if (d < 0.5) {
    return f;
  }
  if (f - 2 * Math.floor(f * 0.5) == 0) {
    return f;
  }
  return f + 1;
}`,
  `function tsTrunc(x) {
  if (x < 0) {
    return Math.ceil(x);
  }
  return Math.floor(x);
}`,
  `function tsSign(x) {
  if (x > 0) {
    return 1;
  }
  if (x < 0) {
    return -1;
  }
  return x;
}`,
  // pow with C's and PyTorch's special cases: x^0 = 1 and 1^y = 1 even for NaN, and
  // (-1)^(±Infinity) = 1, where JavaScript's ** gives NaN. Whole-number exponents up to 64
  // multiply by squaring, so small integer powers are exact. Zero, infinite bases and infinite
  // exponents are decided here because llvmpipe's GLSL pow gets them wrong (pow(0, -Infinity)
  // gave 0); GLSL pow then only gets a finite positive base. A negative base takes its sign from
  // the exponent's parity; with a fractional exponent it gives NaN (Infinity or 0 for -Infinity).
  `function tsPowInt(base, n) {
  let result = 1;
  let b = base;
  let e = n;
  for (let k = 0; k < 7; k++) {
    if (e >= 1) {
      const half = Math.floor(e * 0.5);
      if (e - 2 * half == 1) {
        result = result * b;
      }
      b = b * b;
      e = half;
    }
  }
  return result;
}`,
  `function tsPowMagnitude(ax, y, posInf) {
  const limit = 3.4028234663852886e38;
  if (Math.abs(y) > limit) {
    if ((ax < 1 && y > 0) || (ax > 1 && y < 0)) {
      return 0;
    }
    return posInf;
  }
  if (ax == 0) {
    if (y > 0) {
      return 0;
    }
    return posInf;
  }
  if (ax > limit) {
    if (y > 0) {
      return posInf;
    }
    return 0;
  }
  return Math.pow(ax, y);
}`,
  `function tsPow(x, y, posInf, nanValue) {
  if (y == 0 || x == 1) {
    return 1;
  }
  if (tsIsNan(x) == 1 || tsIsNan(y) == 1) {
    return nanValue;
  }
  const ay = Math.abs(y);
  if (x == -1 && ay > 3.4028234663852886e38) {
    return 1;
  }
  if (Math.floor(ay) == ay && ay <= 64) {
    const p = tsPowInt(x, ay);
    if (y < 0) {
      return 1 / p;
    }
    return p;
  }
  const magnitude = tsPowMagnitude(Math.abs(x), y, posInf);
  if (x >= 0) {
    return magnitude;
  }
  if (Math.floor(ay) != ay) {
    if (x < -3.4028234663852886e38) {
      return magnitude;
    }
    return nanValue;
  }
  if (ay - 2 * Math.floor(ay * 0.5) == 1) {
    return -magnitude;
  }
  return magnitude;
}`,
];
