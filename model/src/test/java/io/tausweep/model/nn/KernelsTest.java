package io.tausweep.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The element-wise kernels against their definitions. */
class KernelsTest {

  @Test
  void sigmoidMatchesTheDefinitionToFloatPrecision() {
    double worst = 0;
    for (float x = -120f; x <= 120f; x += 0.001f) {
      worst = Math.max(worst, Math.abs(Kernels.sigmoid(x) - 1.0 / (1.0 + Math.exp(-x))));
    }
    assertThat(worst).isLessThan(1e-7);
    assertThat(Kernels.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(Kernels.sigmoid(-1e9f)).isEqualTo(0f);
    assertThat(Kernels.sigmoid(1e9f)).isEqualTo(1f);
    assertThat(Kernels.sigmoid(Float.NaN)).isNaN();
  }
}
