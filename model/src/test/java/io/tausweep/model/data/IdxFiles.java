package io.tausweep.model.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for tests, plain or gzipped, including deliberately malformed ones. */
final class IdxFiles {
  private IdxFiles() {}

  /** The bytes of an IDX file with the given magic, dimensions and payload, in that order. */
  static byte[] bytes(int magic, int[] dims, byte[] payload) {
    ByteBuffer buf = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
    buf.putInt(magic);
    for (int d : dims) {
      buf.putInt(d);
    }
    buf.put(payload);
    return buf.array();
  }

  static Path write(Path file, int magic, int[] dims, byte[] payload) throws IOException {
    return Files.write(file, bytes(magic, dims, payload));
  }

  static Path writeImages(Path file, int count, int rows, int cols, byte[] pixels)
      throws IOException {
    return write(file, IdxReader.MAGIC_IMAGES, new int[] {count, rows, cols}, pixels);
  }

  static Path writeLabels(Path file, byte[] labels) throws IOException {
    return write(file, IdxReader.MAGIC_LABELS, new int[] {labels.length}, labels);
  }

  /** {@code bytes}, gzipped. */
  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Path writeGzip(Path file, int magic, int[] dims, byte[] payload) throws IOException {
    return Files.write(file, gzip(bytes(magic, dims, payload)));
  }

  static Path writeGzipImages(Path file, int count, int rows, int cols, byte[] pixels)
      throws IOException {
    return writeGzip(file, IdxReader.MAGIC_IMAGES, new int[] {count, rows, cols}, pixels);
  }

  static Path writeGzipLabels(Path file, byte[] labels) throws IOException {
    return writeGzip(file, IdxReader.MAGIC_LABELS, new int[] {labels.length}, labels);
  }
}
