//! The few statistics functions the measures need, written out so the crate stays small and
//! every formula can be read: Wilson intervals, the regularised incomplete gamma function
//! (for chi-square p-values), erfc, and means/variances.

/// The 97.5% quantile of the standard normal distribution (two-sided 95%).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score 95% interval for `successes` out of `n`; `None` when `n == 0`.
pub fn wilson95(successes: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let (n, p, z2) = (n as f64, successes as f64 / n as f64, Z95 * Z95);
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let margin = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some([(centre - margin).max(0.0), (centre + margin).min(1.0)])
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; ~15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx)
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a
/// continued fraction (modified Lentz) above — the usual split for fast convergence.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (1.0 - sum * log_prefactor.exp()).clamp(0.0, 1.0)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (log_prefactor.exp() * h).clamp(0.0, 1.0)
    }
}

/// P(X ≥ x) for X chi-square distributed with `df` degrees of freedom.
pub fn chi_square_p(x: f64, df: u32) -> f64 {
    gamma_q(f64::from(df) / 2.0, x / 2.0)
}

/// Complementary error function, via erfc(x) = Q(1/2, x²) for x ≥ 0.
pub fn erfc(x: f64) -> f64 {
    if x >= 0.0 { gamma_q(0.5, x * x) } else { 2.0 - gamma_q(0.5, x * x) }
}

/// Standard normal cumulative distribution function.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// Sample variance (n - 1 denominator); 0 for fewer than two values.
pub fn variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

/// Standardised mean difference: (mean_t - mean_c) / sqrt((var_t + var_c) / 2); 0 when both
/// groups are constant and equal.
pub fn standardised_mean_difference(treated: &[f64], control: &[f64]) -> f64 {
    let difference = mean(treated) - mean(control);
    let pooled = ((variance(treated) + variance(control)) / 2.0).sqrt();
    if pooled == 0.0 {
        if difference == 0.0 { 0.0 } else { f64::INFINITY.copysign(difference) }
    } else {
        difference / pooled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) {
        assert!((a - b).abs() < tolerance, "{a} vs {b}");
    }

    #[test]
    fn wilson_matches_hand_computed_values() {
        let [lo, hi] = wilson95(5, 10).unwrap();
        close(lo, 0.236_593, 1e-5);
        close(hi, 0.763_407, 1e-5);
        let [lo, hi] = wilson95(0, 20).unwrap();
        close(lo, 0.0, 1e-12);
        close(hi, 0.161_125, 1e-5);
        assert_eq!(wilson95(0, 0), None);
    }

    #[test]
    fn gamma_functions_match_tables() {
        close(ln_gamma(1.0), 0.0, 1e-12);
        close(ln_gamma(5.0), 24f64.ln(), 1e-12);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12);
        close(chi_square_p(3.841_458_820_694_124, 1), 0.05, 1e-9);
        close(chi_square_p(5.991_464_547_107_979, 2), 0.05, 1e-9);
        close(chi_square_p(6.634_896_601_021_214, 1), 0.01, 1e-9);
        close(chi_square_p(30.0, 1), 4.320_463_e-8, 1e-13);
        close(erfc(0.0), 1.0, 1e-12);
        close(erfc(1.0), 0.157_299_207_050_285_1, 1e-12);
        close(erfc(-1.0), 1.842_700_792_949_715, 1e-12);
        close(normal_cdf(Z95), 0.975, 1e-9);
    }

    #[test]
    fn smd_is_difference_over_pooled_sd() {
        // means 2 and 1, variances 1 and 1 → SMD 1
        close(standardised_mean_difference(&[1.0, 2.0, 3.0], &[0.0, 1.0, 2.0]), 1.0, 1e-12);
        assert_eq!(standardised_mean_difference(&[1.0, 1.0], &[1.0, 1.0]), 0.0);
    }
}
