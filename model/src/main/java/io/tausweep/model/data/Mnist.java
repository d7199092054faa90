package io.tausweep.model.data;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The training (60,000) and test (10,000) sets of MNIST, or of another data set in its format
 * ({@link Dataset}: Fashion-MNIST), loaded from the four standard IDX files. One serializable value
 * so a Spark driver can load it once and broadcast it to every executor.
 *
 * <p>{@link #load} only reads MNIST; call {@link MnistFetcher#ensure} first to download missing
 * files: {@code Mnist.load(MnistFetcher.ensure(dir))}, or {@link Dataset#load} for any data set.
 *
 * @param train the training images
 * @param test the test images
 */
public record Mnist(MnistImages train, MnistImages test) implements Serializable {
  /** File name of the training images (Fashion-MNIST's add {@code .gz} to each name). */
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";

  /** File name of the training labels. */
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";

  /** File name of the test images. */
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";

  /** File name of the test labels. */
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** The four file names, in the order train images, train labels, test images, test labels. */
  public static final List<String> FILE_NAMES =
      List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /** Pixel rows and columns of an MNIST image. */
  public static final int SIDE = 28;

  /** Requires both sets to be present. */
  public Mnist {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
  }

  /**
   * Reads and validates the four MNIST IDX files in {@code dir}: {@link Dataset#read} of {@link
   * Dataset#MNIST}.
   *
   * @param dir the directory holding the four files named in {@link #FILE_NAMES}
   * @return both sets
   * @throws DataException naming the file and the defect if anything is missing or wrong
   */
  public static Mnist load(Path dir) {
    return Dataset.MNIST.read(dir);
  }

  /** One set (train or test) of {@code dataset}, validated; messages name the data set. */
  static MnistImages loadSet(Dataset dataset, Path imageFile, Path labelFile) {
    String name = dataset.displayName();
    IdxReader.Images images = IdxReader.readImages(imageFile, dataset);
    if (images.rows() != SIDE || images.cols() != SIDE) {
      throw new DataException(
          "Corrupt "
              + name
              + " image file "
              + imageFile.toAbsolutePath()
              + ": "
              + images.rows()
              + "x"
              + images.cols()
              + " images, expected "
              + SIDE
              + "x"
              + SIDE
              + " "
              + dataset.corruptFix());
    }
    byte[] labels = IdxReader.readLabels(labelFile, dataset);
    if (labels.length != images.count()) {
      throw new DataException(
          name
              + " files disagree: "
              + imageFile.toAbsolutePath()
              + " has "
              + images.count()
              + " images but "
              + labelFile.toAbsolutePath()
              + " has "
              + labels.length
              + " labels "
              + dataset.disagreeFix());
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= MnistImages.NUM_CLASSES) {
        throw new DataException(
            "Corrupt "
                + name
                + " label file "
                + labelFile.toAbsolutePath()
                + ": label at index "
                + i
                + " is "
                + Byte.toUnsignedInt(labels[i])
                + ", expected 0.."
                + (MnistImages.NUM_CLASSES - 1)
                + " "
                + dataset.corruptFix());
      }
    }
    return MnistImages.wrap(images.rows(), images.cols(), images.pixels(), labels);
  }
}
