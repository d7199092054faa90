package io.tausweep.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.model.arch.Mlp;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The Java view of ND4J memory that LeanNet computes on: offsets, layouts and the BLAS products.
 */
class FloatMatTest {

  @Test
  void parameterViewsAreReadAndWrittenInPlace() {
    Adam adam = new Adam(1e-3);
    MultiLayerNetwork net = Mlp.initialised(3, adam, adam);
    INDArray w = net.getParam("1_W"); // 'f' order, at an offset into the flattened parameters
    INDArray b = net.getParam("2_b");
    FloatMat wm = FloatMat.of(w);
    FloatMat bm = FloatMat.of(b);
    assertThat(wm.colMajor).isTrue();
    assertThat(w.offset()).isPositive();
    assertThat(wm.get(5, 7)).isEqualTo(w.getFloat(5, 7));
    assertThat(wm.get(127, 0)).isEqualTo(w.getFloat(127, 0));
    bm.buf.put(9, 42f);
    assertThat(b.getFloat(9)).isEqualTo(42f);
    assertThat(net.params().getFloat(net.params().length() - 1)).isEqualTo(42f);
    assertThat(bm.buf.capacity()).isEqualTo(10);
  }

  @Test
  void gemmMatchesMmulForEveryLayoutAndTranspose() {
    for (char oa : new char[] {'c', 'f'}) {
      for (char ob : new char[] {'c', 'f'}) {
        for (char oc : new char[] {'c', 'f'}) {
          for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
              INDArray a = random(ta ? 5 : 3, ta ? 3 : 5, oa, 1);
              INDArray b = random(tb ? 4 : 5, tb ? 5 : 4, ob, 2);
              INDArray c = random(3, 4, oc, 3);
              INDArray expected =
                  (ta ? a.transpose() : a).mmul(tb ? b.transpose() : b).muli(0.5).addi(c.mul(2));
              FloatMat.gemm(FloatMat.of(a), ta, FloatMat.of(b), tb, 0.5f, 2f, FloatMat.of(c));
              assertThat(c.sub(expected).amaxNumber().doubleValue())
                  .as("%s%s%s %s %s", oa, ob, oc, ta, tb)
                  .isLessThan(1e-5);
            }
          }
        }
      }
    }
  }

  @Test
  void stridedViewsAndOtherTypesAreRefused() {
    INDArray m = Nd4j.rand(DataType.FLOAT, 6, 6);
    INDArray strided = m.get(NDArrayIndex.interval(0, 3), NDArrayIndex.interval(0, 3));
    assertThatThrownBy(() -> FloatMat.of(strided))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contiguous");
    assertThatThrownBy(() -> FloatMat.of(Nd4j.rand(DataType.DOUBLE, 2, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DOUBLE");
  }

  private static INDArray random(int rows, int cols, char order, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, rows, cols).dup(order);
  }
}
