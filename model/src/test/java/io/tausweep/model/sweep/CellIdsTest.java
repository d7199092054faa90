package io.tausweep.model.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.model.data.Dataset;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Frozen;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cell identity is the canonical encoding of a cell's spec: conf/paper.conf's ids are pinned (a
 * change here reruns every committed result on resume, so it must come with a bump of {@link
 * CellIds#ALGORITHM_VERSION} and a migration note), and every setting that decides a result changes
 * the id.
 */
class CellIdsTest {
  private static final Dataset MNIST = Dataset.MNIST;

  /**
   * method, seed, cell id and foundation id of every paper.conf cell, as its results record them.
   */
  private static final List<String> PAPER_IDS =
      List.of(
          "bitfit 0 cb2f19ef103ae28d f4bd79824861a8cb",
          "frozen 0 c31c45e70eb8245b f4bd79824861a8cb",
          "full_ft 0 ce23ec78aa4e37e4 f4bd79824861a8cb",
          "lora 0 c2d070fdcdca9593 f4bd79824861a8cb",
          "taugate 0 c13827ea32e7d575 f4bd79824861a8cb",
          "bitfit 1 c18c2ef54591074c f5a19c08342ec1c4",
          "frozen 1 c17fc1cacc0ea586 f5a19c08342ec1c4",
          "full_ft 1 cfe09a88b97f6470 f5a19c08342ec1c4",
          "lora 1 c4893c1715690cc8 f5a19c08342ec1c4",
          "taugate 1 c6d8357c90470e73 f5a19c08342ec1c4",
          "bitfit 2 c8a76f9d5ff24b3a ffa2d6097454fb75",
          "frozen 2 c134a99bf3dac647 ffa2d6097454fb75",
          "full_ft 2 c6f4c8bb14750d9c ffa2d6097454fb75",
          "lora 2 c984e0defcdf897e ffa2d6097454fb75",
          "taugate 2 c53534eed90a2cab ffa2d6097454fb75",
          "bitfit 3 c9213dd9487697f1 f1c19a2194df5652",
          "frozen 3 c7f5e671bfbc656c f1c19a2194df5652",
          "full_ft 3 c4a7b2330b6fae1c f1c19a2194df5652",
          "lora 3 c4df1a6c8f3c2c60 f1c19a2194df5652",
          "taugate 3 c2bb2797b41dbcf3 f1c19a2194df5652",
          "bitfit 4 c6c743a62b650f69 f4e7a9dbb00638f4",
          "frozen 4 c60bac48d11a95e0 f4e7a9dbb00638f4",
          "full_ft 4 c4c11229139384cd f4e7a9dbb00638f4",
          "lora 4 caf92d6e4e68dc38 f4e7a9dbb00638f4",
          "taugate 4 c5139ef292a507cf f4e7a9dbb00638f4");

  @Test
  void paperConfigIdsArePinned() {
    SweepConfig c = SweepConfig.load(SweepConfigTest.repo().resolve("conf/paper.conf"));
    List<String> ids = new ArrayList<>();
    for (long seed : c.seeds()) {
      for (double angle : c.anglesDeg()) {
        for (AdaptationMethod m : c.methods()) {
          for (Double lambda :
              m.usesLambda() ? c.lambdas() : java.util.Collections.<Double>singletonList(null)) {
            ids.add(
                m.id()
                    + " "
                    + seed
                    + " "
                    + CellIds.cellId(c.dataset(), m, seed, angle, lambda, c.budget())
                    + " "
                    + CellIds.foundationId(c.dataset(), seed, angle, c.budget()));
          }
        }
      }
    }
    assertThat(ids).containsExactlyInAnyOrderElementsOf(PAPER_IDS);
  }

  @Test
  void methodSpecsNameEveryHyperparameter() {
    assertThat(new Frozen().spec()).isEqualTo("Frozen[]");
    assertThat(new TauGate(3e-3, 5.0, -0.1, 1.0).spec())
        .isEqualTo("TauGate[learningRate=0.003, sharpness=5.0, tauInit=-0.1, gammaInit=1.0]");
    assertThat(new LoRA(1e-3, 8, 16.0).spec())
        .isEqualTo("LoRA[learningRate=0.001, rank=8, alpha=16.0]");
  }

  @Test
  void everySettingThatDecidesAResultChangesTheId() {
    SweepConfig c = SweepConfig.load(SweepConfigTest.repo().resolve("conf/paper.conf"));
    AdaptationMethod tg = new TauGate(3e-3, 5.0, -0.1, 1.0);
    String base = CellIds.cellId(MNIST, tg, 0, 45.0, 0.0, c.budget());
    assertThat(CellIds.cellId(MNIST, tg, 0, 45.0, 0.0, c.budget())).isEqualTo(base);
    assertThat(
            List.of(
                CellIds.cellId(MNIST, tg, 1, 45.0, 0.0, c.budget()),
                CellIds.cellId(MNIST, tg, 0, 30.0, 0.0, c.budget()),
                CellIds.cellId(MNIST, tg, 0, 45.0, 0.5, c.budget()),
                CellIds.cellId(Dataset.FASHION_MNIST, tg, 0, 45.0, 0.0, c.budget()),
                CellIds.cellId(MNIST, new TauGate(3e-3, 5.0, -0.2, 1.0), 0, 45.0, 0.0, c.budget()),
                CellIds.cellId(MNIST, new TauGate(3e-3, 6.0, -0.1, 1.0), 0, 45.0, 0.0, c.budget())))
        .doesNotContain(base)
        .doesNotHaveDuplicates();
  }

  @Test
  void theDataSetIsPartOfEveryId() {
    SweepConfig mnist = SweepConfig.load(SweepConfigTest.repo().resolve("conf/paper.conf"));
    SweepConfig fashion = SweepConfig.parse("data.dataset = fashion-mnist", "fashion");
    assertThat(mnist.dataset()).isEqualTo(Dataset.MNIST);
    assertThat(fashion.dataset()).isEqualTo(Dataset.FASHION_MNIST);
    assertThat(CellIds.foundationId(Dataset.FASHION_MNIST, 0, 45.0, mnist.budget()))
        .isEqualTo(CellIds.foundationId(fashion.dataset(), 0, 45.0, fashion.budget()))
        .isNotEqualTo("f4bd79824861a8cb")
        .hasSize(16)
        .startsWith("f");
    assertThat(CellIds.foundationId(Dataset.MNIST, 0, 45.0, mnist.budget()))
        .isEqualTo("f4bd79824861a8cb");
  }
}
