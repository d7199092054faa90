package io.tausweep.model.method;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.arch.TauGateKernel;
import io.tausweep.model.arch.TauGateLayer;
import io.tausweep.model.arch.TauGates;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.config.ConfigReader;
import io.tausweep.model.engine.LeanNet;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * TauGate: the foundation's weights stay frozen and each hidden neuron learns a threshold {@code
 * tau} and a gain {@code gamma}, {@code h = gamma * relu(z) * sigmoid(s (z - tau))}, with {@code
 * lambda * mean(gate)} added to the loss (512 parameters for the two hidden layers). The network is
 * frozen dense pre-activations, gate, frozen dense, gate, frozen dense, softmax.
 */
public record TauGate(double learningRate, double sharpness, double tauInit, double gammaInit)
    implements AdaptationMethod {
  public static final String ID = "taugate";

  @Override
  public String spec() {
    return Spec.of("TauGate")
        .with("learningRate", learningRate)
        .with("sharpness", sharpness)
        .with("tauInit", tauInit)
        .with("gammaInit", gammaInit)
        .text();
  }

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
        r.doubleIn(
            SHARPNESS, SHARPNESS_DEFAULT, 1e-6, 1e4, "must be a sharpness within [1e-6, 1e4]"),
        r.doubleIn(
            TAU_INIT, TAU_INIT_DEFAULT, -1e3, 1e3, "must be a threshold within [-1000, 1000]"),
        r.doubleIn(
            GAMMA_INIT, GAMMA_INIT_DEFAULT, -1e3, 1e3, "must be a gain within [-1000, 1000]"));
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
      b.layer(
          new FrozenLayerWithBackprop(
              new DenseLayer.Builder()
                  .nIn(Mlp.WIDTHS[i])
                  .nOut(Mlp.WIDTHS[i + 1])
                  .activation(Activation.IDENTITY)
                  .build()));
      if (i < Mlp.LINEAR_LAYERS - 1) {
        b.layer(
            new TauGateLayer.Builder()
                .units(Mlp.WIDTHS[i + 1])
                .sharpness(sharpness)
                .tauInit(tauInit)
                .gammaInit(gammaInit)
                .lambda(l)
                .gatedUnits(gated)
                .build());
      }
    }
    b.layer(
        new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .activation(Activation.SOFTMAX)
            .build());
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

  /**
   * Soft and hard accuracy and the gate statistics in one walk over each test set: per batch, one
   * soft forward pass gives the soft prediction and, from each gate's input {@code z}, which gates
   * are open ({@code z > tau}); then a hard pass starts from the first gate, reusing the frozen
   * first layer's output (the largest product) instead of recomputing it. Fire rates are those of
   * the soft network, the one that was trained.
   */
  @Override
  public Evaluation evaluate(
      MultiLayerNetwork trained, Split test0, Split testTheta, int batchSize) {
    Pass p0;
    Pass pTheta;
    Optional<LeanNet> compiled = LeanNet.compile(trained);
    try {
      if (compiled.isPresent()) {
        try (LeanNet lean = compiled.get()) {
          p0 = pass(lean, test0, batchSize);
          pTheta = pass(lean, testTheta, batchSize);
        }
      } else {
        p0 = pass(trained, test0, batchSize);
        pTheta = pass(trained, testTheta, batchSize);
      }
    } finally {
      TauGates.setHard(trained, false);
    }
    double[][] fire0 = p0.firing();
    double[][] fireTheta = pTheta.firing();
    List<NeuronStats> neurons = new ArrayList<>();
    double open = 0;
    for (int g = 0; g < GATE_LAYERS.length; g++) {
      float[] tau = trained.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.TAU_KEY).toFloatVector();
      float[] gamma =
          trained.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.GAMMA_KEY).toFloatVector();
      for (int u = 0; u < tau.length; u++) {
        double[] byClass = new double[Mlp.CLASSES];
        for (int c = 0; c < Mlp.CLASSES; c++) {
          double n = fireTheta[2 * GATE_LAYERS.length][c];
          byClass[c] = n == 0 ? 0 : fireTheta[GATE_LAYERS.length + g][c * tau.length + u] / n;
        }
        double rateTheta = fireTheta[g][u] / testTheta.size();
        open += rateTheta;
        neurons.add(
            new NeuronStats(
                g + 1, u, tau[u], gamma[u], fire0[g][u] / test0.size(), rateTheta, byClass));
      }
    }
    GateMetrics gates = new GateMetrics(p0.hard(), pTheta.hard(), open / neurons.size(), neurons);
    return new Evaluation(p0.soft(), pTheta.soft(), gates);
  }

  /**
   * Accuracies of one test set and its gate counts: per gate layer g, firing rows 0..G-1 hold the
   * number of images that open each unit's gate, rows G..2G-1 the counts per (class, unit)
   * flattened class-major, and row 2G the number of images per class.
   */
  private record Pass(double soft, double hard, double[][] firing) {}

  /** {@link #pass(LeanNet, Split, int)} through DL4J's own forward passes (the reference path). */
  private static Pass pass(MultiLayerNetwork net, Split data, int batchSize) {
    int gates = GATE_LAYERS.length;
    double[][] firing = emptyFiring();
    double[] perClass = firing[2 * gates];
    long soft = 0;
    long hard = 0;
    try {
      for (int start = 0; start < data.size(); start += batchSize) {
        int rows = Math.min(batchSize, data.size() - start);
        INDArray x = Evaluator.rows(data, start, rows);
        int[] labels = Arrays.copyOfRange(data.y(), start, start + rows);
        for (int label : labels) {
          perClass[label]++;
        }
        TauGates.setHard(net, false);
        List<INDArray> acts = net.feedForward(x, false);
        soft += correct(acts.get(acts.size() - 1), labels);
        for (int g = 0; g < gates; g++) {
          // feedForward lists the input first, so layer L's input is entry L.
          float[][] z = acts.get(GATE_LAYERS[g]).toFloatMatrix();
          int[] tauKeys =
              TauGateKernel.thresholdKeys(
                  net.getParam(GATE_LAYERS[g] + "_" + TauGateLayer.TAU_KEY).toFloatVector());
          for (int r = 0; r < rows; r++) {
            for (int u = 0; u < Mlp.HIDDEN; u++) {
              int open = TauGateKernel.open(Float.floatToRawIntBits(z[r][u]), tauKeys[u]);
              firing[g][u] += open;
              firing[gates + g][labels[r] * Mlp.HIDDEN + u] += open;
            }
          }
        }
        TauGates.setHard(net, true);
        hard += correct(net.output(x, false), labels);
      }
    } finally {
      TauGates.setHard(net, false);
    }
    return new Pass((double) soft / data.size(), (double) hard / data.size(), firing);
  }

  private static long correct(INDArray out, int[] labels) {
    int[] pred = out.argMax(1).toIntVector();
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += pred[i] == labels[i] ? 1 : 0;
    }
    return correct;
  }

  /** Per gate layer, counts per unit and per (class, unit); then the images per class. */
  private static double[][] emptyFiring() {
    int gates = GATE_LAYERS.length;
    double[][] firing = new double[2 * gates + 1][];
    for (int g = 0; g < gates; g++) {
      firing[g] = new double[Mlp.HIDDEN];
      firing[gates + g] = new double[Mlp.CLASSES * Mlp.HIDDEN];
    }
    firing[2 * gates] = new double[Mlp.CLASSES];
    return firing;
  }

  private static Pass pass(LeanNet lean, Split data, int batchSize) {
    MultiLayerNetwork net = lean.network();
    int gates = GATE_LAYERS.length;
    double[][] firing = emptyFiring();
    double[] perClass = firing[2 * gates];
    long soft = 0;
    long hard = 0;
    try (Evaluator.Batches batches = new Evaluator.Batches(lean, data, batchSize)) {
      for (int start = 0; start < data.size(); start += batchSize) {
        int rows = Math.min(batchSize, data.size() - start);
        for (int i = 0; i < rows; i++) {
          perClass[data.y()[start + i]]++;
        }
        TauGates.setHard(net, false);
        soft += batches.countCorrect(start);
        for (int g = 0; g < gates; g++) {
          lean.countOpenGates(GATE_LAYERS[g], data.y(), start, firing[g], firing[gates + g]);
        }
        TauGates.setHard(net, true);
        hard += lean.countCorrect(GATE_LAYERS[0], lean.layerInput(GATE_LAYERS[0]), data.y(), start);
      }
    } finally {
      TauGates.setHard(net, false);
    }
    return new Pass((double) soft / data.size(), (double) hard / data.size(), firing);
  }
}
