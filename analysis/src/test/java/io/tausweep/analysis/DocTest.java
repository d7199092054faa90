package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's document renders the same content as Markdown and HTML, escaped for each. */
class DocTest {
  private static Doc doc() {
    return new Doc("Report <x>")
        .para("a | b * c_d & e")
        .table(
            new Doc.Table(
                List.of("name", "value"),
                new boolean[] {false, true},
                List.of(List.of("full_ft", "0.5 ± 0.1"), List.of("a|b", "<1>"))))
        .image("fig", "plot.png");
  }

  @Test
  void markdown() {
    assertThat(doc().markdown())
        .isEqualTo(
            """
        # Report \\<x>

        a \\| b \\* c_d & e

        | name | value |
        | --- | ---: |
        | full_ft | 0.5 ± 0.1 |
        | a\\|b | \\<1> |

        ![fig](plot.png)

        """);
  }

  @Test
  void html() {
    String html = doc().html();
    assertThat(html)
        .contains(
            "<title>Report &lt;x&gt;</title>",
            "<h1>Report &lt;x&gt;</h1>",
            "<p>a | b * c_d &amp; e</p>",
            "<tr><th>name</th><th>value</th></tr>",
            "<tr><td>full_ft</td><td class=\"num\">0.5 ± 0.1</td></tr>",
            "<tr><td>a|b</td><td class=\"num\">&lt;1&gt;</td></tr>",
            "<p><img src=\"plot.png\" alt=\"fig\"></p>");
  }

  @Test
  void rowsMustMatchTheHeader() {
    assertThatThrownBy(
            () -> new Doc.Table(List.of("a", "b"), new boolean[2], List.of(List.of("1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Table row has 1 cells, header 2");
  }

  @Test
  void numbersReadShort() {
    assertThat(Plots.num(45.0)).isEqualTo("45");
    assertThat(Plots.num(0.5)).isEqualTo("0.5");
    assertThat(Plots.num(0.001)).isEqualTo("0.001");
    assertThat(Plots.num(0.125)).isEqualTo("0.125");
    assertThat(Plots.num(-15.0)).isEqualTo("-15");
  }
}
