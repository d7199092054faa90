package io.tausweep.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the first-layer products rely on: which columns a split's images ever use. */
class SplitTest {

  @Test
  void nonBlankColumnsAreTheColumnsSomeImageUses() {
    // Three images of five features: column 1 is used by the first image only, column 4 by the last
    // only, column 2 holds -0 (zero), the others are blank.
    float[] x = {
      0f, 0.5f, 0f, 0f, 0f,
      0f, 0f, -0f, 0f, 0f,
      0f, 0f, 0f, 0f, 1e-30f,
    };
    Split s = new Split(x, new int[] {0, 1, 2}, 5);
    assertThat(s.nonBlankColumns()).containsExactly(1, 4);
    assertThat(new Split(new float[10], new int[] {0, 1}, 5).nonBlankColumns()).isEmpty();
  }
}
