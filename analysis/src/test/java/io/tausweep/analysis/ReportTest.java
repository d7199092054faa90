package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Report#write} over the shared fixture: one report per sweep, Table 1 and the paired
 * comparisons with the hand-computed numbers, valid PNGs for every figure whose axis the sweep has,
 * and a note instead of each figure it lacks.
 */
class ReportTest {
  static SparkSession spark;
  static Path out;
  static List<Path> written;

  @BeforeAll
  static void writeEveryReport() throws IOException {
    spark = TestSpark.get();
    out = SharedResults.dir();
    // A figure left by an earlier report of 'lambda' that this one skips must not survive.
    Path stale = out.resolve("report/lambda/" + Plots.PARAMS_VS_ACC_PNG);
    Files.createDirectories(stale.getParent());
    Files.write(stale, new byte[] {1, 2, 3});
    written = Report.write(spark, out, null);
  }

  static Path report(String sweep, String file) {
    return out.resolve("report").resolve(sweep).resolve(file);
  }

  static String read(String sweep, String file) throws IOException {
    return Files.readString(report(sweep, file), StandardCharsets.UTF_8);
  }

  @Test
  void writesOneReportPerSweepAndReturnsItsFiles() {
    assertThat(written)
        .containsExactly(
            report("grid", "report.md"),
            report("grid", "report.html"),
            report("grid", Plots.LAMBDA_TRADEOFF_PNG),
            report("grid", Plots.ACC_VS_ANGLE_PNG),
            report("grid", Plots.PARAMS_VS_ACC_PNG),
            report("lambda", "report.md"),
            report("lambda", "report.html"),
            report("lambda", Plots.LAMBDA_TRADEOFF_PNG),
            report("lambda", Plots.ACC_VS_ANGLE_PNG),
            report("other", "report.md"),
            report("other", "report.html"),
            report("other", Plots.LAMBDA_TRADEOFF_PNG),
            report("other", Plots.ACC_VS_ANGLE_PNG),
            report("other", Plots.PARAMS_VS_ACC_PNG),
            report("stats", "report.md"),
            report("stats", "report.html"),
            report("stats", Plots.LAMBDA_TRADEOFF_PNG),
            report("stats", Plots.ACC_VS_ANGLE_PNG),
            report("stats", Plots.PARAMS_VS_ACC_PNG));
    assertThat(written).allMatch(Files::isRegularFile);
  }

  @Test
  void figuresAreValidPngs() throws IOException {
    assertPng(report("grid", Plots.LAMBDA_TRADEOFF_PNG), 1600, 500);
    assertPng(report("grid", Plots.ACC_VS_ANGLE_PNG), 800, 500);
    assertPng(report("grid", Plots.PARAMS_VS_ACC_PNG), 800, 500);
    assertPng(report("lambda", Plots.LAMBDA_TRADEOFF_PNG), 1600, 500);
  }

  @Test
  void table1HasThePapersRowsWithConfidenceIntervals() throws IOException {
    String md = read("stats", "report.md");
    assertThat(md)
        .contains(
            "| method | trainable params | λ | n | acc 0° | acc θ | acc 0° hard | acc θ hard |"
                + " high-act frac |");
    assertThat(md)
        .contains(
            "| frozen | 0 | - | 5 | 0.820 ± 0.016 [0.800, 0.840] | 0.720 ± 0.016 [0.700, 0.740]"
                + " | - | - | - |");
    assertThat(md)
        .contains(
            "| taugate | 512 | 0 | 5 | 0.850 ± 0.027 [0.816, 0.884] | 0.738 ± 0.026 [0.706, 0.770]"
                + " | 0.840 ± 0.027 | 0.718 ± 0.026 | 0.600 ± 0.038 |");
    assertThat(md).contains("| lora | 10448 | - | 5 |");
    assertThat(md.indexOf("| frozen |")).isLessThan(md.indexOf("| taugate |"));
    assertThat(md.indexOf("| taugate |")).isLessThan(md.indexOf("| lora |"));
    // One table per angle when the sweep has several.
    assertThat(read("grid", "report.md"))
        .contains(
            "### At 30°",
            "### At 60°",
            "### At 90°",
            "| taugate | 512 | 0.5 | 3 |",
            "| full_ft | 118282 | - | 3 |");
  }

  @Test
  void pairedComparisonsHaveDeltasCisAndWilcoxonP() throws IOException {
    String md = read("stats", "report.md");
    assertThat(md)
        .contains(
            "### Versus frozen",
            "### Versus lora",
            "With 5 pairs the smallest possible p is 2/2^5 = 0.0625");
    assertThat(md)
        .contains(
            "| taugate | 0 | 45 | 5 | +0.030 [+0.010, +0.050] | 0.0625 | +0.018 [-0.021, +0.057]"
                + " | 0.3125 |");
    assertThat(read("other", "report.md"))
        .contains("| taugate | 0 | 45 | 1 | +0.100 | - | +0.100 | - |")
        .contains("No pairs: the sweep has no ok lora cells");
  }

  static final String LAMBDA_TRADEOFF =
      "Sparsity trade-off: TauGate accuracy at the angle and high-act frac versus lambda";
  static final String ACC_VS_ANGLE = "Accuracy at the angle versus the angle, per method";
  static final String PARAMS_VS_ACC =
      "Efficiency trade-off: trainable parameters versus accuracy at the angle";

  /** A drawn figure's section of report.md: its heading, its image, then its caption. */
  static String drawn(String title, String png, String caption) {
    return "### " + title + "\n\n![" + title + "](" + png + ")\n\n" + caption + "\n\n";
  }

  /** A skipped figure's section: its heading, then the reason, with no image between. */
  static String skipped(String title, String reason) {
    return "### " + title + "\n\n" + reason + "\n\n";
  }

  /**
   * Sweep 'stats' has one lambda and one angle: all three figures are drawn (as points), embedded
   * and captioned as such. Sweep 'lambda' has one method: its parameter figure is skipped with the
   * reason and neither embedded nor left on disk (a stale one was planted), while its other two are
   * drawn.
   */
  @Test
  void singleValueAxesDrawPointsAndMissingAxesSayWhy() throws IOException {
    String md = read("stats", "report.md");
    assertThat(md)
        .contains(
            drawn(
                LAMBDA_TRADEOFF,
                Plots.LAMBDA_TRADEOFF_PNG,
                "Mean over seeds with 95% CI error bars. The sweep has one TauGate lambda (0): a"
                    + " single point, no trade-off yet (see conf/lambda.conf)."))
        .contains(
            drawn(
                ACC_VS_ANGLE,
                Plots.ACC_VS_ANGLE_PNG,
                "Mean over seeds with 95% CI error bars. TauGate at lambda 0. The sweep has one"
                    + " angle (45°): one point per method (see conf/full.conf for an angle axis)."))
        .contains(
            drawn(
                PARAMS_VS_ACC,
                Plots.PARAMS_VS_ACC_PNG,
                "Mean over seeds with 95% CI error bars. TauGate at lambda 0."))
        .doesNotContain("Skipped:");
    assertPng(report("stats", Plots.LAMBDA_TRADEOFF_PNG), 1600, 500);
    assertPng(report("stats", Plots.ACC_VS_ANGLE_PNG), 800, 500);
    assertPng(report("stats", Plots.PARAMS_VS_ACC_PNG), 800, 500);

    // The second half: the sweep that lacks an axis says why, in place of the figure.
    String lambdaMd = read("lambda", "report.md");
    assertThat(lambdaMd)
        .contains(
            skipped(
                PARAMS_VS_ACC,
                "Skipped: the sweep has one method (taugate), so there is no parameter axis to"
                    + " draw."))
        .doesNotContain("](" + Plots.PARAMS_VS_ACC_PNG + ")")
        .contains(
            drawn(
                LAMBDA_TRADEOFF,
                Plots.LAMBDA_TRADEOFF_PNG,
                "Mean over seeds with 95% CI error bars; 4 lambdas from 0 to 5."))
        .contains(
            drawn(
                ACC_VS_ANGLE,
                Plots.ACC_VS_ANGLE_PNG,
                "Mean over seeds with 95% CI error bars. TauGate at the smallest and largest of"
                    + " its 4 lambdas, 0, 5 (the summary view has the others). The sweep has one"
                    + " angle (45°): one point per method (see conf/full.conf for an angle"
                    + " axis)."));
    assertThat(read("lambda", "report.html"))
        .contains("<h3>" + PARAMS_VS_ACC + "</h3>\n<p>Skipped: the sweep has one method (taugate)")
        .doesNotContain("<img src=\"" + Plots.PARAMS_VS_ACC_PNG + "\"");
    assertThat(report("lambda", Plots.PARAMS_VS_ACC_PNG)).doesNotExist();
    assertThat(written).doesNotContain(report("lambda", Plots.PARAMS_VS_ACC_PNG));
    assertPng(report("lambda", Plots.ACC_VS_ANGLE_PNG), 800, 500);
  }

  @Test
  void provenanceAndFailedCellsAreReported() throws IOException {
    String md = read("stats", "report.md");
    assertThat(md)
        .contains(
            "config hash cfg0123456789abcd; code 0.1.0-test+abc1234; Spark 4.2.0; DL4J 1.0.0-M2.1;"
                + " 16 cells (15 ok) from 20 attempts");
    assertThat(md)
        .contains("## Failed cells")
        .contains("| bitfit | 0 | 45 | - | bitfit-0-45.0-null | second failure |");
    assertThat(read("grid", "report.md")).doesNotContain("## Failed cells");
  }

  @Test
  void htmlCarriesTheSameContent() throws IOException {
    String html = read("stats", "report.html");
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<h1>tausweep report: sweep stats</h1>")
        .contains("<td>taugate</td><td class=\"num\">512</td>")
        .contains("<td class=\"num\">0.850 ± 0.027 [0.816, 0.884]</td>")
        .contains("<img src=\"params_vs_acc.png\"")
        .contains("The sweep has one angle (45°)")
        .endsWith("</html>\n");
  }

  @Test
  void namedSweepOnlyAndUnknownSweepFails() {
    assertThatThrownBy(() -> Report.write(spark, out, "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No sweep 'nope' in " + out + " (sweeps there: grid, lambda, other, stats)");
  }

  private static void assertPng(Path file, int width, int height) throws IOException {
    byte[] head = new byte[8];
    try (var in = Files.newInputStream(file)) {
      assertThat(in.read(head)).isEqualTo(8);
    }
    assertThat(head).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).as(file.toString()).isNotNull();
    assertThat(img.getWidth()).isEqualTo(width);
    assertThat(img.getHeight()).isEqualTo(height);
  }
}
