package io.tausweep.model.engine;

import io.tausweep.model.arch.LoRADenseLayerImpl;
import io.tausweep.model.arch.TauGateLayerImpl;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A lean executor of one {@link MultiLayerNetwork}'s training step and inference pass, for the
 * layer kinds tausweep builds: DL4J dense and output layers (also inside {@code
 * FrozenLayerWithBackprop}), {@link LossLayer}, {@link TauGateLayerImpl} and {@link
 * LoRADenseLayerImpl}. The network stays the model: the step reads and writes its parameter and
 * gradient views, runs its own updater blocks (DL4J's Adam op and state), and keeps its iteration
 * counter and score as {@code net.fit(DataSet)} does.
 *
 * <p>Why: at batch 64 a DL4J step costs several times its arithmetic. {@code MultiLayerNetwork.fit}
 * recomputes every pre-activation in backprop, computes the first layer's input gradient and the
 * frozen layers' weight gradients (then zeroes them), allocates every intermediate array, and runs
 * each element-wise step as a native op whose fixed cost (20-160 us) exceeds its work. Here each
 * step is the products through OpenBLAS's {@code cblas_sgemm} on the arrays in place ({@link
 * FloatMat}) plus the element-wise math as Java loops ({@link Kernels}), in buffers reused across
 * steps; a parameter gets no gradient computation when its update is provably zero (inside {@code
 * FrozenLayerWithBackprop}, LoRA's frozen {@code W} and {@code b}, or a plain {@code Sgd} updater
 * with learning rate 0, as BitFit freezes weights), and the first layer gets no input gradient. The
 * arithmetic is the layers' own but in another order of float operations, so results match DL4J's
 * to float rounding (asserted by {@code LeanNetTest} for every method), and are the same bit for
 * bit on every run.
 *
 * <p>{@link #compile} returns empty for anything else (another layer type or activation, dropout,
 * weight noise, layer norm, gradient normalization, constraints, preprocessors, truncated BPTT, a
 * non-float network, a loss other than MCXENT with softmax); callers then use DL4J's own {@code
 * fit}/{@code output}. Not thread-safe: one executor per network and thread. Arrays returned by
 * {@link #output} are reused by the next call. The work arrays live outside the JVM heap: {@link
 * #close} frees them at once (else they wait for a garbage collection, which a small heap may not
 * run for a long time while the process grows by gigabytes).
 *
 * <p>This class is the facade and the training step's order (forward, loss, backward, updater,
 * {@code params -= update}); {@link LeanNetCompiler} builds the steps, one class per layer kind
 * ({@link DenseStep}, {@link TauGateStep}, {@link LoRAStep}, {@link LossStep}), and {@link
 * ActiveBlock} runs the updater. It stays above 500 lines because the first-layer product API
 * (shared {@code X W} products for frozen first layers) needs the same private step state.
 */
public final class LeanNet implements AutoCloseable {

  /**
   * The system property that selects the training engine: {@code lean} (default) or {@code dl4j}.
   */
  public static final String ENGINE_PROPERTY = "tausweep.engine";

  private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

  private final MultiLayerNetwork net;
  private final Layer[] layers;
  private final Step[] steps;
  private final double clipEps;

  /**
   * Whether the score is divided by the minibatch size (LossLayer always; OutputLayer when
   * miniBatch).
   */
  private final boolean averageScore;

  private final Buffers lossBuffers = new Buffers();

  /**
   * The network gradient handed to the updater; bound on the first {@link #fit} (inference needs
   * none).
   */
  private Gradient gradient;

  private Updater updater;

  /**
   * The updater blocks that can produce a non-zero update; null when the network's updater is run
   * whole.
   */
  private List<ActiveBlock> activeBlocks;

  /**
   * The dense layers whose W gradient the active blocks leave at zero after each update (see {@link
   * ActiveBlock}): their next backward pass adds its product to that zero (beta 1) instead of
   * having BLAS clear the array first (beta 0), a separate pass over a 784 x 128 array.
   */
  private DenseStep[] gradientZeroedW = new DenseStep[0];

  /**
   * The iteration count after the last update that left those gradients at zero; -1 if none did.
   */
  private int zeroedAtIteration = -1;

  /** The flattened gradients and parameters, for {@code params -= update}. */
  private FloatMat update1d;

  private FloatMat params1d;

  /** The last input wrapped, reused while callers pass the same array. */
  private INDArray lastInput;

  private FloatMat lastInputMat;

  LeanNet(MultiLayerNetwork net, Step[] steps, double clipEps, boolean averageScore) {
    this.net = net;
    this.layers = net.getLayers();
    this.steps = steps;
    this.clipEps = clipEps;
    this.averageScore = averageScore;
  }

  private void bindGradients() {
    if (net.getGradientsViewArray() == null) {
      net.initGradientsView();
    }
    INDArray flat = net.getGradientsViewArray();
    updater = net.getUpdater();
    // The Gradient DL4J's backprop hands its updater (the flattened view plus one entry per
    // parameter), except that gradient() returns the updater's own view array: DefaultGradient
    // returns a reshaped copy of the view object, which sends BaseMultiLayerUpdater down its
    // "external gradient" path, re-slicing every parameter's view on every step. Both paths run the
    // same updater ops on the same memory.
    boolean internal =
        updater instanceof BaseMultiLayerUpdater<?> u && u.getFlattenedGradientsView() == flat;
    gradient = internal ? new ViewGradient(flat) : new DefaultGradient(flat);
    for (int i = 0; i < steps.length; i++) {
      steps[i].bindGradients(i, gradient);
    }
    update1d = FloatMat.of(flat);
    params1d = FloatMat.of(net.params());
    if (internal) {
      ActiveBlock.Selection sel =
          ActiveBlock.select((BaseMultiLayerUpdater<?>) updater, net, steps, update1d);
      if (sel != null) {
        activeBlocks = sel.blocks();
        gradientZeroedW = sel.zeroedDense();
      }
    }
  }

  /**
   * An executor for {@code net}, or empty if the network has a layer or setting it does not handle
   * ({@link LeanNetCompiler}), or when the JVM runs with {@code -Dtausweep.engine=dl4j}, which
   * switches this speed layer off so that every step runs through DL4J's own {@code fit} and {@code
   * output}, the reference it is compared with.
   *
   * @param net an initialised network
   * @return the executor, or empty when DL4J's own path must be used
   */
  public static Optional<LeanNet> compile(MultiLayerNetwork net) {
    return enabled(System.getProperty(ENGINE_PROPERTY, "lean"))
        ? LeanNetCompiler.compile(net)
        : Optional.empty();
  }

  /**
   * One training step on a minibatch, as {@code net.fit(new DataSet(x, y))}: forward, loss,
   * backward, the network's updater, {@code params -= update}, iteration count + 1. Sets and
   * returns the score that {@code net.score()} then reports (the mean loss plus regularization,
   * e.g. TauGate's sparsity penalty).
   *
   * @param x features [batch, nIn], float, 'c' order
   * @param y one-hot labels [batch, classes], float, 'c' order
   * @return the minibatch score
   */
  public double fit(INDArray x, INDArray y) {
    return fit(x, null, y);
  }

  /**
   * As {@link #fit(INDArray, INDArray)}, given the first layer's product {@code x W} for the batch
   * (rows of a {@link #firstLayerProduct} over the training split), which replaces the largest
   * product of the forward pass. Only for a network that does not train its first layer's W ({@link
   * #trainsFirstLayerWeights}).
   *
   * @param xw {@code x W} [batch, nOut], float, 'c' order, or null to compute it
   */
  public double fit(INDArray x, INDArray xw, INDArray y) {
    if (xw != null && (trainsFirstLayerWeights() || firstLayerWeights().isEmpty())) {
      throw new IllegalArgumentException(
          "a first-layer product needs a first layer whose W does not train");
    }
    if (gradient == null) {
      bindGradients();
    }
    FloatMat in = input(x);
    FloatMat labels = FloatMat.of(y);
    int mb = in.rows;
    boolean zeroed = net.getIterationCount() == zeroedAtIteration;
    for (DenseStep d : gradientZeroedW) {
      d.wGradZero = zeroed;
    }
    FloatMat a =
        xw == null
            ? steps[0].forward(in, true)
            : firstFromProduct(in, FloatMat.of(xw), steps.length == 1);
    for (int i = 1; i < steps.length; i++) {
      a = steps[i].forward(a, true);
    }
    // a is the output layer's pre-activation.
    FloatMat delta = lossBuffers.get(0, mb, a.cols);
    double score = Kernels.softmaxCrossEntropy(a, labels, clipEps, delta);
    if (averageScore) {
      score /= mb;
    }
    double reg = 0.0;
    for (Layer l : layers) {
      reg += l.calcRegularizationScore(true);
    }
    score += reg;

    FloatMat eps = delta;
    for (int i = steps.length - 1; i >= 0; i--) {
      eps = steps[i].backward(eps, i > 0);
    }

    // As StochasticGradientDescent.optimize: the updater turns gradients into updates in place,
    // then params -= update, with the same iteration and epoch counters.
    int iteration = BaseOptimizer.getIterationCount(net);
    int epochCount = BaseOptimizer.getEpochCount(net);
    if (activeBlocks == null) {
      updater.update(net, gradient, iteration, epochCount, mb, NO_WORKSPACES);
      FloatMat.axpy(-1f, update1d, params1d);
    } else {
      // BaseMultiLayerUpdater.update (divide by the minibatch, no gradient normalization here, each
      // block's updater in place) and params -= update, minus the blocks whose update is 0 (see
      // ActiveBlock#select).
      for (ActiveBlock b : activeBlocks) {
        b.apply(iteration, epochCount, mb);
      }
    }
    BaseOptimizer.incrementIterationCount(net, 1);
    // Valid while nothing else steps the network (DL4J's own fit would count an iteration and fill
    // the views).
    zeroedAtIteration = activeBlocks == null ? -1 : net.getIterationCount();
    int iter = net.getIterationCount();
    int epoch = net.getEpochCount();
    for (Layer l : layers) {
      l.setIterationCount(iter);
      l.setEpochCount(epoch);
    }
    net.setScore(score);
    return score;
  }

  /**
   * The network's output for a batch, as {@code net.output(x, false)} computes it (softmax
   * probabilities).
   *
   * @param x features [batch, nIn], float, 'c' order
   * @return [batch, classes]; valid until the next call with the same batch size
   */
  public INDArray output(INDArray x) {
    return outputFrom(0, x);
  }

  /**
   * The output of layers {@code first..last} for the given input of layer {@code first}, e.g. a
   * {@link #layerInput} of an earlier pass, which this pass leaves untouched when {@code first} is
   * above it: a second pass with the TauGate layers switched to hard gates need not recompute the
   * frozen layers below them.
   *
   * @param first the first layer to run
   * @param in its input [batch, nIn of that layer], float, 'c' order
   * @return [batch, classes]; valid until the next pass with the same batch size
   */
  public INDArray outputFrom(int first, INDArray in) {
    FloatMat a = input(in);
    for (int i = first; i < steps.length; i++) {
      a = steps[i].forward(a, false);
    }
    return a.array;
  }

  /**
   * The input that layer {@code layer} saw in the last forward pass (training or inference): for a
   * TauGate layer, the pre-activation {@code z} its gate thresholds.
   *
   * @return [batch, n]; valid until the next pass with the same batch size
   */
  public INDArray layerInput(int layer) {
    FloatMat in = steps[layer].in;
    if (in == null) {
      throw new IllegalStateException("layer " + layer + " has not run a forward pass yet");
    }
    return in.array;
  }

  /**
   * How many rows of a batch the network classifies correctly (arg-max of {@link #outputFrom}
   * equals the label).
   *
   * @param first the first layer to run (0 for a batch of images)
   * @param in that layer's input [batch, n], float, 'c' order
   * @param labels class labels; row r of the batch has label {@code labels[offset + r]}
   * @param offset the label index of the batch's first row
   */
  public long countCorrect(int first, INDArray in, int[] labels, int offset) {
    FloatMat a = input(in);
    for (int i = first; i < steps.length; i++) {
      // The last layer as in training: the logits, whose arg-max is the softmax's, without the
      // softmax.
      a = steps[i].forward(a, i == steps.length - 1);
    }
    return Kernels.correct(a, labels, offset);
  }

  /**
   * The first layer's weight matrix W when the first layer is a dense or LoRA layer, whose
   * pre-activation starts with {@code x W}: evaluation can then compute {@code X W} once for a
   * whole split ({@link #firstLayerProduct}) and share it between networks with the same W (e.g.
   * every cell of a foundation but Full FT).
   */
  public Optional<INDArray> firstLayerWeights() {
    FloatMat w = firstLayerW();
    return w == null ? Optional.empty() : Optional.of(w.array);
  }

  /**
   * {@link #firstLayerWeights}' elements in the order they lie in memory, copied into a Java array
   * in one bulk read (a cache of first-layer products compares them once per evaluation; an ND4J
   * {@code dup} into row-major order allocated and freed 400 KB off the heap each time).
   */
  public Optional<StoredMatrix> firstLayerWeightsAsStored() {
    FloatMat w = firstLayerW();
    if (w == null) {
      return Optional.empty();
    }
    float[] elements = new float[w.rows * w.cols];
    w.buf.get(0, elements);
    return Optional.of(new StoredMatrix(w.rows, w.cols, w.colMajor, elements));
  }

  /**
   * A matrix's elements as they lie in memory: row after row, or column after column where {@code
   * columnMajor}. Two are the same matrix when shape, layout and elements ({@link #sameAs}) are.
   */
  public record StoredMatrix(int rows, int cols, boolean columnMajor, float[] elements) {
    /**
     * Same shape, layout and elements, compared as {@link Arrays#equals(float[], float[])} does.
     */
    public boolean sameAs(StoredMatrix o) {
      return rows == o.rows
          && cols == o.cols
          && columnMajor == o.columnMajor
          && Arrays.equals(elements, o.elements);
    }
  }

  private FloatMat firstLayerW() {
    if (steps[0] instanceof DenseStep d) {
      return d.w;
    }
    if (steps[0] instanceof LoRAStep l) {
      return l.w;
    }
    return null;
  }

  /**
   * Whether {@link #fit(INDArray, INDArray, INDArray)} reads the batch's inputs when given their
   * first-layer product: a LoRA first layer does (its low-rank term {@code x A B}); a dense one
   * whose W does not train uses only the product, so a caller may leave x's contents stale (only
   * its row count is read).
   */
  public boolean readsInputWithProduct() {
    return !(steps[0] instanceof DenseStep d) || d.trainW;
  }

  /** Whether this network's training changes its first layer's W (Full FT and a foundation do). */
  public boolean trainsFirstLayerWeights() {
    return steps[0] instanceof DenseStep d && d.trainW;
  }

  /**
   * {@code out = x W} from the columns of x that are not all zero: {@code xc} holds those columns
   * of x, in order, and {@code columns} their indices. The other columns contribute nothing to the
   * product, so it multiplies {@code xc} by those rows of W only (MNIST's borders are blank in
   * every image: 668 of 784 pixels are ever non-zero in the 10,000 test images, 638 at 45 degrees).
   *
   * @param xc [n, columns.length], float, 'c' order
   * @param columns increasing column indices of x, each below W's row count
   * @param out [n, nOut], float, 'c' order
   * @throws IllegalStateException if {@link #firstLayerWeights} is empty
   */
  public void firstLayerProduct(INDArray xc, int[] columns, INDArray out) {
    try (FirstLayerRows w = firstLayerRows(columns)) {
      firstLayerProduct(xc, w, out);
    }
  }

  /**
   * The rows {@code columns} of the first layer's W, packed for {@link #firstLayerProduct(INDArray,
   * FirstLayerRows, INDArray)}: a copy, taken now (later changes to W do not reach it). Close it to
   * free it.
   *
   * @throws IllegalStateException if {@link #firstLayerWeights} is empty
   */
  public FirstLayerRows firstLayerRows(int[] columns) {
    FloatMat w =
        FloatMat.of(
            firstLayerWeights()
                .orElseThrow(
                    () ->
                        new IllegalStateException("the first layer is not a dense or LoRA layer")));
    float[] all = new float[w.length()];
    w.buf.get(0, all, 0, all.length);
    float[] rows = new float[columns.length * w.cols];
    for (int i = 0; i < columns.length; i++) {
      int j = columns[i];
      if (j < 0 || j >= w.rows) {
        throw new IllegalArgumentException("column " + j + " outside W's " + w.rows + " rows");
      }
      for (int k = 0; k < w.cols; k++) {
        rows[i * w.cols + k] = w.colMajor ? all[k * w.rows + j] : all[j * w.cols + k];
      }
    }
    FloatMat wc = FloatMat.allocate(columns.length, w.cols);
    wc.buf.put(0, rows, 0, rows.length);
    return new FirstLayerRows(wc);
  }

  /**
   * {@code out = xc Wc}: rows of a packed split (any contiguous run of its rows, e.g. one
   * evaluation batch) times the packed rows of W they were packed for. Each output row depends only
   * on its own input row, so a split gives the same product whole or a batch at a time.
   *
   * @param xc [n, rows of w], float, 'c' order (a view of whole rows is fine)
   * @param w from {@link #firstLayerRows} of the columns xc holds
   * @param out [n, nOut], float, 'c' order
   */
  public void firstLayerProduct(INDArray xc, FirstLayerRows w, INDArray out) {
    if (xc.size(1) != w.wc.rows) {
      throw new IllegalArgumentException(
          "xc has " + xc.size(1) + " columns, the packed W " + w.wc.rows + " rows");
    }
    FloatMat.gemm(FloatMat.of(xc), false, w.wc, false, 1f, 0f, FloatMat.of(out));
  }

  /** Some rows of the first layer's W, packed off the heap ({@link #firstLayerRows}). */
  public static final class FirstLayerRows implements AutoCloseable {
    private final FloatMat wc;

    private FirstLayerRows(FloatMat wc) {
      this.wc = wc;
    }

    /** Gives the packed rows' memory back ({@link WorkArrays}). */
    @Override
    public void close() {
      WorkArrays.give(wc.array);
    }
  }

  /**
   * As {@link #countCorrect} from layer 0, given the first layer's product {@code x W} for the
   * batch (rows of a {@link #firstLayerProduct}), which replaces the largest product of the pass.
   *
   * @param x the batch [batch, nIn] (LoRA's low-rank term still reads it)
   * @param xw its product with the first layer's W [batch, nOut]
   */
  public long countCorrectFromProduct(INDArray x, INDArray xw, int[] labels, int offset) {
    FloatMat a = firstFromProduct(input(x), FloatMat.of(xw), steps.length == 1);
    for (int i = 1; i < steps.length; i++) {
      a = steps[i].forward(a, i == steps.length - 1);
    }
    return Kernels.correct(a, labels, offset);
  }

  /**
   * For a TauGate layer after a forward pass: adds, per unit, the number of rows whose gate was
   * open ({@code z > tau}, i.e. soft gate above 0.5) to {@code counts[unit]}, and per (label, unit)
   * to {@code byClass[label * units + unit]}.
   *
   * @throws IllegalArgumentException if {@code layer} is not a TauGate layer
   */
  public void countOpenGates(
      int layer, int[] labels, int offset, double[] counts, double[] byClass) {
    if (!(steps[layer] instanceof TauGateStep t)) {
      throw new IllegalArgumentException("layer " + layer + " is not a TauGate layer");
    }
    Kernels.countOpen(t.in, t.tau, labels, offset, counts, byClass);
  }

  /** Layer 0's forward pass from its product {@code in W}. */
  private FloatMat firstFromProduct(FloatMat in, FloatMat xw, boolean logits) {
    return steps[0] instanceof LoRAStep l
        ? l.forwardFromProduct(in, xw)
        : ((DenseStep) steps[0]).forwardFromProduct(in, xw, logits);
  }

  /**
   * Writes Adam's moments into the network's updater state. While it trains, this executor keeps
   * the moments of the parameters it trains on the JVM heap (four fewer copies of them per step);
   * {@link #close} writes them back too.
   */
  public void flushUpdaterState() {
    if (activeBlocks != null) {
      for (ActiveBlock b : activeBlocks) {
        b.flushState();
      }
    }
  }

  /**
   * Writes back Adam's state ({@link #flushUpdaterState}) and frees the work arrays; the executor
   * must not be used afterwards. Apart from that state the network is untouched.
   */
  @Override
  public void close() {
    flushUpdaterState();
    for (Step s : steps) {
      s.buffers.close();
    }
    lossBuffers.close();
    lastInput = null;
    lastInputMat = null;
  }

  /** The network this executor runs. */
  public MultiLayerNetwork network() {
    return net;
  }

  private FloatMat input(INDArray x) {
    if (x != lastInput) {
      if (x.ordering() != 'c' && x.rows() > 1 && x.columns() > 1) {
        throw new IllegalArgumentException("LeanNet needs 'c' order inputs");
      }
      lastInputMat = FloatMat.of(x);
      lastInput = x;
    }
    return lastInputMat;
  }

  private static boolean enabled(String engine) {
    return switch (engine) {
      case "lean" -> true;
      case "dl4j" -> false;
      default ->
          throw new IllegalStateException(
              "Invalid -D"
                  + ENGINE_PROPERTY
                  + "="
                  + engine
                  + " (use lean, the default, or dl4j for DL4J's own fit and output)");
    };
  }
}
