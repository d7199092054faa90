package io.tausweep.model.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files, the format MNIST ships in: a big-endian magic number {@code
 * 0x000008nn} (type 0x08 = unsigned byte, nn = number of dimensions), nn big-endian dimension
 * sizes, then the product of the dimensions in bytes. Every structural defect (wrong magic, wrong
 * number of dimensions, a non-positive dimension, a truncated or overlong file) is a {@link
 * DataException} naming the file, so a half-downloaded data set fails before training instead of
 * producing garbage.
 *
 * <p>A file whose name ends with {@value #GZIP_SUFFIX} (as Fashion-MNIST ships) is decompressed
 * while it is read, and checked the same way; a defect of the gzip layer (not gzip, truncated, a
 * bad checksum) is a {@link DataException} naming the file too.
 *
 * <p>A plain file's payload is read straight into one {@code byte[]} through a {@link FileChannel}
 * in 1 MiB chunks (no whole-file direct buffer), so the 47 MB training images load in tens of
 * milliseconds.
 *
 * <p>Messages end with the fix for the data set the file belongs to (MNIST unless told otherwise):
 * how to get a good copy, or which config key to correct.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte IDX file with 3 dimensions (count, rows, cols). */
  public static final int MAGIC_IMAGES = 0x00000803;

  /** Magic number of an unsigned-byte IDX file with 1 dimension (count). */
  public static final int MAGIC_LABELS = 0x00000801;

  /** The file name ending that marks a gzipped IDX file. */
  public static final String GZIP_SUFFIX = ".gz";

  private static final int UNSIGNED_BYTE_TYPE = 0x08;
  private static final int CHUNK_BYTES = 1 << 20;
  private static final int GZIP_BUFFER_BYTES = 1 << 16;

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
   * Reads an unsigned-byte image file (magic {@code 0x00000803}), gzipped or not.
   *
   * @param file the IDX file
   * @return the images with their dimensions
   * @throws DataException if the file is missing, unreadable or not a well-formed image file
   */
  public static Images readImages(Path file) {
    return readImages(file, Dataset.MNIST);
  }

  /** {@link #readImages(Path)}, with messages that end with the fixes of {@code dataset}. */
  static Images readImages(Path file, Dataset dataset) {
    Raw raw = read(file, Kind.IMAGES, dataset);
    return new Images(raw.dims[0], raw.dims[1], raw.dims[2], raw.data);
  }

  /**
   * Reads an unsigned-byte label file (magic {@code 0x00000801}); values are not range-checked here
   * because the valid range depends on the data set. Gzipped or not.
   *
   * @param file the IDX file
   * @return one unsigned byte per label
   * @throws DataException if the file is missing, unreadable or not a well-formed label file
   */
  public static byte[] readLabels(Path file) {
    return readLabels(file, Dataset.MNIST);
  }

  /** {@link #readLabels(Path)}, with messages that end with the fixes of {@code dataset}. */
  static byte[] readLabels(Path file, Dataset dataset) {
    return read(file, Kind.LABELS, dataset).data;
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

  /** A header that passed every check: its dimensions and the payload bytes they call for. */
  private record Header(int[] dims, long payload, String shape, Kind kind) {
    long expectedBytes() {
      return kind.headerBytes() + payload;
    }
  }

  private static Raw read(Path file, Kind kind, Dataset dataset) {
    Objects.requireNonNull(file, "file");
    Path shown = file.toAbsolutePath();
    if (Files.isDirectory(file)) {
      throw new DataException(
          "Cannot read IDX file " + shown + ": it is a directory " + dataset.fix("remove it"));
    }
    try {
      return isGzip(file)
          ? readGzip(file, shown, kind, dataset)
          : readPlain(file, shown, kind, dataset);
    } catch (NoSuchFileException e) {
      throw new DataException(
          "Missing IDX file " + shown + " " + dataset.missingFix(shown.getParent()), e);
    } catch (IOException e) {
      throw new DataException(
          "Cannot read IDX file "
              + shown
              + ": "
              + oneLine(e.toString())
              + " "
              + dataset.fix("check that it is a readable file"),
          e);
    }
  }

  /** Whether {@code file} is read through gzip: its name ends with {@value #GZIP_SUFFIX}. */
  static boolean isGzip(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().endsWith(GZIP_SUFFIX);
  }

  private static Raw readPlain(Path file, Path shown, Kind kind, Dataset dataset)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, kind.headerBytes()));
      readFully(ch, head, 0);
      Header h = header(head, size, false, shown, kind, dataset);
      if (size != h.expectedBytes()) {
        throw sizeMismatch(shown, h, size, false, dataset);
      }
      byte[] data = new byte[(int) h.payload()];
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
      return new Raw(h.dims(), data);
    }
  }

  /**
   * Decompresses while reading; the sizes in messages are those of the decompressed IDX content. A
   * defect of the gzip layer itself (not gzip, truncated, bad checksum) is a corrupt-gzip message.
   */
  private static Raw readGzip(Path file, Path shown, Kind kind, Dataset dataset)
      throws IOException {
    try (InputStream in =
        new GZIPInputStream(
            new BufferedInputStream(Files.newInputStream(file), CHUNK_BYTES), GZIP_BUFFER_BYTES)) {
      byte[] headBytes = in.readNBytes(kind.headerBytes());
      Header h = header(ByteBuffer.wrap(headBytes), headBytes.length, true, shown, kind, dataset);
      // Grown as data arrives, so that a corrupt header cannot make a short stream allocate
      // gigabytes.
      byte[] data = new byte[(int) Math.min(h.payload(), 1 << 24)];
      int off = 0;
      while (off < h.payload()) {
        if (off == data.length) {
          data = Arrays.copyOf(data, (int) Math.min(h.payload(), 2L * data.length));
        }
        int n = in.read(data, off, data.length - off);
        if (n < 0) {
          throw sizeMismatch(shown, h, kind.headerBytes() + off, true, dataset);
        }
        off += n;
      }
      // Reading to the end also makes GZIPInputStream check the trailer's CRC and length.
      long extra = in.transferTo(OutputStream.nullOutputStream());
      if (extra > 0) {
        throw sizeMismatch(shown, h, h.expectedBytes() + extra, true, dataset);
      }
      return new Raw(h.dims(), data);
    } catch (EOFException e) {
      throw corruptGzip(shown, "it ends early, the file is truncated", dataset, e);
    } catch (ZipException e) {
      throw corruptGzip(
          shown, oneLine(e.getMessage() == null ? e.toString() : e.getMessage()), dataset, e);
    }
  }

  /**
   * Checks the header in {@code head} (its first {@code min(size, headerBytes)} bytes).
   *
   * @param size the file's size, or for a gzipped file the decompressed bytes read, at most the
   *     header's size
   */
  private static Header header(
      ByteBuffer head, long size, boolean gz, Path shown, Kind kind, Dataset dataset) {
    if (size == 0) {
      throw corrupt(
          shown,
          "empty"
              + (gz ? " once decompressed" : "")
              + ", expected a "
              + kind.headerBytes()
              + "-byte IDX header for "
              + kind.noun,
          dataset);
    }
    if (size < 4) {
      throw tooShortForHeader(shown, size, gz, kind, dataset);
    }
    int magic = head.getInt(0); // big-endian by default, as IDX is
    if (magic != kind.magic) {
      if (magic >>> 8 == UNSIGNED_BYTE_TYPE) {
        int declared = magic & 0xFF;
        throw corrupt(
            shown,
            String.format(
                "magic number 0x%08X declares %d dimension%s, expected %d (%s) for %s",
                magic, declared, declared == 1 ? "" : "s", kind.dims(), kind.dimNames, kind.noun),
            dataset);
      }
      throw corrupt(
          shown,
          String.format(
              "magic number 0x%08X, expected 0x%08X for unsigned-byte %s",
              magic, kind.magic, kind.noun),
          dataset);
    }
    if (size < kind.headerBytes()) {
      throw tooShortForHeader(shown, size, gz, kind, dataset);
    }
    int[] dims = new int[kind.dims()];
    long payload = 1;
    boolean allPositive = true;
    StringBuilder shape = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = head.getInt(4 + 4 * i);
      allPositive &= dims[i] > 0;
      payload *= Math.max(1, Integer.toUnsignedLong(dims[i]));
      shape.append(i == 0 ? "" : "x").append(Integer.toUnsignedString(dims[i]));
    }
    if (!allPositive) {
      throw corrupt(
          shown, "dimensions " + shape + ", each must be in 1.." + Integer.MAX_VALUE, dataset);
    }
    if (payload > MAX_ARRAY_BYTES) {
      throw corrupt(
          shown,
          "dimensions "
              + shape
              + " need "
              + (kind.headerBytes() + payload)
              + " bytes, more than the "
              + MAX_ARRAY_BYTES
              + " a Java array holds",
          dataset);
    }
    return new Header(dims, payload, shape.toString(), kind);
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

  private static DataException tooShortForHeader(
      Path shown, long size, boolean gz, Kind kind, Dataset dataset) {
    return corrupt(
        shown,
        size
            + " bytes"
            + (gz ? " once decompressed" : "")
            + ", too short for the "
            + kind.headerBytes()
            + "-byte IDX header of "
            + kind.noun,
        dataset);
  }

  private static DataException sizeMismatch(
      Path shown, Header h, long found, boolean gz, Dataset dataset) {
    return corrupt(
        shown,
        "expected "
            + h.expectedBytes()
            + " bytes for "
            + h.shape()
            + " "
            + h.kind().noun
            + ", found "
            + found
            + (gz ? " once decompressed" : ""),
        dataset);
  }

  private static DataException corrupt(Path shown, String what, Dataset dataset) {
    return new DataException(
        "Corrupt IDX file " + shown + ": " + what + " " + dataset.corruptFix());
  }

  private static DataException corruptGzip(
      Path shown, String what, Dataset dataset, IOException cause) {
    return new DataException(
        "Corrupt gzip file " + shown + ": " + what + " " + dataset.corruptFix(), cause);
  }

  /** Collapses line breaks so that every message stays on one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
