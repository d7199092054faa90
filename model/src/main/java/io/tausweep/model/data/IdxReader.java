package io.tausweep.model.data;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads unsigned-byte IDX files, the format MNIST ships in: a big-endian magic number {@code
 * 0x000008nn} (type 0x08 = unsigned byte, nn = number of dimensions), nn big-endian dimension
 * sizes, then the product of the dimensions in bytes. Every structural defect (wrong magic, wrong
 * number of dimensions, a non-positive dimension, a truncated or overlong file) is a {@link
 * DataException} naming the file, so a half-downloaded data set fails before training instead of
 * producing garbage.
 *
 * <p>The payload is read straight into one {@code byte[]} through a {@link FileChannel} in 1 MiB
 * chunks (no whole-file direct buffer), so the 47 MB training images load in tens of milliseconds.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte IDX file with 3 dimensions (count, rows, cols). */
  public static final int MAGIC_IMAGES = 0x00000803;

  /** Magic number of an unsigned-byte IDX file with 1 dimension (count). */
  public static final int MAGIC_LABELS = 0x00000801;

  /** The fix appended to every message about a corrupt file. */
  static final String CORRUPT_FIX = "(delete it to re-download, or fix data.dir)";

  private static final int UNSIGNED_BYTE_TYPE = 0x08;
  private static final int CHUNK_BYTES = 1 << 20;

  /** The largest array length every JVM accepts. */
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * The content of an IDX image file: {@code count} images of {@code rows x cols} unsigned pixels,
   * row-major, image after image. The array is handed over, not copied.
   *
   * @param count number of images, positive
   * @param rows pixel rows per image, positive
   * @param cols pixel columns per image, positive
   * @param pixels {@code count * rows * cols} unsigned bytes
   */
  public record Images(int count, int rows, int cols, byte[] pixels) {
    /** Validates that the sizes are positive and agree with the pixel array. */
    public Images {
      Objects.requireNonNull(pixels, "pixels");
      if (count <= 0 || rows <= 0 || cols <= 0) {
        throw new IllegalArgumentException(
            "Invalid IDX image dimensions: "
                + count
                + "x"
                + rows
                + "x"
                + cols
                + " (count, rows and cols must be positive)");
      }
      if ((long) count * rows * cols != pixels.length) {
        throw new IllegalArgumentException(
            "Invalid IDX image data: "
                + pixels.length
                + " pixels for "
                + count
                + "x"
                + rows
                + "x"
                + cols
                + " images (need count*rows*cols pixels)");
      }
    }
  }

  /**
   * Reads an unsigned-byte image file (magic {@code 0x00000803}).
   *
   * @param file the IDX file
   * @return the images with their dimensions
   * @throws DataException if the file is missing, unreadable or not a well-formed image file
   */
  public static Images readImages(Path file) {
    Raw raw = read(file, Kind.IMAGES);
    return new Images(raw.dims[0], raw.dims[1], raw.dims[2], raw.data);
  }

  /**
   * Reads an unsigned-byte label file (magic {@code 0x00000801}); values are not range-checked here
   * because the valid range depends on the data set.
   *
   * @param file the IDX file
   * @return one unsigned byte per label
   * @throws DataException if the file is missing, unreadable or not a well-formed label file
   */
  public static byte[] readLabels(Path file) {
    return read(file, Kind.LABELS).data;
  }

  private enum Kind {
    IMAGES(MAGIC_IMAGES, "images", "count, rows, cols"),
    LABELS(MAGIC_LABELS, "labels", "count");

    final int magic;
    final String noun;
    final String dimNames;

    Kind(int magic, String noun, String dimNames) {
      this.magic = magic;
      this.noun = noun;
      this.dimNames = dimNames;
    }

    int dims() {
      return magic & 0xFF;
    }

    int headerBytes() {
      return 4 + 4 * dims();
    }
  }

  private record Raw(int[] dims, byte[] data) {}

  private static Raw read(Path file, Kind kind) {
    Objects.requireNonNull(file, "file");
    Path shown = file.toAbsolutePath();
    if (Files.isDirectory(file)) {
      throw new DataException(
          "Cannot read IDX file " + shown + ": it is a directory (remove it, or fix data.dir)");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch, shown, kind);
    } catch (NoSuchFileException e) {
      throw new DataException(
          "Missing IDX file "
              + shown
              + " (fetch MNIST into "
              + shown.getParent()
              + ", or fix data.dir)",
          e);
    } catch (IOException e) {
      throw new DataException(
          "Cannot read IDX file "
              + shown
              + ": "
              + oneLine(e.toString())
              + " (check that it is a readable file, or fix data.dir)",
          e);
    }
  }

  private static Raw read(FileChannel ch, Path shown, Kind kind) throws IOException {
    long size = ch.size();
    if (size == 0) {
      throw corrupt(
          shown, "empty, expected a " + kind.headerBytes() + "-byte IDX header for " + kind.noun);
    }
    if (size < 4) {
      throw tooShortForHeader(shown, size, kind);
    }
    ByteBuffer magicBuf = ByteBuffer.allocate(4); // big-endian by default, as IDX is
    readFully(ch, magicBuf, 0);
    int magic = magicBuf.getInt(0);
    if (magic != kind.magic) {
      if (magic >>> 8 == UNSIGNED_BYTE_TYPE) {
        int declared = magic & 0xFF;
        throw corrupt(
            shown,
            String.format(
                "magic number 0x%08X declares %d dimension%s, expected %d (%s) for %s",
                magic, declared, declared == 1 ? "" : "s", kind.dims(), kind.dimNames, kind.noun));
      }
      throw corrupt(
          shown,
          String.format(
              "magic number 0x%08X, expected 0x%08X for unsigned-byte %s",
              magic, kind.magic, kind.noun));
    }
    if (size < kind.headerBytes()) {
      throw tooShortForHeader(shown, size, kind);
    }
    ByteBuffer dimBuf = ByteBuffer.allocate(4 * kind.dims());
    readFully(ch, dimBuf, 4);
    int[] dims = new int[kind.dims()];
    long payload = 1;
    boolean allPositive = true;
    StringBuilder shape = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = dimBuf.getInt(4 * i);
      allPositive &= dims[i] > 0;
      payload *= Math.max(1, Integer.toUnsignedLong(dims[i]));
      shape.append(i == 0 ? "" : "x").append(Integer.toUnsignedString(dims[i]));
    }
    if (!allPositive) {
      throw corrupt(shown, "dimensions " + shape + ", each must be in 1.." + Integer.MAX_VALUE);
    }
    long expected = kind.headerBytes() + payload;
    if (payload > MAX_ARRAY_BYTES) {
      throw corrupt(
          shown,
          "dimensions "
              + shape
              + " need "
              + expected
              + " bytes, more than the "
              + MAX_ARRAY_BYTES
              + " a Java array holds");
    }
    if (size != expected) {
      throw corrupt(
          shown,
          "expected " + expected + " bytes for " + shape + " " + kind.noun + ", found " + size);
    }
    byte[] data = new byte[(int) payload];
    long pos = kind.headerBytes();
    int off = 0;
    while (off < data.length) {
      // Chunked so the JDK's temporary direct buffer stays small.
      ByteBuffer chunk = ByteBuffer.wrap(data, off, Math.min(CHUNK_BYTES, data.length - off));
      int n = ch.read(chunk, pos);
      if (n < 0) {
        throw new EOFException("file shrank to " + pos + " bytes while being read");
      }
      off += n;
      pos += n;
    }
    return new Raw(dims, data);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new EOFException("file shrank to " + pos + " bytes while being read");
      }
      pos += n;
    }
  }

  private static DataException tooShortForHeader(Path shown, long size, Kind kind) {
    return corrupt(
        shown,
        size
            + " bytes, too short for the "
            + kind.headerBytes()
            + "-byte IDX header of "
            + kind.noun);
  }

  private static DataException corrupt(Path shown, String what) {
    return new DataException("Corrupt IDX file " + shown + ": " + what + " " + CORRUPT_FIX);
  }

  /** Collapses line breaks so that every message stays on one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
