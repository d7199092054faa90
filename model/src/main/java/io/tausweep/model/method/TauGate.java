package io.tausweep.model.method;

import io.tausweep.model.config.ConfigError;
import io.tausweep.model.config.ConfigReader;
import io.tausweep.model.nn.TauGateLayer;
import io.tausweep.model.nn.TauGates;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Mlp;
import io.tausweep.model.train.Split;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * TauGate: the foundation's weights stay frozen and each hidden neuron learns a threshold
 * {@code tau} and a gain {@code gamma}, {@code h = gamma * relu(z) * sigmoid(s (z - tau))}, with
 * {@code lambda * mean(gate)} added to the loss (512 parameters for the two hidden layers).
 * The network is frozen dense pre-activations, gate, frozen dense, gate, frozen dense, softmax.
 */
public record TauGate(double learningRate, double sharpness, double tauInit, double gammaInit)
    implements AdaptationMethod {
  public static final String ID = "taugate";
  public static final String LEARNING_RATE = "method.taugate.learning-rate";
  public static final double LEARNING_RATE_DEFAULT = 3e-3;
  public static final String SHARPNESS = "method.taugate.sharpness";
  public static final double SHARPNESS_DEFAULT = 5.0;
  public static final String TAU_INIT = "method.taugate.tau-init";
  public static final double TAU_INIT_DEFAULT = -0.1;
  public static final String GAMMA_INIT = "method.taugate.gamma-init";
  public static final double GAMMA_INIT_DEFAULT = 1.0;

  /** Layer indices of the gates and of the frozen dense layers feeding them. */
  static final int[] GATE_LAYERS = {1, 3};
  static final int[] DENSE_LAYERS = {0, 2, 4};

  public TauGate {
    Methods.checkLearningRate(LEARNING_RATE, learningRate);
    if (!(sharpness > 0) || !Double.isFinite(sharpness)) {
      throw ConfigError.invalid(SHARPNESS, sharpness, "must be a positive, finite gate sharpness");
    }
  }

  /** Reads the method's settings. */
  public static TauGate read(ConfigReader r) {
    return new TauGate(
        Methods.learningRate(r, LEARNING_RATE, LEARNING_RATE_DEFAULT),
        r.doubleIn(SHARPNESS, SHARPNESS_DEFAULT, 1e-6, 1e4, "must be a sharpness within [1e-6, 1e4]"),
        r.doubleIn(TAU_INIT, TAU_INIT_DEFAULT, -1e3, 1e3, "must be a threshold within [-1000, 1000]"),
        r.doubleIn(GAMMA_INIT, GAMMA_INIT_DEFAULT, -1e3, 1e3, "must be a gain within [-1000, 1000]"));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean usesLambda() {
    return true;
  }

  @Override
  public MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed) {
    double l = lambda == null ? 0.0 : lambda;
    long gated = 2L * Mlp.HIDDEN;
    NeuralNetConfiguration.ListBuilder b = Mlp.layers(seed, new Adam(learningRate));
    for (int i = 0; i < Mlp.LINEAR_LAYERS; i++) {
      b.layer(new FrozenLayerWithBackprop(new DenseLayer.Builder().nIn(Mlp.WIDTHS[i]).nOut(Mlp.WIDTHS[i + 1])
          .activation(Activation.IDENTITY).build()));
      if (i < Mlp.LINEAR_LAYERS - 1) {
        b.layer(new TauGateLayer.Builder().units(Mlp.WIDTHS[i + 1]).sharpness(sharpness).tauInit(tauInit)
            .gammaInit(gammaInit).lambda(l).gatedUnits(gated).build());
      }
    }
    b.layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build());
    MultiLayerNetwork net = new MultiLayerNetwork(b.build());
    net.init();
    for (int i = 0; i < Mlp.LINEAR_LAYERS; i++) {
      net.getParam(DENSE_LAYERS[i] + "_" + Mlp.W).assign(Mlp.weights(foundation, i));
      net.getParam(DENSE_LAYERS[i] + "_" + Mlp.B).assign(Mlp.biases(foundation, i));
    }
    return net;
  }

  @Override
  public long trainableParams(MultiLayerNetwork prepared) {
    long n = 0;
    for (int g : GATE_LAYERS) {
      n += prepared.getParam(g + "_" + TauGateLayer.TAU_KEY).length();
      n += prepared.getParam(g + "_" + TauGateLayer.GAMMA_KEY).length();
    }
    return n;
  }

  @Override
  public GateMetrics gateMetrics(MultiLayerNetwork trained, Split test0, Split testTheta, int batchSize) {
    TauGates.setHard(trained, true);
    double acc0Hard;
    double accThetaHard;
    try {
      acc0Hard = Evaluator.accuracy(trained, test0, batchSize);
      accThetaHard = Evaluator.accuracy(trained, testTheta, batchSize);
    } finally {
      TauGates.setHard(trained, false);
    }
    double[][] fire0 = firing(trained, test0, batchSize);
    double[][] fireTheta = firing(trained, testTheta, batchSize);
    List<NeuronStats> neurons = new ArrayList<>();
    double open = 0;
    for (int g = 0; g < GATE_LAYERS.length; g++) {
      float[] tau = trained.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.TAU_KEY).toFloatVector();
      float[] gamma = trained.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.GAMMA_KEY).toFloatVector();
      for (int u = 0; u < tau.length; u++) {
        double[] byClass = new double[Mlp.CLASSES];
        for (int c = 0; c < Mlp.CLASSES; c++) {
          double n = fireTheta[2 * GATE_LAYERS.length][c];
          byClass[c] = n == 0 ? 0 : fireTheta[GATE_LAYERS.length + g][c * tau.length + u] / n;
        }
        double rateTheta = fireTheta[g][u] / testTheta.size();
        open += rateTheta;
        neurons.add(new NeuronStats(g + 1, u, tau[u], gamma[u], fire0[g][u] / test0.size(), rateTheta, byClass));
      }
    }
    return new GateMetrics(acc0Hard, accThetaHard, open / neurons.size(), neurons);
  }

  /**
   * Counts, per gate layer g, how many images open each unit's gate (z > tau, i.e. gate > 0.5):
   * rows 0..G-1 hold counts per unit, rows G..2G-1 counts per (class, unit) flattened class-major,
   * and row 2G the number of images per class.
   */
  static double[][] firing(MultiLayerNetwork net, Split data, int batchSize) {
    int gates = GATE_LAYERS.length;
    double[][] out = new double[2 * gates + 1][];
    for (int g = 0; g < gates; g++) {
      out[g] = new double[Mlp.HIDDEN];
      out[gates + g] = new double[Mlp.CLASSES * Mlp.HIDDEN];
    }
    out[2 * gates] = new double[Mlp.CLASSES];
    for (int start = 0; start < data.size(); start += batchSize) {
      int rows = Math.min(batchSize, data.size() - start);
      float[] onehot = new float[rows * Mlp.CLASSES];
      for (int i = 0; i < rows; i++) {
        int y = data.y()[start + i];
        onehot[i * Mlp.CLASSES + y] = 1f;
        out[2 * gates][y]++;
      }
      INDArray classes = Nd4j.create(onehot, new long[] {rows, Mlp.CLASSES}, 'c');
      List<INDArray> acts = net.feedForward(Evaluator.rows(data, start, rows), false);
      for (int g = 0; g < gates; g++) {
        // acts.get(GATE_LAYERS[g]) is the output of the frozen dense layer below: the z the gate sees.
        INDArray z = acts.get(GATE_LAYERS[g]);
        INDArray open = TauGates.hardGate(z, net.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.TAU_KEY))
            .castTo(DataType.FLOAT);
        add(out[g], open.sum(0));
        add(out[gates + g], classes.transpose().mmul(open));
      }
    }
    return out;
  }

  private static void add(double[] acc, INDArray v) {
    float[] f = v.dup('c').reshape(v.length()).toFloatVector();
    for (int i = 0; i < f.length; i++) {
      acc[i] += f[i];
    }
  }
}
