package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RotationTest {
  private static final int N = 28;
  private static final int PIXELS = N * N;

  /** A full-frame image of seeded random pixels 0..255. */
  private static byte[] randomImage(long seed) {
    byte[] image = new byte[PIXELS];
    new Random(seed).nextBytes(image);
    return image;
  }

  /** Pixel {@code index} of {@code image} scaled to [0, 1]. */
  private static float scaled(byte[] image, int index) {
    return (image[index] & 0xFF) / 255f;
  }

  private static float[] rotate(byte[] image, double angleDeg) {
    return Rotation.rotate(image, 0, N, N, angleDeg, new float[PIXELS], 0);
  }

  /** The index of pixel (row, col) in a flat N x N image. */
  private static int at(int row, int col) {
    return row * N + col;
  }

  /** Where an exact rotation takes each output pixel (r, c) from, as an index into the input. */
  private interface Source {
    int of(int r, int c);
  }

  /** Asserts that every output pixel (r, c) is exactly the input pixel {@code source.of(r, c)}. */
  private static void assertPixelsMoved(float[] out, byte[] image, Source source) {
    for (int r = 0; r < N; r++) {
      for (int c = 0; c < N; c++) {
        assertThat(out[at(r, c)])
            .as("pixel (%d, %d)", r, c)
            .isEqualTo(scaled(image, source.of(r, c)));
      }
    }
  }

  private static double sum(float[] values) {
    double s = 0;
    for (float v : values) {
      s += v;
    }
    return s;
  }

  @Test
  void zeroDegreesIsTheIdentity() {
    byte[] image = randomImage(1);

    float[] out = rotate(image, 0);

    assertPixelsMoved(out, image, (r, c) -> at(r, c));
  }

  @Test
  void ninetyDegreesIsTheExactCounterClockwisePermutation() {
    byte[] image = randomImage(2);

    float[] out = rotate(image, 90);

    // Counter-clockwise as displayed (row 0 at the top): out[r][c] = in[c][27 - r].
    assertPixelsMoved(out, image, (r, c) -> at(c, N - 1 - r));
  }

  @Test
  void ninetyDegreesMovesTheTopRightCornerToTheTopLeft() {
    byte[] image = new byte[PIXELS];
    image[N - 1] = (byte) 255; // row 0, column 27

    float[] out = rotate(image, 90);

    assertThat(out[0]).isEqualTo(1f);
    assertThat(sum(out)).isEqualTo(1.0);
  }

  @Test
  void minusNinetyEquals270AndIsTheClockwisePermutation() {
    byte[] image = randomImage(3);

    float[] minus90 = rotate(image, -90);

    assertThat(rotate(image, 270)).containsExactly(minus90);
    assertPixelsMoved(minus90, image, (r, c) -> at(N - 1 - c, r));
  }

  @Test
  void fullTurnsEqualZeroDegreesExactly() {
    byte[] image = randomImage(4);
    float[] zero = rotate(image, 0);

    assertThat(rotate(image, 360)).containsExactly(zero);
    assertThat(rotate(image, -360)).containsExactly(zero);
    assertThat(rotate(image, 720)).containsExactly(zero);
  }

  @Test
  void oneEightyDegreesIsTheDoubleFlip() {
    byte[] image = randomImage(5);

    float[] out = rotate(image, 180);

    assertPixelsMoved(out, image, (r, c) -> at(N - 1 - r, N - 1 - c));
    assertThat(rotate(image, -180)).containsExactly(out);
  }

  @Test
  void fortyFiveDegreesKeepsTheMassOfACentredDisc() {
    byte[] image = new byte[PIXELS];
    for (int r = 0; r < N; r++) {
      for (int c = 0; c < N; c++) {
        if ((r - 13.5) * (r - 13.5) + (c - 13.5) * (c - 13.5) <= 64) {
          image[r * N + c] = (byte) 200;
        }
      }
    }
    double before = sum(rotate(image, 0));

    // scipy.ndimage.rotate gives 0.9925: bilinear blur at the rim, nothing leaves the frame.
    assertThat(sum(rotate(image, 45)) / before).isCloseTo(0.9925, within(0.002));
  }

  @Test
  void fortyFiveDegreesLosesTheCornersOfAFullImage() {
    byte[] image = randomImage(6);

    double ratio = sum(rotate(image, 45)) / sum(rotate(image, 0));

    // The overlap of a square and its 45-degree rotation is 2(sqrt(2) - 1) = 0.83 of its area.
    assertThat(ratio).isBetween(0.78, 0.87);
  }

  @Test
  void fortyFiveDegreesMovesAPixelRightOfCentreUpAndRight() {
    byte[] image = new byte[PIXELS];
    image[13 * N + 23] = (byte) 255; // 9.5 px right of and 0.5 px above the centre (13.5, 13.5)

    float[] out = rotate(image, 45);

    double mass = 0;
    double rowMoment = 0;
    double colMoment = 0;
    int argmax = 0;
    for (int p = 0; p < PIXELS; p++) {
      mass += out[p];
      rowMoment += out[p] * (p / N);
      colMoment += out[p] * (p % N);
      argmax = out[p] > out[argmax] ? p : argmax;
    }
    // Forward rotation of (row 13, col 23) by 45 degrees CCW lands at (6.43, 19.86);
    // the centroid and peak below are scipy.ndimage.rotate's for the same input.
    assertThat(argmax / N).isEqualTo(6);
    assertThat(argmax % N).isEqualTo(20);
    assertThat(rowMoment / mass).isCloseTo(6.3926, within(1e-3));
    assertThat(colMoment / mass).isCloseTo(19.9326, within(1e-3));
    assertThat(mass).isCloseTo(224.8406 / 255, within(1e-4));
  }

  @Test
  void thirtyDegreesMatchesScipy() {
    // scipy.ndimage.rotate(img, 30, reshape=False, order=1, mode='grid-constant') of this image.
    byte[] image = new byte[PIXELS];
    for (int r = 0; r < N; r++) {
      for (int c = 0; c < N; c++) {
        image[r * N + c] = (byte) ((r * 37 + c * 11 + r * c) % 256);
      }
    }

    float[] out = rotate(image, 30);

    double[][] expected = {
      {0, 0, 0},
      {3, 20, 162.38806226257145},
      {10, 5, 109.93598165652432},
      {13, 13, 70.250299042492},
      {14, 14, 101.35095264191654},
      {20, 3, 56.39305144242327},
      {25, 14, 137.2703877943994},
      {27, 27, 0},
    };
    for (double[] e : expected) {
      assertThat(out[(int) e[0] * N + (int) e[1]])
          .as("pixel (%d, %d)", (int) e[0], (int) e[1])
          .isCloseTo((float) (e[2] / 255), within(1e-6f));
    }
    assertThat(sum(out)).isCloseTo(85069.23853461226 / 255, within(1e-3));
  }

  @Test
  void outputStaysWithinZeroAndOne() {
    byte[] white = new byte[PIXELS];
    java.util.Arrays.fill(white, (byte) 255);

    for (double angle : new double[] {17, 33.3, 45, 61, 123.4}) {
      float[] out = rotate(white, angle);
      for (float v : out) {
        assertThat(v).isBetween(0f, 1f);
      }
      assertThat(out[14 * N + 14]).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void rotateAllRotatesTheIndexedImagesInOrder() {
    byte[] pixels = new byte[3 * PIXELS];
    new Random(8).nextBytes(pixels);
    MnistImages images = new MnistImages(N, N, pixels, new byte[] {1, 2, 3});

    float[] all = Rotation.rotateAll(images, new int[] {2, 0}, 30);

    assertThat(all).hasSize(2 * PIXELS);
    float[] third = Rotation.rotate(pixels, 2 * PIXELS, N, N, 30, new float[PIXELS], 0);
    float[] first = Rotation.rotate(pixels, 0, N, N, 30, new float[PIXELS], 0);
    assertThat(java.util.Arrays.copyOfRange(all, 0, PIXELS)).containsExactly(third);
    assertThat(java.util.Arrays.copyOfRange(all, PIXELS, 2 * PIXELS)).containsExactly(first);
  }

  @Test
  void rotateAllAtZeroDegreesIsTheScaledPixels() {
    byte[] pixels = new byte[2 * PIXELS];
    new Random(9).nextBytes(pixels);
    MnistImages images = new MnistImages(N, N, pixels, new byte[] {0, 9});

    float[] all = Rotation.rotateAll(images, new int[] {1}, 0);

    for (int p = 0; p < PIXELS; p++) {
      assertThat(all[p]).isEqualTo((pixels[PIXELS + p] & 0xFF) / 255f);
    }
  }

  @Test
  void rejectsANonFiniteAngle() {
    assertThatThrownBy(() -> Rotation.of(Double.NaN, N, N))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid rotation angle: NaN (must be a finite number of degrees)");
  }

  @Test
  void rejectsImagesOfAnotherSize() {
    MnistImages small = new MnistImages(2, 2, new byte[4], new byte[] {0});

    assertThatThrownBy(() -> Rotation.of(10, N, N).applyAll(small, new int[] {0}, new float[4], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot rotate 2x2 images with a rotation built for 28x28 (use Rotation.of with the image size)");
  }

  @Test
  void rejectsASourceTooShortForTheImage() {
    assertThatThrownBy(() -> rotate(new byte[PIXELS - 1], 10))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
