package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Stats against reference values from SciPy 1.10 ({@code scipy.stats.t.ppf}, {@code
 * scipy.stats.wilcoxon}), computed independently of Commons Math.
 */
class StatsTest {
  @Test
  void tQuantilesMatchTheTables() {
    assertThat(Stats.tQuantile(0.975, 4)).isCloseTo(2.7764451051977987, within(1e-8));
    assertThat(Stats.tQuantile(0.975, 2)).isCloseTo(4.302652729911275, within(1e-8));
    assertThat(Stats.tQuantile(0.975, 1)).isCloseTo(12.706204736432095, within(1e-7));
    assertThat(Stats.tQuantile(0.025, 4)).isCloseTo(-2.7764451051977987, within(1e-8));
  }

  @Test
  void tQuantileRejectsBadArguments() {
    assertThatThrownBy(() -> Stats.tQuantile(0.975, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid t quantile: p=0.975, dof=0.0 (p must be in (0, 1) and dof > 0)");
    assertThatThrownBy(() -> Stats.tQuantile(1.0, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ciHalfWidthIsTTimesStandardError() {
    assertThat(Stats.ci95HalfWidth(0.1, 5L))
        .isCloseTo(2.7764451051977987 * 0.1 / Math.sqrt(5), within(1e-10));
    assertThat(Stats.ci95HalfWidth(0.1, 1L)).isNull();
    assertThat(Stats.ci95HalfWidth(null, 5L)).isNull();
    assertThat(Stats.ci95HalfWidth(0.0, 3L)).isZero();
  }

  @Test
  void wilcoxonExactSmallSamples() {
    assertThat(Stats.wilcoxonSignedRankP(new double[] {1, 2, 3, 4, 5})).isEqualTo(0.0625);
    assertThat(Stats.wilcoxonSignedRankP(new double[] {-0.01, -0.02, -0.03, -0.04, -0.05}))
        .isEqualTo(0.0625);
    assertThat(Stats.wilcoxonSignedRankP(new double[] {1, 2, 3})).isEqualTo(0.25);
    assertThat(Stats.wilcoxonSignedRankP(new double[] {1, -2, 3, 4, -5, 6, 7}))
        .isCloseTo(0.296875, within(1e-15));
  }

  @Test
  void wilcoxonDropsZerosAndNaNs() {
    // SciPy zero_method='wilcox': [0, 1, 2, 3, 4, 5] is tested as [1, 2, 3, 4, 5].
    assertThat(Stats.wilcoxonSignedRankP(new double[] {0, 1, 2, 3, 4, 5})).isEqualTo(0.0625);
    assertThat(Stats.wilcoxonSignedRankP(new double[] {1, Double.NaN, 2, 3, 4, 5}))
        .isEqualTo(0.0625);
  }

  @Test
  void wilcoxonCentredStatisticIsCappedAtOne() {
    assertThat(Stats.wilcoxonSignedRankP(new double[] {1, -2, -3, 4})).isEqualTo(1.0);
  }

  @Test
  void wilcoxonIsNullWhereUndefined() {
    assertThat(Stats.wilcoxonSignedRankP(new double[] {})).isNull();
    assertThat(Stats.wilcoxonSignedRankP(new double[] {0.3})).isNull();
    assertThat(Stats.wilcoxonSignedRankP(new double[] {0, 0, 0, 0, 0})).isNull();
    assertThat(Stats.wilcoxonSignedRankP(new double[] {0, 0, 2})).isNull();
  }

  @Test
  void wilcoxonUsesTheNormalApproximationAboveThirty() {
    // 1..40 with every third negated; SciPy wilcoxon(method='approx', correction=True).
    double[] d = IntStream.range(0, 40).mapToDouble(i -> (i + 1) * (i % 3 == 0 ? -1 : 1)).toArray();
    assertThat(Stats.wilcoxonSignedRankP(d)).isCloseTo(0.09964873997927338, within(1e-12));
  }

  @Test
  void wilcoxonApproximationCorrectsForTies() {
    // 35 non-zero deltas with magnitudes 1..7 (heavily tied) and two zeros; SciPy
    // wilcoxon(method='approx', correction=True, zero_method='wilcox').
    double[] d = new double[37];
    for (int i = 0; i < 35; i++) {
      d[i] = ((i % 7) + 1) * (i % 4 == 0 ? -1 : 1);
    }
    assertThat(Stats.wilcoxonSignedRankP(d)).isCloseTo(0.007633134939125986, within(1e-12));
  }
}
