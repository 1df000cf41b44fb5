//! Logistic regression by Newton–Raphson (iteratively reweighted least squares), for
//! propensity scores. A tiny ridge penalty keeps the Hessian invertible when a covariate
//! separates the groups perfectly.

// Index loops read like the matrix formulas they implement.
#![allow(clippy::needless_range_loop, reason = "matrix code reads clearer with indices")]

/// Fits `P(y = 1 | x) = 1 / (1 + exp(-x·β))`; rows of `x` include the intercept column.
pub fn fit(x: &[Vec<f64>], y: &[bool], max_iterations: usize) -> Vec<f64> {
    // One row each: `1 · p` is `p` and `1 · w` is `w`, so these are the same bits as the
    // per-row formulas.
    let positives: Vec<f64> = y.iter().map(|&outcome| f64::from(u8::from(outcome))).collect();
    fit_counts(x, &positives, &vec![1.0; y.len()], max_iterations)
}

/// [`fit`] over distinct rows: row `r` of `x` stands for `totals[r]` identical rows of which
/// `positives[r]` have `y = 1`. The same likelihood, its terms summed per distinct row (the
/// same estimate; only the order of the floating-point sums differs from one row at a time).
pub fn fit_counts(x: &[Vec<f64>], positives: &[f64], totals: &[f64], max_iterations: usize) -> Vec<f64> {
    let k = x.first().map_or(0, Vec::len);
    let mut beta = vec![0.0; k];
    const RIDGE: f64 = 1e-6;
    // Each row's non-zero columns. Propensity rows are mostly indicators at 0, and a term with
    // a 0 factor adds a zero that leaves every sum exactly as it was (no sum here is ever -0:
    // each starts at +0, and +0 plus ±0 is +0), so skipping them gives the same bits as the
    // full loops in a fraction of the time (a million rows, 19 columns: ~5 non-zero).
    let mut nonzero: Vec<usize> = Vec::with_capacity(k);
    for _ in 0..max_iterations {
        let mut gradient = vec![0.0; k];
        let mut hessian = vec![vec![0.0; k]; k];
        for ((row, &positive), &total) in x.iter().zip(positives).zip(totals) {
            let p = sigmoid(dot(row, &beta));
            let residual = positive - total * p;
            let weight = total * (p * (1.0 - p));
            nonzero.clear();
            nonzero.extend((0..k).filter(|&i| row[i] != 0.0));
            for (a, &i) in nonzero.iter().enumerate() {
                gradient[i] += row[i] * residual;
                for &j in &nonzero[..=a] {
                    hessian[i][j] += weight * row[i] * row[j];
                }
            }
        }
        for i in 0..k {
            gradient[i] -= RIDGE * beta[i];
            hessian[i][i] += RIDGE;
            for j in 0..i {
                hessian[j][i] = hessian[i][j];
            }
        }
        let Some(step) = solve(hessian, gradient) else {
            break;
        };
        let mut largest = 0.0f64;
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
            largest = largest.max(s.abs());
        }
        if largest < 1e-9 {
            break;
        }
    }
    beta
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting; `None` if singular.
pub fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let factor = a[row][col] / a[col][col];
            for c in col..n {
                a[row][c] -= factor * a[col][c];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let sum: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - sum) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_linear_systems() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert_eq!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]), None);
    }

    /// The fit as it was written first: every term of every row, zeros included.
    fn dense_fit(x: &[Vec<f64>], y: &[bool], max_iterations: usize) -> Vec<f64> {
        let k = x.first().map_or(0, Vec::len);
        let mut beta = vec![0.0; k];
        const RIDGE: f64 = 1e-6;
        for _ in 0..max_iterations {
            let mut gradient = vec![0.0; k];
            let mut hessian = vec![vec![0.0; k]; k];
            for (row, &outcome) in x.iter().zip(y) {
                let p = sigmoid(dot(row, &beta));
                let residual = f64::from(u8::from(outcome)) - p;
                let weight = p * (1.0 - p);
                for i in 0..k {
                    gradient[i] += row[i] * residual;
                    for j in 0..=i {
                        hessian[i][j] += weight * row[i] * row[j];
                    }
                }
            }
            for i in 0..k {
                gradient[i] -= RIDGE * beta[i];
                hessian[i][i] += RIDGE;
                for j in 0..i {
                    hessian[j][i] = hessian[i][j];
                }
            }
            let Some(step) = solve(hessian, gradient) else {
                break;
            };
            let mut largest = 0.0f64;
            for (b, s) in beta.iter_mut().zip(&step) {
                *b += s;
                largest = largest.max(s.abs());
            }
            if largest < 1e-9 {
                break;
            }
        }
        beta
    }

    #[test]
    fn skipping_zero_terms_gives_the_same_bits_as_the_full_loops() {
        // Propensity-like rows: intercept, a continuous column, indicators (one of several
        // set, or none), a log count that is often 0.
        let mut rng = crate::prng::Rng::new(5);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..3000 {
            let mut row = vec![1.0, 18.0 + rng.below(50) as f64, f64::from(u8::from(rng.below(40) == 0))];
            let set = rng.below(6) as usize;
            row.extend((0..5).map(|i| f64::from(u8::from(i == set))));
            row.push((rng.below(4) as f64).ln_1p());
            let lean = row[1] / 70.0 + row[3] * 0.5 - row[8] * 0.3;
            y.push((rng.below(1000) as f64) / 1000.0 < lean / 2.0);
            x.push(row);
        }
        let sparse = fit(&x, &y, 30);
        let dense = dense_fit(&x, &y, 30);
        let bits = |b: &[f64]| b.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&sparse), bits(&dense));
    }

    #[test]
    fn counted_rows_give_the_fit_of_the_rows_written_out() {
        // Few distinct rows, many copies: the fit over the distinct rows with their counts is
        // the fit over every copy, up to the order of the sums.
        let mut rng = crate::prng::Rng::new(9);
        let distinct: Vec<Vec<f64>> = (0..40)
            .map(|i| vec![1.0, f64::from(18 + i % 20), f64::from(u8::from(i % 3 == 0)), (f64::from(i % 7)).ln_1p()])
            .collect();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        let (mut positives, mut totals) = (vec![0.0; distinct.len()], vec![0.0; distinct.len()]);
        for _ in 0..20_000 {
            let r = rng.below(distinct.len() as u64) as usize;
            let lean = sigmoid(-3.0 + distinct[r][1] / 20.0 + distinct[r][2] - distinct[r][3] * 0.5);
            let outcome = rng.next_f64() < lean;
            x.push(distinct[r].clone());
            y.push(outcome);
            positives[r] += f64::from(u8::from(outcome));
            totals[r] += 1.0;
        }
        let rows = fit(&x, &y, 30);
        let counted = fit_counts(&distinct, &positives, &totals, 30);
        for (a, b) in rows.iter().zip(&counted) {
            assert!((a - b).abs() < 1e-9 * a.abs().max(1.0), "{rows:?} vs {counted:?}");
        }
    }

    #[test]
    fn recovers_group_log_odds() {
        // Group 0: 1 of 4 positive (log-odds ln(1/3)); group 1: 3 of 4 (ln 3).
        let mut x = Vec::new();
        let mut y = Vec::new();
        for (g, positives) in [(0.0, 1), (1.0, 3)] {
            for i in 0..4 {
                x.push(vec![1.0, g]);
                y.push(i < positives);
            }
        }
        let beta = fit(&x, &y, 50);
        assert!((beta[0] - (1.0f64 / 3.0).ln()).abs() < 1e-4, "{beta:?}");
        assert!((beta[1] - 9.0f64.ln()).abs() < 1e-4, "{beta:?}");
    }
}
