package io.tausweep.model.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.model.config.Budget;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.data.Dataset;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config reader: defaults, the shipped configs, overrides, and one-line errors. */
class SweepConfigTest {

  static Path repo() {
    String root = System.getProperty("tausweep.repo.root");
    return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
  }

  @Test
  void paperConfigIsThePapersGrid() {
    SweepConfig c = SweepConfig.load(repo().resolve("conf/paper.conf"));
    assertThat(c.name()).isEqualTo("paper");
    assertThat(c.methods())
        .extracting(AdaptationMethod::id)
        .containsExactly("frozen", "bitfit", "taugate", "lora", "full_ft");
    assertThat(c.seeds()).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(c.anglesDeg()).containsExactly(45.0);
    assertThat(c.budget()).isEqualTo(Budget.defaults());
    assertThat(c.methods().get(3)).isEqualTo(new LoRA(5e-4, 8, 16.0));
    assertThat(c.methods().get(2)).isEqualTo(new TauGate(3e-3, 5.0, -0.1, 1.0));
  }

  @Test
  void emptyConfigTakesTheDefaults() {
    SweepConfig c = SweepConfig.parse("", "empty");
    assertThat(c.budget()).isEqualTo(Budget.defaults());
    assertThat(c.methods()).hasSize(5);
    assertThat(c.seeds()).containsExactly(0L);
  }

  @Test
  void hashDependsOnEverySettingButNotOnFormatting() {
    SweepConfig a = SweepConfig.parse("sweep.seeds = [1, 2]", "a");
    SweepConfig b = SweepConfig.parse("sweep {\n  seeds = [1,2]\n}\n", "b");
    SweepConfig c = SweepConfig.parse("sweep.seeds = [1, 2]\nmethod.lora.rank = 4", "c");
    assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(c.hash());
  }

  @Test
  void theDataSetIsMnistUnlessChosen() {
    SweepConfig mnist = SweepConfig.parse("", "empty");
    assertThat(mnist.dataset()).isEqualTo(Dataset.MNIST);
    assertThat(mnist.dataDirOf(Dataset.MNIST)).isEqualTo("data/mnist");
    assertThat(mnist.dataDirOf(Dataset.FASHION_MNIST))
        .isEqualTo("/usr/share/datasets/fashion-mnist");

    SweepConfig fashion =
        SweepConfig.parse("data { dataset = fashion-mnist, fashion-mnist-dir = /srv/fm }", "f");
    assertThat(fashion.dataset()).isEqualTo(Dataset.FASHION_MNIST);
    assertThat(fashion.dataDirOf(Dataset.FASHION_MNIST)).isEqualTo("/srv/fm");
    com.typesafe.config.Config rendered =
        com.typesafe.config.ConfigFactory.parseString(fashion.render());
    assertThat(rendered.getString(SweepConfig.DATASET)).isEqualTo("fashion-mnist");
    assertThat(rendered.getString(SweepConfig.FASHION_MNIST_DIR)).isEqualTo("/srv/fm");
  }

  @Test
  void theDataSetChangesTheHashExceptMnistWhichKeepsTheOldOne() {
    String before = SweepConfig.parse("sweep.seeds = [1, 2]", "a").hash();
    assertThat(SweepConfig.parse("sweep.seeds = [1, 2]\ndata.dataset = mnist", "b").hash())
        .isEqualTo(before);
    assertThat(SweepConfig.parse("sweep.seeds = [1, 2]\ndata.dataset = fashion-mnist", "c").hash())
        .isNotEqualTo(before);
    // The directories decide where the files are, not what they are.
    assertThat(SweepConfig.parse("sweep.seeds = [1, 2]\ndata.dir = /elsewhere", "d").hash())
        .isEqualTo(before);
  }

  @Test
  void eachDataSetNamesTheKeyOfItsDirectory() {
    assertThat(Dataset.MNIST.dirKey()).isEqualTo(SweepConfig.DATA_DIR);
    assertThat(Dataset.FASHION_MNIST.dirKey()).isEqualTo(SweepConfig.FASHION_MNIST_DIR);
  }

  @Test
  void shippedConfigsAllParse() {
    for (String f : new String[] {"paper", "smoke", "full", "lambda"}) {
      assertThat(SweepConfig.load(repo().resolve("conf/" + f + ".conf")).name()).isEqualTo(f);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      sweep.seeds = 3                        | Invalid sweep.seeds: 3 (expected a list: a non-empty list of distinct integer seeds within [0, 2147483647])
      sweep.seeds = [1.5]                    | Invalid sweep.seeds: [1.5] (a non-empty list of distinct integer seeds within [0, 2147483647])
      sweep.seeds = [-1]                     | Invalid sweep.seeds: [-1] (a non-empty list of distinct integer seeds within [0, 2147483647])
      sweep.angles-deg = []                  | Invalid sweep.angles-deg: [] (the list is empty: each angle must be a number within [-360, 360], listed once)
      sweep.angles-deg = [30, 30]            | Invalid sweep.angles-deg: [30,30] (duplicate value 30.0: list each value once)
      sweep.lambdas = [1e9]                  | Invalid sweep.lambdas: [1000000000] (each lambda must be a number within [0, 10000], listed once)
      sweep.methods = []                     | Invalid sweep.methods: [] (the list is empty: a list of methods from [frozen, bitfit, taugate, lora, full_ft])
      sweep.methods = [lora, lora]           | Invalid sweep.methods: ["lora","lora"] (duplicate value lora: list each value once)
      foundation.batch-size = 0              | Invalid foundation.batch-size: 0 (must be an integer within [1, 65536])
      foundation.learning-rate = -1          | Invalid foundation.learning-rate: -1 (must be a learning rate within [1e-8, 1e4])
      specialize.epochs = many               | Invalid specialize.epochs: "many" (expected a number: an integer within [1, 1000])
      specialize.images = 59000              | Invalid foundation.images-per-mode and specialize.images: 2 x 1000 + 59000 > 60000 (foundation and specialization images are disjoint and must fit in MNIST's 60,000 training images)
      method.lora.rank = 0                   | Invalid method.lora.rank: 0 (must be an integer within [1, 10])
      method.taugate.sharpness = 0           | Invalid method.taugate.sharpness: 0 (must be a sharpness within [1e-6, 1e4])
      data.test-images = 20000               | Invalid data.test-images: 20000 (must be an integer within [1, 10000])
      method.lora.rnak = 4                   | Unknown config key: method.lora.rnak (did you mean method.lora.rank?)
      data.dataset = kmnist                  | Invalid data.dataset: "kmnist" (one of [mnist, fashion-mnist])
      data.dataset = [mnist]                 | Invalid data.dataset: ["mnist"] (a list or range makes an axis, but no cell depends on it; sweepable: foundation.images-per-mode, foundation.epochs, foundation.batch-size, foundation.learning-rate, specialize.images, specialize.epochs, specialize.batch-size, data.test-images and the keys of the sweep's methods)
      data.datset = mnist                    | Unknown config key: data.datset (did you mean data.dataset?)
      totally.unrelated = 1                  | Unknown config key: totally.unrelated (valid keys are listed in conf/README.md)
      """)
  void rejectsBadValuesWithOneLine(String line, String message) {
    assertThatThrownBy(() -> SweepConfig.parse(line, "t.conf"))
        .isInstanceOf(ConfigError.class)
        .hasMessage(message);
  }
}
