package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installing Debian's dataset-fashion-mnist when its directory lacks the files, with a shell script
 * standing in for apt-get; a user's own directory is only checked.
 */
class FashionMnistPackageTest {
  private static final String INSTALL_ARGS =
      "install -y -q -o DPkg::Lock::Timeout=120 dataset-fashion-mnist";
  private static final String FILES =
      "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
          + " t10k-labels-idx1-ubyte.gz";

  /** Fails the test if apt-get is looked for: nothing is to be installed. */
  private static final Supplier<FashionMnistPackage.Apt> NO_APT =
      () -> {
        throw new AssertionError("apt-get was looked for");
      };

  @TempDir Path tmp;
  private Path packageDir;
  private Path calls;

  @BeforeEach
  void paths() {
    packageDir = tmp.resolve("usr/share/datasets/fashion-mnist");
    calls = tmp.resolve("apt-calls.log");
  }

  @Test
  void presentFilesNeedNoAptGet() throws IOException {
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    for (String name : Dataset.FASHION_MNIST.fileNames()) {
      Files.createFile(mine.resolve(name));
    }

    assertThat(FashionMnistPackage.ensure(mine, packageDir, NO_APT)).isEqualTo(mine);
  }

  @Test
  void aUsersDirectoryLackingFilesIsNeverInstalledInto() throws IOException {
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Files.createFile(mine.resolve("train-images-idx3-ubyte.gz"));

    assertThatThrownBy(() -> FashionMnistPackage.ensure(mine, packageDir, NO_APT))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Fashion-MNIST not found in "
                + mine
                + ": missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
                + " t10k-labels-idx1-ubyte.gz (put the four .gz IDX files of Debian's"
                + " dataset-fashion-mnist there, or set data.fashion-mnist-dir to "
                + packageDir
                + ", where they are installed with apt-get when missing)");
    assertThat(mine).isDirectoryNotContaining("glob:**/t10k*");
  }

  @Test
  void withoutAptGetTheMessageSaysWhyAndHowToInstall() {
    FashionMnistPackage.Apt apt = FashionMnistPackage.Apt.unavailable("apt-get not found on PATH");

    assertThatThrownBy(() -> FashionMnistPackage.ensure(packageDir, packageDir, () -> apt))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Fashion-MNIST not found in "
                + packageDir
                + " and Debian's dataset-fashion-mnist could not be installed (apt-get not found"
                + " on PATH): install it with 'sudo apt-get install dataset-fashion-mnist', or set"
                + " data.fashion-mnist-dir to a directory with its four .gz IDX files ("
                + FILES
                + ")");
    assertThat(packageDir).doesNotExist();
  }

  @Test
  void aMissingPackageIsInstalledWithAptGet() throws IOException {
    FashionMnistPackage.Apt apt = fakeAptGet("[ \"$1\" = install ] && " + installsTheFiles());

    assertThat(FashionMnistPackage.ensure(packageDir, packageDir, () -> apt)).isEqualTo(packageDir);

    assertThat(Files.readAllLines(calls)).containsExactly(INSTALL_ARGS);
    assertThat(packageDir).isDirectoryContaining("glob:**/t10k-labels-idx1-ubyte.gz");
    // Present now: a second call runs nothing.
    assertThat(FashionMnistPackage.ensure(packageDir, packageDir, NO_APT)).isEqualTo(packageDir);
  }

  @Test
  void aFailedInstallUpdatesThePackageListsAndTriesOnceMore() throws IOException {
    FashionMnistPackage.Apt apt =
        fakeAptGet(
            "if [ \"$1\" = update ]; then touch '"
                + tmp.resolve("updated")
                + "'; exit 0; fi\n"
                + "if [ -e '"
                + tmp.resolve("updated")
                + "' ]; then "
                + installsTheFiles()
                + "; fi\n"
                + "echo 'E: Unable to locate package dataset-fashion-mnist'; exit 100");

    assertThat(FashionMnistPackage.ensure(packageDir, packageDir, () -> apt)).isEqualTo(packageDir);

    assertThat(Files.readAllLines(calls)).containsExactly(INSTALL_ARGS, "update -qq", INSTALL_ARGS);
  }

  @Test
  void aFailingInstallNamesTheCommandAndAptGetsError() throws IOException {
    FashionMnistPackage.Apt apt =
        fakeAptGet(
            "echo 'Reading package lists...'\n"
                + "[ \"$1\" = update ] && exit 0\n"
                + "echo 'E: Unable to locate package dataset-fashion-mnist' >&2; exit 100");
    String script = apt.prefix().get(0);

    assertThatThrownBy(() -> FashionMnistPackage.ensure(packageDir, packageDir, () -> apt))
        .isInstanceOf(DataException.class)
        .hasMessage(
            "Fashion-MNIST not found in "
                + packageDir
                + " and Debian's dataset-fashion-mnist could not be installed ('"
                + script
                + " "
                + INSTALL_ARGS
                + "' exit code 100: E: Unable to locate package dataset-fashion-mnist): install it"
                + " with 'sudo apt-get install dataset-fashion-mnist', or set"
                + " data.fashion-mnist-dir to a directory with its four .gz IDX files ("
                + FILES
                + ")");
    assertThat(Files.readAllLines(calls)).containsExactly(INSTALL_ARGS, "update -qq", INSTALL_ARGS);
  }

  @Test
  void anInstallThatLeavesFilesMissingSaysHowToRestoreThem() throws IOException {
    FashionMnistPackage.Apt apt = fakeAptGet("echo '0 upgraded, 0 newly installed'");

    assertThatThrownBy(() -> FashionMnistPackage.ensure(packageDir, packageDir, () -> apt))
        .hasMessage(
            "Fashion-MNIST not found in "
                + packageDir
                + " after installing dataset-fashion-mnist: missing "
                + FILES
                + " (restore them: sudo apt-get install --reinstall dataset-fashion-mnist, or set"
                + " data.fashion-mnist-dir to a directory with its four .gz IDX files)");
  }

  @Test
  void aptGetRunsDirectlyAsRootAndThroughSudoOtherwise() {
    assertThat(FashionMnistPackage.Apt.choose("apt-get", true, true, "sudo", false).prefix())
        .containsExactly("apt-get");
    assertThat(FashionMnistPackage.Apt.choose("apt-get", true, false, "sudo", true).prefix())
        .containsExactly("sudo", "-n", "apt-get");
    assertThat(FashionMnistPackage.Apt.choose("apt-get", true, false, "sudo", false).whyNot())
        .isEqualTo("not root, and 'sudo -n' is missing or asks for a password");
    assertThat(FashionMnistPackage.Apt.choose("apt-get", false, true, "sudo", true).whyNot())
        .isEqualTo("apt-get not found on PATH");
    assertThat(
            FashionMnistPackage.installCommand(
                FashionMnistPackage.Apt.choose("apt-get", true, false, "sudo", true)))
        .isEqualTo(
            List.of(
                "sudo",
                "-n",
                "apt-get",
                "install",
                "-y",
                "-q",
                "-o",
                "DPkg::Lock::Timeout=120",
                "dataset-fashion-mnist"));
  }

  @Test
  void commandsAreFoundOnThePath() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    assertThat(FashionMnistPackage.onPath("sh")).isTrue();
    assertThat(FashionMnistPackage.onPath("/bin/sh")).isTrue();
    assertThat(FashionMnistPackage.onPath("tausweep-no-such-apt-get")).isFalse();
    assertThat(FashionMnistPackage.onPath(tmp.resolve("apt-get").toString())).isFalse();
  }

  /** A shell script as apt-get: it appends its arguments to {@link #calls}, then runs body. */
  private FashionMnistPackage.Apt fakeAptGet(String body) throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    Path script = tmp.resolve("apt-get");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new FashionMnistPackage.Apt(List.of(script.toString()), null);
  }

  /** Shell commands that create the four files in the package directory and exit 0. */
  private String installsTheFiles() {
    StringBuilder sh = new StringBuilder("mkdir -p '" + packageDir + "'");
    for (String name : Dataset.FASHION_MNIST.fileNames()) {
      sh.append(" && touch '").append(packageDir.resolve(name)).append("'");
    }
    return "{ " + sh + "; exit 0; }";
  }
}
