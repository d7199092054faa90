package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  private static final int PIXELS = 28 * 28;
  private static final String FIX = "(delete it to re-download, or fix data.dir)";

  @TempDir Path dir;

  private byte[] trainPixels;
  private byte[] testPixels;
  private final byte[] trainLabels = {5, 0, 4, 1, 9};
  private final byte[] testLabels = {7, 2, 1};

  @BeforeEach
  void writeSmallMnist() throws IOException {
    Random random = new Random(2024);
    trainPixels = new byte[trainLabels.length * PIXELS];
    testPixels = new byte[testLabels.length * PIXELS];
    random.nextBytes(trainPixels);
    random.nextBytes(testPixels);
    IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), trainLabels.length, 28, 28, trainPixels);
    IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), trainLabels);
    IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES), testLabels.length, 28, 28, testPixels);
    IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), testLabels);
  }

  @Test
  void loadsBothSets() {
    Mnist mnist = Mnist.load(dir);

    assertThat(mnist.train().size()).isEqualTo(5);
    assertThat(mnist.test().size()).isEqualTo(3);
    assertThat(mnist.train().rows()).isEqualTo(28);
    assertThat(mnist.train().cols()).isEqualTo(28);
    assertThat(mnist.train().labels(new int[] {0, 1, 2, 3, 4})).containsExactly(5, 0, 4, 1, 9);
    assertThat(mnist.test().label(0)).isEqualTo(7);
    // Image 2, row 3, column 4; pixels are unsigned.
    assertThat(mnist.train().pixel(2, 3, 4))
        .isEqualTo(Byte.toUnsignedInt(trainPixels[2 * PIXELS + 3 * 28 + 4]));
    assertThat(mnist.test().pixel(1, 27, 0))
        .isEqualTo(Byte.toUnsignedInt(testPixels[PIXELS + 27 * 28]));
    assertThat(mnist.train()).isEqualTo(new MnistImages(28, 28, trainPixels, trainLabels));
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    Path labels = IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), new byte[] {5, 0, 4, 1});

    assertThatThrownBy(() -> Mnist.load(dir))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "MNIST files disagree: "
                + dir.resolve(Mnist.TRAIN_IMAGES)
                + " has 5 images but "
                + labels
                + " has 4 labels (delete both to re-download, or fix data.dir)");
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path labels = IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), new byte[] {7, 2, 10});

    assertThatThrownBy(() -> Mnist.load(dir))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Corrupt MNIST label file "
                + labels
                + ": label at index 2 is 10, expected 0..9 "
                + FIX);
  }

  @Test
  void labelAbove127IsReportedUnsigned() throws IOException {
    Path labels =
        IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), new byte[] {5, (byte) 255, 4, 1, 9});

    assertThatThrownBy(() -> Mnist.load(dir))
        .hasMessage(
            "Corrupt MNIST label file "
                + labels
                + ": label at index 1 is 255, expected 0..9 "
                + FIX);
  }

  @Test
  void imagesMustBe28x28() throws IOException {
    Path images =
        IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES), 3, 32, 32, new byte[3 * 32 * 32]);

    assertThatThrownBy(() -> Mnist.load(dir))
        .hasMessage("Corrupt MNIST image file " + images + ": 32x32 images, expected 28x28 " + FIX);
  }

  @Test
  void missingFileIsNamed() throws IOException {
    Files.delete(dir.resolve(Mnist.TEST_LABELS));

    assertThatThrownBy(() -> Mnist.load(dir))
        .hasMessage(
            "Missing IDX file "
                + dir.resolve(Mnist.TEST_LABELS)
                + " (fetch MNIST into "
                + dir
                + ", or fix data.dir)");
  }

  @Test
  void mnistSurvivesJavaSerialization() throws Exception {
    Mnist mnist = Mnist.load(dir);

    Mnist copy = (Mnist) deserialize(serialize(mnist));

    assertThat(copy).isNotSameAs(mnist).isEqualTo(mnist);
    assertThat(copy.train().pixel(4, 27, 27))
        .isEqualTo(Byte.toUnsignedInt(trainPixels[5 * PIXELS - 1]));
  }

  @Test
  void constructorCopiesItsArrays() {
    byte[] pixels = new byte[2 * 4];
    byte[] labels = {3, 8};
    MnistImages images = new MnistImages(2, 2, pixels, labels);
    pixels[0] = 99;
    labels[0] = 1;

    assertThat(images.pixel(0, 0, 0)).isZero();
    assertThat(images.label(0)).isEqualTo(3);
  }

  @Test
  void constructorRejectsSizeMismatch() {
    assertThatThrownBy(() -> new MnistImages(28, 28, new byte[784], new byte[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid MnistImages: 784 pixels for 2 labels of 28x28 images (need labels*rows*cols = 1568)");
  }

  @Test
  void constructorRejectsLabelOutOfRange() {
    assertThatThrownBy(() -> new MnistImages(1, 1, new byte[3], new byte[] {0, 9, 12}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid MnistImages: label at index 2 is 12 (labels must be in 0..9)");
  }

  @Test
  void subsetCopiesImagesInIndexOrder() {
    MnistImages train = Mnist.load(dir).train();

    MnistImages subset = train.subset(new int[] {4, 1, 4});

    assertThat(subset.size()).isEqualTo(3);
    assertThat(subset.labels(new int[] {0, 1, 2})).containsExactly(9, 0, 9);
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        assertThat(subset.pixel(1, r, c)).isEqualTo(train.pixel(1, r, c));
        assertThat(subset.pixel(2, r, c)).isEqualTo(train.pixel(4, r, c));
      }
    }
  }

  @Test
  void accessorsCheckBounds() {
    MnistImages test = Mnist.load(dir).test();

    assertThatThrownBy(() -> test.label(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> test.pixel(0, 28, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> test.pixel(0, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] b) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    }
  }
}
