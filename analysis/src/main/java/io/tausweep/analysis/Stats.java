package io.tausweep.analysis;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * The statistics behind the {@code summary} and {@code paired} views, from Apache Commons Math, and
 * their registration as Spark SQL functions, since SQL cannot call Commons Math itself.
 *
 * <p>SQL functions registered by {@link #registerFunctions}:
 *
 * <ul>
 *   <li>{@code t_quantile(p, dof)}: the p-quantile of Student's t with {@code dof} degrees of
 *       freedom;
 *   <li>{@code ci95_half(std, n)}: half-width of the 95% confidence interval of a mean, {@code
 *       t_quantile(0.975, n - 1) * std / sqrt(n)}; null when {@code n < 2} or std is null;
 *   <li>{@code wilcoxon_p(deltas)}: two-sided Wilcoxon signed-rank p-value of an {@code
 *       array<double>} of paired differences (see {@link #wilcoxonSignedRankP}).
 * </ul>
 */
public final class Stats {
  private Stats() {}

  /** Largest count of non-zero differences for which the exact Wilcoxon p-value is computed. */
  public static final int WILCOXON_EXACT_MAX_N = 30;

  /**
   * The {@code p}-quantile of Student's t distribution.
   *
   * @throws IllegalArgumentException when {@code dof <= 0} or {@code p} is outside (0, 1)
   */
  public static double tQuantile(double p, double dof) {
    if (!(dof > 0) || !(p > 0 && p < 1)) {
      throw new IllegalArgumentException(
          "Invalid t quantile: p=" + p + ", dof=" + dof + " (p must be in (0, 1) and dof > 0)");
    }
    // No random generator: the distribution is only inverted, never sampled.
    return new TDistribution(null, dof, TDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY)
        .inverseCumulativeProbability(p);
  }

  /**
   * Half-width of the two-sided 95% confidence interval of a mean from {@code n} observations with
   * sample standard deviation {@code std}: {@code t(0.975, n-1) * std / sqrt(n)}.
   *
   * @return the half-width, or null when {@code std} is null or {@code n < 2}
   */
  public static Double ci95HalfWidth(Double std, Long n) {
    if (std == null || n == null || n < 2 || std.isNaN()) {
      return null;
    }
    return tQuantile(0.975, n - 1) * std / Math.sqrt(n);
  }

  /**
   * Two-sided p-value of the Wilcoxon signed-rank test that paired differences are centred on 0.
   * Zero differences are dropped first (Wilcoxon's original rule, SciPy's {@code
   * zero_method='wilcox'}); tied magnitudes get average ranks. Up to {@value #WILCOXON_EXACT_MAX_N}
   * non-zero differences, Commons Math's exact p-value (its enumeration of all 2^n sign patterns).
   * Above, the normal approximation with tie-corrected variance and continuity correction, as
   * SciPy's {@code wilcoxon(method='approx', correction=True)}: Commons Math's own approximation
   * applies the continuity correction away from the mean (3.6.1), so it is not used.
   *
   * @param deltas differences, nulls and NaNs ignored
   * @return the p-value in (0, 1], or null when fewer than 2 differences are non-zero (the test is
   *     undefined there, and Commons Math would throw or return a meaningless value)
   */
  public static Double wilcoxonSignedRankP(double[] deltas) {
    double[] nonZero = Arrays.stream(deltas).filter(d -> !Double.isNaN(d) && d != 0.0).toArray();
    int n = nonZero.length;
    if (n < 2) {
      return null;
    }
    double p =
        n <= WILCOXON_EXACT_MAX_N
            ? new WilcoxonSignedRankTest().wilcoxonSignedRankTest(nonZero, new double[n], true)
            : wilcoxonNormalP(nonZero);
    // Either two-sided value doubles a tail probability, which passes 1 for a centred statistic.
    return Math.min(1.0, p);
  }

  /**
   * The normal approximation of the signed-rank statistic (Lehmann, Nonparametrics, 1975, ch. 3).
   */
  private static double wilcoxonNormalP(double[] nonZero) {
    int n = nonZero.length;
    double[] abs = Arrays.stream(nonZero).map(Math::abs).toArray();
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(abs);
    double wPlus = 0;
    for (int i = 0; i < n; i++) {
      if (nonZero[i] > 0) {
        wPlus += ranks[i];
      }
    }
    double mean = n * (n + 1) / 4.0;
    // Each group of t tied magnitudes lowers the variance by (t^3 - t) / 48.
    double variance = n * (n + 1) * (2.0 * n + 1) / 24.0;
    double[] sorted = abs.clone();
    Arrays.sort(sorted);
    for (int i = 0, j; i < n; i = j) {
      for (j = i + 1; j < n && sorted[j] == sorted[i]; j++) {
        // extends the run of ties
      }
      double t = j - i;
      variance -= (t * t * t - t) / 48.0;
    }
    double z = Math.max(0, Math.abs(wPlus - mean) - 0.5) / Math.sqrt(variance);
    return 2
        * new NormalDistribution(null, 0, 1, NormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY)
            .cumulativeProbability(-z);
  }

  /** Registers {@code t_quantile}, {@code ci95_half} and {@code wilcoxon_p} in the session. */
  public static void registerFunctions(SparkSession spark) {
    // Java UDFs get no implicit casts, so arguments arrive as whatever numeric type the SQL has
    // (a literal 0.975 is a decimal, 4 an int): take any Number.
    spark
        .udf()
        .register(
            "t_quantile",
            (UDF2<Object, Object, Double>)
                (p, dof) -> p == null || dof == null ? null : tQuantile(number(p), number(dof)),
            DataTypes.DoubleType);
    spark
        .udf()
        .register(
            "ci95_half",
            (UDF2<Object, Object, Double>)
                (std, n) ->
                    std == null || n == null ? null : ci95HalfWidth(number(std), (long) number(n)),
            DataTypes.DoubleType);
    spark
        .udf()
        .register(
            "wilcoxon_p",
            (UDF1<scala.collection.Seq<Object>, Double>) Stats::wilcoxonP,
            DataTypes.DoubleType);
  }

  private static Double wilcoxonP(scala.collection.Seq<Object> deltas) {
    if (deltas == null) {
      return null;
    }
    double[] d = new double[deltas.size()];
    int k = 0;
    for (scala.collection.Iterator<Object> it = deltas.iterator(); it.hasNext(); ) {
      Object v = it.next();
      d[k++] = v == null ? Double.NaN : number(v);
    }
    return wilcoxonSignedRankP(d);
  }

  private static double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(
        "Not a number: "
            + v
            + " ("
            + v.getClass().getSimpleName()
            + "); t_quantile, ci95_half and wilcoxon_p take numeric arguments");
  }
}
