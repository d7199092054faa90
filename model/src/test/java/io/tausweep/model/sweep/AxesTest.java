package io.tausweep.model.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.model.config.ConfigError;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hyperparameter axes: grid lists, random-search ranges, and what is refused. */
class AxesTest {
  private static SweepConfig parse(String text) {
    return SweepConfig.parse("sweep { name = t, methods = [lora, taugate] }\n" + text, "test");
  }

  @Test
  void aConfigWithoutAxesHasOneSettingAndItsOldHash() {
    SweepConfig c = parse("");
    assertThat(c.hasAxes()).isFalse();
    assertThat(c.settings()).hasSize(1);
    assertThat(c.settings().get(0).values()).isEmpty();
    assertThat(c.settings().get(0).budget()).isEqualTo(c.budget());
  }

  @Test
  void gridAxesMultiplyAndPerMethodValuesGoToTheirMethodOnly() {
    SweepConfig c =
        parse(
            "method.lora.rank = [1, 2, 4]\n"
                + "specialize.images = [250, 500]\n"
                + "method.taugate.sharpness = [2, 10]\n");
    assertThat(c.axisKeys())
        .containsExactly("method.lora.rank", "method.taugate.sharpness", "specialize.images");
    assertThat(c.settings()).hasSize(12);
    Setting last = c.settings().get(11);
    assertThat(((LoRA) last.methods().get(0)).rank()).isEqualTo(4);
    assertThat(((TauGate) last.methods().get(1)).sharpness()).isEqualTo(10.0);
    assertThat(last.budget().specializeImages()).isEqualTo(500);
    assertThat(last.valuesFor(last.methods().get(0)))
        .isEqualTo(Map.of("method.lora.rank", "4", "specialize.images", "500"));
    assertThat(last.valuesFor(last.methods().get(1)))
        .containsOnlyKeys("method.taugate.sharpness", "specialize.images");
    assertThat(c.hash()).isNotEqualTo(parse("").hash());
  }

  @Test
  void randomSearchDrawsTheSameLowDiscrepancyValuesForTheSameSeed() {
    String ranges =
        "method.lora.learning-rate { log-uniform = [1e-4, 1e-1] }\n"
            + "method.lora.rank { int-uniform = [1, 8] }\n"
            + "sweep.samples = 16\n";
    SweepConfig a = parse(ranges + "sweep.sample-seed = 3\n");
    SweepConfig b = parse(ranges + "sweep.sample-seed = 3\n");
    SweepConfig other = parse(ranges + "sweep.sample-seed = 4\n");
    List<Double> lrs = learningRates(a);
    assertThat(lrs).hasSize(16).isEqualTo(learningRates(b)).isNotEqualTo(learningRates(other));
    assertThat(lrs).allMatch(lr -> lr >= 1e-4 && lr <= 1e-1);
    // Low discrepancy: each decade of the log range gets about a third of the draws.
    for (double lo : new double[] {1e-4, 1e-3, 1e-2}) {
      assertThat(lrs.stream().filter(lr -> lr >= lo && lr < lo * 10).count()).isBetween(4L, 7L);
    }
    assertThat(a.settings().stream().map(s -> ((LoRA) s.methods().get(0)).rank()))
        .allMatch(r -> r >= 1 && r <= 8);
  }

  @Test
  void gridAndSamplesMix() {
    SweepConfig c =
        parse(
            "specialize.images = [250, 500]\n"
                + "method.lora.learning-rate { uniform = [1e-4, 1e-3] }\n"
                + "sweep.samples = 3\n");
    assertThat(c.settings()).hasSize(6);
  }

  private static List<Double> learningRates(SweepConfig c) {
    return c.settings().stream().map(s -> ((LoRA) s.methods().get(0)).learningRate()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      key nothing depends on | method.bitfit.learning-rate = [1e-3, 1e-2]                  | Invalid method.bitfit.learning-rate: [0.001,0.01] (a list or range makes an axis, but no cell depends on it: bitfit is not in sweep.methods
      unsweepable key        | train.max-loss = [5, 10]                                    | Invalid train.max-loss: [5,10] (a list or range makes an axis, but no cell depends on it
      empty list             | method.lora.rank = []                                       | Invalid method.lora.rank: [] (an axis needs at least one value)
      duplicate value        | method.lora.rank = [2, 2]                                   | Invalid method.lora.rank: [2,2] (duplicate value 2
      lo >= hi               | method.lora.learning-rate { uniform = [1e-2, 1e-3] }, sweep.samples = 2 | Invalid method.lora.learning-rate: {"uniform":[0.01,0.001]} (a range needs finite LO < HI)
      log range <= 0         | method.lora.learning-rate { log-uniform = [0, 1e-3] }, sweep.samples = 2 | Invalid method.lora.learning-rate: {"log-uniform":[0,0.001]} (a log-uniform range needs LO > 0)
      unknown distribution   | method.lora.learning-rate { normal = [1e-3, 1e-2] }, sweep.samples = 2  | Invalid method.lora.learning-rate: {"normal":[0.001,0.01]} (unknown distribution 'normal'
      samples <= 0           | method.lora.learning-rate { uniform = [1e-4, 1e-3] }, sweep.samples = 0 | Invalid sweep.samples: 0 (must be an integer within [1, 10000])
      samples above the cap  | method.lora.learning-rate { uniform = [1e-4, 1e-3] }, sweep.samples = 10001 | Invalid sweep.samples: 10001 (must be an integer within [1, 10000])
      samples without range  | sweep.samples = 5                                           | Invalid sweep.samples: 5 (random search needs at least one range
      range without samples  | method.lora.learning-rate { uniform = [1e-4, 1e-3] }        | Invalid method.lora.learning-rate: {uniform=[1.0E-4,0.001]} (a range is drawn sweep.samples times
      axis value out of range| method.lora.rank = [2, 0]                                   | Invalid method.lora.rank: 0 (must be an integer within [1, 10])
      report apart unknown   | method.lora.rank = [2, 4], sweep.report-separately = [rank] | Invalid sweep.report-separately: [rank] ('rank' is not an axis
      """)
  void badAxes(String what, String line, String message) {
    assertThatThrownBy(() -> parse(line.replace(", sweep.", "\nsweep.")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith(message);
  }
}
