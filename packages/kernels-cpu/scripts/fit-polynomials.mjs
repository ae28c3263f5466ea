// Fits the minimax polynomials of the WebAssembly elementwise kernels (src/wasm/elementwise-math.ts)
// with the Remez exchange algorithm in float64, then prints each fit's coefficients rounded to
// float32 and its maximum relative error measured with those rounded coefficients.
// Usage: node packages/kernels-cpu/scripts/fit-polynomials.mjs
//
// exp:  e^r = 1 + r + r^2 q(r) for |r| <= 0.35 (a little over ln(2) / 2, because the reduced
//       argument is computed in float32 and can land just outside ln(2) / 2).
// tanh: tanh(a) = a + a^3 P(a^2) for 0 <= a <= TANH_SMALL.

const TANH_SMALL = 0.625;

/** Solves the square system `matrix x = rhs` by Gaussian elimination with partial pivoting. */
function solve(matrix, rhs) {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * x[c];
    x[r] = sum / m[r][r];
  }
  return x;
}

function horner(coefficients, t) {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * t + coefficients[i];
  return sum;
}

/**
 * Returns the coefficients (lowest degree first) of the degree-`degree` polynomial p that
 * minimizes max |weight(t) (target(t) - p(t))| over [lo, hi], found by Remez exchange over a
 * grid of `gridSize` points.
 */
function remez(target, weight, lo, hi, degree, gridSize = 20000) {
  const grid = Array.from({ length: gridSize }, (_, i) => lo + ((hi - lo) * i) / (gridSize - 1));
  // Start from the Chebyshev extrema, which are close to the final alternation points.
  let reference = Array.from({ length: degree + 2 }, (_, i) => {
    const x = -Math.cos((Math.PI * i) / (degree + 1));
    return lo + ((hi - lo) * (x + 1)) / 2;
  });
  let coefficients = [];
  for (let iteration = 0; iteration < 30; iteration++) {
    const matrix = reference.map((t, i) => [
      ...Array.from({ length: degree + 1 }, (_, j) => t ** j),
      (i % 2 === 0 ? 1 : -1) / weight(t),
    ]);
    const solution = solve(
      matrix,
      reference.map((t) => target(t)),
    );
    coefficients = solution.slice(0, degree + 1);
    const error = (t) => weight(t) * (target(t) - horner(coefficients, t));
    // Local extrema of the error on the grid, ends included, then one per run of equal sign.
    const extrema = [];
    for (let i = 0; i < grid.length; i++) {
      const e = error(grid[i]);
      const left = i > 0 ? Math.abs(error(grid[i - 1])) : -1;
      const right = i + 1 < grid.length ? Math.abs(error(grid[i + 1])) : -1;
      if (Math.abs(e) >= left && Math.abs(e) >= right) extrema.push({ t: grid[i], e });
    }
    const alternating = [];
    for (const point of extrema) {
      const last = alternating[alternating.length - 1];
      if (last !== undefined && Math.sign(last.e) === Math.sign(point.e)) {
        if (Math.abs(point.e) > Math.abs(last.e)) alternating[alternating.length - 1] = point;
      } else {
        alternating.push(point);
      }
    }
    // Drop the smaller end until exactly degree + 2 alternation points remain.
    while (alternating.length > degree + 2) {
      if (Math.abs(alternating[0].e) < Math.abs(alternating[alternating.length - 1].e)) {
        alternating.shift();
      } else {
        alternating.pop();
      }
    }
    if (alternating.length < degree + 2) break;
    reference = alternating.map((point) => point.t);
  }
  return coefficients;
}

/** Returns the maximum of |relative error| of `approximate` against `exact` over a grid. */
function maxRelativeError(exact, approximate, lo, hi, points = 200001) {
  let worst = 0;
  for (let i = 0; i < points; i++) {
    const t = lo + ((hi - lo) * i) / (points - 1);
    const e = exact(t);
    if (e !== 0) worst = Math.max(worst, Math.abs((approximate(t) - e) / e));
  }
  return worst;
}

const toFloat32 = (values) => values.map((v) => Math.fround(v));

// (e^r - 1 - r) / r^2, by its Taylor series near 0 where the subtraction would cancel.
function expTail(r) {
  if (Math.abs(r) > 0.05) return (Math.exp(r) - 1 - r) / (r * r);
  let sum = 0;
  let term = 0.5;
  for (let k = 0; k < 12; k++) {
    sum += term;
    term *= r / (k + 3);
  }
  return sum;
}

// Taylor coefficients of tanh(a) = sum c_k a^(2k+1), for (tanh(a) - a) / a^3 near 0.
const TANH_SERIES = [
  1,
  -1 / 3,
  2 / 15,
  -17 / 315,
  62 / 2835,
  -1382 / 155925,
  21844 / 6081075,
  -929569 / 638512875,
];

// (tanh(a) - a) / a^3 as a function of z = a^2.
function tanhTail(z) {
  if (z > 0.01) {
    const a = Math.sqrt(z);
    return (Math.tanh(a) - a) / (a * z);
  }
  return horner(TANH_SERIES.slice(1), z);
}

const R = 0.35;
for (const degree of [3, 4]) {
  // Relative error of e^r: weight r^2 / e^r on the fitted tail.
  const q = toFloat32(remez(expTail, (r) => (r * r) / Math.exp(r) || 1e-300, -R, R, degree));
  const approx = (r) => 1 + r + r * r * horner(q, r);
  const error = maxRelativeError(Math.exp, approx, -R, R);
  process.stdout.write(
    `exp tail degree ${degree}: q = [${q.join(', ')}], max relative error ${error}\n`,
  );
}

const Z = TANH_SMALL * TANH_SMALL;
for (const degree of [3, 4, 5]) {
  // Relative error of tanh(a): weight a^3 / tanh(a) = z / (tanh(a) / a).
  const weight = (z) => (z === 0 ? 1e-300 : (z * Math.sqrt(z)) / Math.tanh(Math.sqrt(z)));
  const p = toFloat32(remez(tanhTail, weight, 0, Z, degree));
  const approx = (a) => a + a * a * a * horner(p, a * a);
  const error = maxRelativeError(Math.tanh, approx, 1e-6, TANH_SMALL);
  process.stdout.write(
    `tanh tail degree ${degree}: P = [${p.join(', ')}], max relative error ${error}\n`,
  );
}
