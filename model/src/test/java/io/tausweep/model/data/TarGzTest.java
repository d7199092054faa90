package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TarGzTest {
  @TempDir Path tmp;

  private Map<String, byte[]> readAll(Path tgz) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    TarGz.forEachFile(
        tgz,
        (name, size, content) -> {
          byte[] bytes = content.readAllBytes();
          assertThat(bytes).hasSize((int) size);
          files.put(name, bytes);
        });
    return files;
  }

  @Test
  void readsOwnUstarArchive() throws IOException {
    byte[] big = new byte[70_001];
    new Random(3).nextBytes(big);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/a", "hello".getBytes());
    entries.put("package/empty", new byte[0]);
    entries.put("package/data/big", big);
    entries.put("package/exactly-one-block", new byte[512]);

    Map<String, byte[]> read = readAll(TarFiles.writeTgz(tmp.resolve("x.tgz"), entries));

    assertThat(read.keySet()).containsExactlyElementsOf(entries.keySet());
    assertThat(read.get("package/a")).isEqualTo("hello".getBytes());
    assertThat(read.get("package/data/big")).isEqualTo(big);
    assertThat(read.get("package/exactly-one-block")).hasSize(512);
  }

  @Test
  void unreadContentIsSkipped() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("first", new byte[5000]);
    entries.put("second", "after".getBytes());
    Path tgz = TarFiles.writeTgz(tmp.resolve("x.tgz"), entries);
    Map<String, String> seen = new LinkedHashMap<>();

    TarGz.forEachFile(
        tgz,
        (name, size, content) -> {
          byte[] head = content.readNBytes(3);
          seen.put(name, new String(head));
        });

    assertThat(seen).containsExactly(Map.entry("first", "\0\0\0"), Map.entry("second", "aft"));
  }

  /** Archives written by GNU tar, with a path longer than the 100 bytes of the ustar name field. */
  @ParameterizedTest
  @ValueSource(strings = {"ustar", "pax", "gnu"})
  void readsArchivesWrittenByGnuTar(String format) throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/bin/tar")) || Files.isExecutable(Path.of("/usr/bin/tar")),
        "needs GNU tar");
    Path src = tmp.resolve("src");
    String deep = "package/" + "d".repeat(60) + "/" + "e".repeat(50);
    Files.createDirectories(src.resolve(deep));
    byte[] payload = new byte[1234];
    new Random(5).nextBytes(payload);
    Files.write(src.resolve(deep).resolve("train-labels-idx1-ubyte"), payload);
    Files.writeString(src.resolve("package/package.json"), "{}");
    Path tgz = tmp.resolve("gnu.tgz");
    Process tar =
        new ProcessBuilder(
                "tar",
                "--format=" + format,
                "-czf",
                tgz.toString(),
                "-C",
                src.toString(),
                "package")
            .redirectErrorStream(true)
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();

    Map<String, byte[]> read = readAll(tgz);

    assertThat(read.keySet())
        .containsExactlyInAnyOrder(deep + "/train-labels-idx1-ubyte", "package/package.json");
    assertThat(read.get(deep + "/train-labels-idx1-ubyte")).isEqualTo(payload);
  }

  @Test
  void truncatedArchiveIsAnEofError() throws IOException {
    byte[] header = TarFiles.header("a", 2000);
    Path tgz = gzip(tmp.resolve("x.tgz"), Arrays.copyOf(header, 512 + 100));

    assertThatThrownBy(() -> readAll(tgz)).isInstanceOf(IOException.class);
  }

  @Test
  void plainFileIsNotGzip() throws IOException {
    Path notGzip = Files.writeString(tmp.resolve("x.tgz"), "<html>rate limited</html>");

    assertThatThrownBy(() -> readAll(notGzip)).isInstanceOf(IOException.class);
  }

  private static Path gzip(Path file, byte[] content) throws IOException {
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content);
    }
    return file;
  }
}
