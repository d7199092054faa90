package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdxReaderTest {
  private static final String FIX = "(delete it to re-download, or fix data.dir)";
  private static final String FASHION_FIX =
      "(reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist,"
          + " or fix data.fashion-mnist-dir)";

  @TempDir Path dir;

  @Test
  void imagesRoundTrip() throws IOException {
    byte[] pixels = new byte[3 * 4 * 5];
    new Random(42).nextBytes(pixels);
    Path file = IdxFiles.writeImages(dir.resolve("img"), 3, 4, 5, pixels);

    IdxReader.Images images = IdxReader.readImages(file);

    assertThat(images.count()).isEqualTo(3);
    assertThat(images.rows()).isEqualTo(4);
    assertThat(images.cols()).isEqualTo(5);
    assertThat(images.pixels()).containsExactly(pixels);
  }

  @Test
  void imagesLargerThanOneReadChunkRoundTrip() throws IOException {
    // 3 MB payload: exercises the chunked read loop across several 1 MiB chunks.
    int count = 3827;
    byte[] pixels = new byte[count * 28 * 28];
    new Random(7).nextBytes(pixels);
    Path file = IdxFiles.writeImages(dir.resolve("big"), count, 28, 28, pixels);

    assertThat(IdxReader.readImages(file).pixels()).isEqualTo(pixels);
  }

  @Test
  void labelsRoundTrip() throws IOException {
    byte[] labels = {5, 0, 4, 1, 9, (byte) 200};
    Path file = IdxFiles.writeLabels(dir.resolve("lab"), labels);

    assertThat(IdxReader.readLabels(file)).containsExactly(labels);
  }

  @Test
  void wrongMagicNumber() throws IOException {
    Path file = IdxFiles.write(dir.resolve("img"), 0x12345678, new int[] {1, 1, 1}, new byte[1]);

    assertCorrupt(
            file,
            IdxReader::readImages,
            "magic number 0x12345678, expected 0x00000803 for unsigned-byte images")
        .isInstanceOf(DataException.class);
  }

  @Test
  void nonByteTypeIsAWrongMagicNumber() throws IOException {
    // Type 0x0C is int32: an IDX file, but not one of unsigned bytes.
    Path file = IdxFiles.write(dir.resolve("lab"), 0x00000C01, new int[] {1}, new byte[4]);

    assertCorrupt(
        file,
        IdxReader::readLabels,
        "magic number 0x00000C01, expected 0x00000801 for unsigned-byte labels");
  }

  @Test
  void labelFileReadAsImagesHasWrongNumberOfDimensions() throws IOException {
    Path file = IdxFiles.writeLabels(dir.resolve("lab"), new byte[] {1, 2});

    assertCorrupt(
        file,
        IdxReader::readImages,
        "magic number 0x00000801 declares 1 dimension, expected 3 (count, rows, cols) for images");
  }

  @Test
  void imageFileReadAsLabelsHasWrongNumberOfDimensions() throws IOException {
    Path file = IdxFiles.writeImages(dir.resolve("img"), 1, 2, 2, new byte[4]);

    assertCorrupt(
        file,
        IdxReader::readLabels,
        "magic number 0x00000803 declares 3 dimensions, expected 1 (count) for labels");
  }

  @Test
  void truncatedFile() throws IOException {
    byte[] full =
        IdxFiles.bytes(IdxReader.MAGIC_IMAGES, new int[] {60000, 28, 28}, new byte[1000 - 16]);
    Path file = Files.write(dir.resolve("train-images-idx3-ubyte"), full);

    assertCorrupt(
            file,
            IdxReader::readImages,
            "expected 47040016 bytes for 60000x28x28 images, found 1000")
        .isInstanceOf(DataException.class);
  }

  @Test
  void overlongFile() throws IOException {
    Path file =
        IdxFiles.write(
            dir.resolve("img"), IdxReader.MAGIC_IMAGES, new int[] {2, 2, 2}, new byte[9]);

    assertCorrupt(file, IdxReader::readImages, "expected 24 bytes for 2x2x2 images, found 25");
  }

  @Test
  void overlongLabelFile() throws IOException {
    Path file =
        IdxFiles.write(dir.resolve("lab"), IdxReader.MAGIC_LABELS, new int[] {3}, new byte[4]);

    assertCorrupt(file, IdxReader::readLabels, "expected 11 bytes for 3 labels, found 12");
  }

  @Test
  void emptyFile() throws IOException {
    Path file = Files.createFile(dir.resolve("img"));

    assertCorrupt(file, IdxReader::readImages, "empty, expected a 16-byte IDX header for images");
  }

  @Test
  void fileShorterThanTheMagicNumber() throws IOException {
    Path file = Files.write(dir.resolve("lab"), new byte[] {0, 0, 8});

    assertCorrupt(
        file, IdxReader::readLabels, "3 bytes, too short for the 8-byte IDX header of labels");
  }

  @Test
  void fileShorterThanTheHeader() throws IOException {
    byte[] header =
        Arrays.copyOf(IdxFiles.bytes(IdxReader.MAGIC_IMAGES, new int[] {1, 1, 1}, new byte[1]), 10);
    Path file = Files.write(dir.resolve("img"), header);

    assertCorrupt(
        file, IdxReader::readImages, "10 bytes, too short for the 16-byte IDX header of images");
  }

  static Stream<Arguments> impossibleDimensions() {
    return Stream.of(
        Arguments.of(
            "a zero dimension",
            IdxReader.MAGIC_IMAGES,
            new int[] {2, 0, 28},
            "dimensions 2x0x28, each must be in 1..2147483647"),
        Arguments.of(
            "a dimension above Integer.MAX_VALUE, shown unsigned",
            IdxReader.MAGIC_LABELS,
            new int[] {0xFFFFFFFF},
            "dimensions 4294967295, each must be in 1..2147483647"),
        Arguments.of(
            "dimensions too large for an array",
            IdxReader.MAGIC_IMAGES,
            new int[] {100000, 28000, 28},
            "dimensions 100000x28000x28 need 78400000016 bytes,"
                + " more than the 2147483639 a Java array holds"));
  }

  /** A header with no payload whose dimensions no array holds, read as what its magic says. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("impossibleDimensions")
  void impossibleDimensionsAreRejected(String what, int magic, int[] dims, String problem)
      throws IOException {
    boolean images = magic == IdxReader.MAGIC_IMAGES;
    Path file = IdxFiles.write(dir.resolve(images ? "img" : "lab"), magic, dims, new byte[0]);

    assertCorrupt(file, images ? IdxReader::readImages : IdxReader::readLabels, problem);
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("train-images-idx3-ubyte");

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Missing IDX file " + file + " (fetch MNIST into " + dir + ", or fix data.dir)");
  }

  @Test
  void directoryInsteadOfFile() throws IOException {
    Path file = Files.createDirectory(dir.resolve("train-labels-idx1-ubyte"));

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage(
            "Cannot read IDX file " + file + ": it is a directory (remove it, or fix data.dir)");
  }

  /**
   * Asserts that reading {@code file} fails with "Corrupt IDX file FILE: PROBLEM" and how to fix
   * it; returns the failure for further checks.
   */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(
      Path file, Function<Path, ?> read, String problem) {
    return assertThatThrownBy(() -> read.apply(file))
        .hasMessage("Corrupt IDX file " + file + ": " + problem + " " + FIX);
  }

  @Test
  void imagesRecordRejectsInconsistentSizes() {
    assertThatThrownBy(() -> new IdxReader.Images(2, 2, 2, new byte[7]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid IDX image data: 7 pixels for 2x2x2 images (need count*rows*cols pixels)");
  }

  @Test
  void gzippedImagesAndLabelsRoundTrip() throws IOException {
    byte[] pixels = new byte[3 * 4 * 5];
    new Random(42).nextBytes(pixels);
    byte[] labels = {5, 0, 4, 1, 9, (byte) 200};
    Path images = IdxFiles.writeGzipImages(dir.resolve("img.gz"), 3, 4, 5, pixels);
    Path labelFile = IdxFiles.writeGzipLabels(dir.resolve("lab.gz"), labels);

    IdxReader.Images read = IdxReader.readImages(images);

    assertThat(read.count()).isEqualTo(3);
    assertThat(read.rows()).isEqualTo(4);
    assertThat(read.cols()).isEqualTo(5);
    assertThat(read.pixels()).containsExactly(pixels);
    assertThat(IdxReader.readLabels(labelFile)).containsExactly(labels);
  }

  @Test
  void gzippedImagesLargerThanTheFirstBufferRoundTrip() throws IOException {
    // 20 MB: the payload array grows past its first 16 MiB while the stream is read.
    int count = 26_000;
    byte[] pixels = new byte[count * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 31 + i / 7919);
    }
    Path file = IdxFiles.writeGzipImages(dir.resolve("big.gz"), count, 28, 28, pixels);

    IdxReader.Images read = IdxReader.readImages(file);

    assertThat(read.count()).isEqualTo(count);
    assertThat(read.pixels()).isEqualTo(pixels);
  }

  @Test
  void truncatedGzip() throws IOException {
    byte[] pixels = new byte[50 * 28 * 28];
    new Random(3).nextBytes(pixels);
    byte[] gz =
        IdxFiles.gzip(IdxFiles.bytes(IdxReader.MAGIC_IMAGES, new int[] {50, 28, 28}, pixels));
    Path file =
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(DataException.class)
        .hasMessage("Corrupt gzip file " + file + ": it ends early, the file is truncated " + FIX);
  }

  @Test
  void gzipWithoutItsTrailerIsTruncated() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.bytes(IdxReader.MAGIC_LABELS, new int[] {3}, new byte[3]));
    Path file = Files.write(dir.resolve("lab.gz"), Arrays.copyOf(gz, gz.length - 8));

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage("Corrupt gzip file " + file + ": it ends early, the file is truncated " + FIX);
  }

  @Test
  void emptyGzipFileIsTruncated() throws IOException {
    Path file = Files.createFile(dir.resolve("lab.gz"));

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage("Corrupt gzip file " + file + ": it ends early, the file is truncated " + FIX);
  }

  @Test
  void plainIdxNamedGzIsNotGzip() throws IOException {
    Path file = IdxFiles.writeLabels(dir.resolve("lab.gz"), new byte[] {1, 2});

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage("Corrupt gzip file " + file + ": Not in GZIP format " + FIX);
  }

  @Test
  void gzipWithAWrongChecksum() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.bytes(IdxReader.MAGIC_LABELS, new int[] {3}, new byte[3]));
    gz[gz.length - 8] ^= 1; // the trailer's CRC-32
    Path file = Files.write(dir.resolve("lab.gz"), gz);

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage("Corrupt gzip file " + file + ": Corrupt GZIP trailer " + FIX);
  }

  @Test
  void gzippedIdxShorterThanItsDimensions() throws IOException {
    Path file =
        IdxFiles.writeGzip(
            dir.resolve("img.gz"), IdxReader.MAGIC_IMAGES, new int[] {2, 2, 2}, new byte[7]);

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessage(
            "Corrupt IDX file "
                + file
                + ": expected 24 bytes for 2x2x2 images, found 23 once decompressed "
                + FIX);
  }

  @Test
  void gzippedIdxLongerThanItsDimensions() throws IOException {
    Path file =
        IdxFiles.writeGzip(
            dir.resolve("lab.gz"), IdxReader.MAGIC_LABELS, new int[] {3}, new byte[5]);

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage(
            "Corrupt IDX file "
                + file
                + ": expected 11 bytes for 3 labels, found 13 once decompressed "
                + FIX);
  }

  @Test
  void gzippedEmptyIdx() throws IOException {
    Path file = Files.write(dir.resolve("img.gz"), IdxFiles.gzip(new byte[0]));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessage(
            "Corrupt IDX file "
                + file
                + ": empty once decompressed, expected a 16-byte IDX header for images "
                + FIX);
  }

  @Test
  void gzippedIdxShorterThanItsHeader() throws IOException {
    byte[] header =
        Arrays.copyOf(IdxFiles.bytes(IdxReader.MAGIC_IMAGES, new int[] {1, 1, 1}, new byte[1]), 10);
    Path file = Files.write(dir.resolve("img.gz"), IdxFiles.gzip(header));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessage(
            "Corrupt IDX file "
                + file
                + ": 10 bytes once decompressed, too short for the 16-byte IDX header of images "
                + FIX);
  }

  @Test
  void gzippedWrongMagicNumber() throws IOException {
    Path file =
        IdxFiles.writeGzip(dir.resolve("img.gz"), 0x12345678, new int[] {1, 1, 1}, new byte[1]);

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessage(
            "Corrupt IDX file "
                + file
                + ": magic number 0x12345678, expected 0x00000803"
                + " for unsigned-byte images "
                + FIX);
  }

  @Test
  void messagesEndWithTheFixOfTheFilesDataset() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.bytes(IdxReader.MAGIC_LABELS, new int[] {3}, new byte[3]));
    Path truncated = Files.write(dir.resolve("lab.gz"), Arrays.copyOf(gz, gz.length - 8));
    Path directory = Files.createDirectory(dir.resolve("img.gz"));
    Path missing = dir.resolve("t10k-labels-idx1-ubyte.gz");

    assertThatThrownBy(() -> IdxReader.readLabels(truncated, Dataset.FASHION_MNIST))
        .hasMessage(
            "Corrupt gzip file "
                + truncated
                + ": it ends early, the file is truncated "
                + FASHION_FIX);
    assertThatThrownBy(() -> IdxReader.readImages(directory, Dataset.FASHION_MNIST))
        .hasMessage(
            "Cannot read IDX file "
                + directory
                + ": it is a directory (remove it, or fix data.fashion-mnist-dir)");
    assertThatThrownBy(() -> IdxReader.readLabels(missing, Dataset.FASHION_MNIST))
        .hasMessage(
            "Missing IDX file "
                + missing
                + " (install it: sudo apt-get install dataset-fashion-mnist,"
                + " or fix data.fashion-mnist-dir)");
  }
}
