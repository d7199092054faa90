package io.tausweep.model.engine;

import io.tausweep.model.arch.LoRADenseLayer;
import io.tausweep.model.arch.LoRADenseLayerImpl;
import io.tausweep.model.arch.TauGateLayer;
import io.tausweep.model.arch.TauGateLayerImpl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.LossLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

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
 */
public final class LeanNet implements AutoCloseable {

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
   * having BLAS clear the array first, a separate pass over it (beta 0) that cost 15% of the 784 x
   * 64 x 128 weight-gradient product.
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

  private LeanNet(MultiLayerNetwork net, Step[] steps, double clipEps, boolean averageScore) {
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
    // parameter), except
    // that gradient() returns the updater's own view array: DefaultGradient returns a reshaped copy
    // of the
    // view object, which sends BaseMultiLayerUpdater down its "external gradient" path, re-slicing
    // every
    // parameter's view on every step. Both paths run the same updater ops on the same memory.
    boolean internal =
        updater instanceof BaseMultiLayerUpdater<?> u && u.getFlattenedGradientsView() == flat;
    gradient = internal ? new ViewGradient(flat) : new DefaultGradient(flat);
    for (int i = 0; i < steps.length; i++) {
      steps[i].bindGradients(i, gradient);
    }
    update1d = FloatMat.of(flat);
    params1d = FloatMat.of(net.params());
    if (internal) {
      selectBlocks((BaseMultiLayerUpdater<?>) updater);
    }
  }

  /**
   * An executor for {@code net}, or empty if the network has a layer or setting it does not handle.
   *
   * @param net an initialised network
   * @return the executor, or empty when DL4J's own path must be used
   */
  public static Optional<LeanNet> compile(MultiLayerNetwork net) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    if (net.getLayers() == null
        || net.getLayers().length < 2
        || conf.getDataType() != DataType.FLOAT
        || conf.getBackpropType() != BackpropType.Standard
        || (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty())
        || !net.getListeners().isEmpty()) {
      return Optional.empty();
    }
    try {
      return build(net);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a parameter view that is not a contiguous float matrix
    }
  }

  private static Optional<LeanNet> build(MultiLayerNetwork net) {
    Layer[] layers = net.getLayers();
    int last = layers.length - 1;
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < last; i++) {
      Step s = hiddenStep(layers[i]);
      if (s == null) {
        return Optional.empty();
      }
      steps.add(s);
    }
    Layer out = layers[last];
    if (!plainLayer(out.conf().getLayer())) {
      return Optional.empty();
    }
    ILossFunction loss;
    IActivation act;
    boolean average;
    if (out instanceof OutputLayer o) {
      org.deeplearning4j.nn.conf.layers.OutputLayer c =
          (org.deeplearning4j.nn.conf.layers.OutputLayer) o.conf().getLayer();
      if (o.hasLayerNorm() || !o.hasBias()) {
        return Optional.empty();
      }
      loss = c.getLossFn();
      act = c.getActivationFn();
      average = o.conf().isMiniBatch();
      steps.add(new DenseStep(o, false, true, false, trainable(o, "W"), trainable(o, "b")));
    } else if (out instanceof LossLayer) {
      org.deeplearning4j.nn.conf.layers.LossLayer c =
          (org.deeplearning4j.nn.conf.layers.LossLayer) out.conf().getLayer();
      loss = c.getLossFn();
      act = c.getActivationFn();
      average = true;
      steps.add(new LossStep());
    } else {
      return Optional.empty();
    }
    if (!(loss instanceof LossMCXENT mc)
        || mc.getWeights() != null
        || !(act instanceof ActivationSoftmax)) {
      return Optional.empty();
    }
    return Optional.of(
        new LeanNet(net, steps.toArray(new Step[0]), mc.getSoftmaxClipEps(), average));
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
    // then
    // params -= update, with the same iteration and epoch counters.
    int iteration = BaseOptimizer.getIterationCount(net);
    int epochCount = BaseOptimizer.getEpochCount(net);
    if (activeBlocks == null) {
      updater.update(net, gradient, iteration, epochCount, mb, NO_WORKSPACES);
      FloatMat.axpy(-1f, update1d, params1d);
    } else {
      // BaseMultiLayerUpdater.update (divide by the minibatch, no gradient normalization here, each
      // block's
      // updater in place) and params -= update, minus the blocks whose update is 0 (see
      // selectBlocks).
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

  private static Step hiddenStep(Layer l) {
    boolean frozen = false;
    Layer u = l;
    if (u instanceof FrozenLayerWithBackprop f) {
      frozen = true;
      u = f.getUnderlying();
    }
    if (u instanceof DenseLayer d && plainLayer(d.conf().getLayer())) {
      org.deeplearning4j.nn.conf.layers.DenseLayer c =
          (org.deeplearning4j.nn.conf.layers.DenseLayer) d.conf().getLayer();
      IActivation act = c.getActivationFn();
      if (d.hasLayerNorm() || !d.hasBias() || !(isRelu(act) || act instanceof ActivationIdentity)) {
        return null;
      }
      return new DenseStep(
          d,
          isRelu(act),
          false,
          frozen,
          !frozen && trainable(d, "W"),
          !frozen && trainable(d, "b"));
    }
    if (!frozen && u instanceof TauGateLayerImpl t && plainLayer(t.conf().getLayer())) {
      return new TauGateStep(t);
    }
    if (!frozen && u instanceof LoRADenseLayerImpl r && plainLayer(r.conf().getLayer())) {
      IActivation act = ((LoRADenseLayer) r.conf().getLayer()).getActivationFn();
      if (!(isRelu(act) || act instanceof ActivationIdentity)) {
        return null;
      }
      return new LoRAStep(r, isRelu(act));
    }
    return null;
  }

  /** No dropout, weight noise, gradient normalization or constraints. */
  private static boolean plainLayer(org.deeplearning4j.nn.conf.layers.Layer c) {
    if (c.getIDropout() != null || (c.getConstraints() != null && !c.getConstraints().isEmpty())) {
      return false;
    }
    if (c instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
      return b.getWeightNoise() == null
          && (b.getGradientNormalization() == null
              || b.getGradientNormalization() == GradientNormalization.None);
    }
    return true;
  }

  private static boolean isRelu(IActivation act) {
    return act instanceof ActivationReLU r
        && r.getMax() == null
        && r.getThreshold() == null
        && r.getNegativeSlope() == null;
  }

  /**
   * False when the parameter's update is provably zero: a plain Sgd with learning rate 0 (BitFit's
   * weights).
   */
  private static boolean trainable(Layer l, String key) {
    IUpdater u = l.conf().getLayer().getUpdaterByParam(key);
    return !(u instanceof Sgd s
        && s.getLearningRate() == 0.0
        && s.getLearningRateSchedule() == null);
  }

  private static Map<String, INDArray> gradientViews(Layer l) {
    return l.conf()
        .getLayer()
        .initializer()
        .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
  }

  /**
   * Keeps the updater blocks that hold a parameter this executor computes gradients for. The others
   * hold only parameters whose gradient is 0 on every step (frozen layers, LoRA's W and b, BitFit's
   * Sgd(0) weights): on them Adam leaves its state at 0 and returns a 0 update, Sgd and NoOp return
   * 0, and 0 / batch is 0, so skipping them changes nothing but the time (for TauGate, Adam over
   * the 118k frozen weights every step).
   */
  private void selectBlocks(BaseMultiLayerUpdater<?> u) {
    Map<Object, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < layers.length; i++) {
      index.put(layers[i], i);
    }
    INDArray params = net.params().reshape(net.params().length());
    List<ActiveBlock> active = new ArrayList<>();
    List<DenseStep> zeroedDense = new ArrayList<>();
    for (UpdaterBlock ub : u.getUpdaterBlocks()) {
      if (ub.skipDueToPretrainConfig(false)) {
        continue;
      }
      boolean javaAdam = true;
      List<FloatMat> divided = new ArrayList<>();
      List<int[]> trained = new ArrayList<>();
      for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
        Integer i = index.get(ps.getLayer());
        if (i == null) {
          return; // not this network's layer: run the whole updater
        }
        String key = ps.getParamName();
        if (steps[i].trainedParams().contains(key)) {
          trained.add(new int[] {ps.getParamOffsetStart(), ps.getParamOffsetEnd()});
          if (steps[i] instanceof DenseStep d && key.equals("W")) {
            zeroedDense.add(d);
          }
        }
        if (ps.getLayer().updaterDivideByMinibatch(key)) {
          divided.add(FloatMat.of(ps.getGradView()));
        } else {
          javaAdam = false;
        }
        List<?> reg = ps.getLayer().getConfig().getRegularizationByParam(key);
        javaAdam &=
            (reg == null || reg.isEmpty())
                && ps.getLayer().getConfig().getUpdaterByParam(key) instanceof Adam;
      }
      if (!trained.isEmpty()) {
        active.add(
            new ActiveBlock(
                ub, params, update1d.array.reshape(update1d.length()), trained, divided, javaAdam));
      }
    }
    activeBlocks = active;
    gradientZeroedW = zeroedDense.toArray(new DenseStep[0]);
  }

  /**
   * One updater block with parameters that train. Adam runs as a Java loop over just the trained
   * parameters' ranges: the libnd4j Adam op costs about 0.3 ms a call whatever its length, and DL4J
   * puts TauGate's 512 trained parameters in one block with the 118k frozen ones (same updater
   * settings), whose gradients are always 0, so that Adam keeps their state at 0 and their update
   * at 0. Anything else runs DL4J's own block updater (as does Adam's first step, which creates its
   * state views); then {@code params -= update} over the block.
   */
  private static final class ActiveBlock {
    private final UpdaterBlock block;
    private final List<FloatMat> divided;
    private final boolean javaAdam;
    private final int blockStart;
    private final int[][] ranges;
    private final FloatMat[] grads;
    private final FloatMat[] params;
    private final FloatMat blockGrad;
    private final FloatMat blockParams;

    /**
     * Adam's state views in the network's updater, per trained range, and their working copies on
     * the heap in blocks of {@link Kernels#ADAM_BLOCK} (the last one shorter), so that a step walks
     * each range once, a block at a time, with the block's gradient and parameters copied in (and
     * the parameters out) through two small arrays that stay in the L1 cache: whole-range copies
     * cost a third more (three extra passes over 0.5 MB for Full FT).
     */
    private FloatMat[] m;

    private FloatMat[] v;
    private float[][][] mHeap;
    private float[][][] vHeap;
    private static final float[] ZEROS = new float[Kernels.ADAM_BLOCK];
    private final float[] gBlock = new float[Kernels.ADAM_BLOCK];
    private final float[] pBlock = new float[Kernels.ADAM_BLOCK];

    ActiveBlock(
        UpdaterBlock block,
        INDArray flatParams,
        INDArray flatGrads,
        List<int[]> trained,
        List<FloatMat> divided,
        boolean javaAdam) {
      this.block = block;
      this.divided = divided;
      this.javaAdam = javaAdam;
      this.blockStart = block.getParamOffsetStart();
      this.ranges = trained.toArray(new int[0][]);
      this.grads = new FloatMat[ranges.length];
      this.params = new FloatMat[ranges.length];
      for (int k = 0; k < ranges.length; k++) {
        grads[k] = FloatMat.of(flatGrads.get(NDArrayIndex.interval(ranges[k][0], ranges[k][1])));
        params[k] = FloatMat.of(flatParams.get(NDArrayIndex.interval(ranges[k][0], ranges[k][1])));
      }
      this.blockGrad = FloatMat.of(block.getGradientView());
      this.blockParams =
          FloatMat.of(
              flatParams.get(
                  NDArrayIndex.interval(block.getParamOffsetStart(), block.getParamOffsetEnd())));
    }

    void apply(int iteration, int epoch, int mb) {
      if (javaAdam
          && block.getGradientUpdater() instanceof AdamUpdater adam
          && adam.getM() != null) {
        if (m == null) {
          INDArray mAll = adam.getM().reshape(adam.getM().length());
          INDArray vAll = adam.getV().reshape(adam.getV().length());
          m = new FloatMat[ranges.length];
          v = new FloatMat[ranges.length];
          mHeap = new float[ranges.length][][];
          vHeap = new float[ranges.length][][];
          for (int k = 0; k < ranges.length; k++) {
            m[k] =
                FloatMat.of(
                    mAll.get(
                        NDArrayIndex.interval(
                            ranges[k][0] - blockStart, ranges[k][1] - blockStart)));
            v[k] =
                FloatMat.of(
                    vAll.get(
                        NDArrayIndex.interval(
                            ranges[k][0] - blockStart, ranges[k][1] - blockStart)));
            mHeap[k] = toBlocks(m[k]);
            vHeap[k] = toBlocks(v[k]);
          }
        }
        Adam c = adam.getConfig();
        double lr = c.getLearningRate(iteration, epoch);
        float alpha =
            Kernels.adamStepSize(lr, c.getBeta1(), c.getBeta2(), c.getEpsilon(), iteration);
        float scale = (float) (1.0 / mb);
        for (int k = 0; k < ranges.length; k++) {
          float[][] mk = mHeap[k];
          float[][] vk = vHeap[k];
          for (int blk = 0; blk < mk.length; blk++) {
            int at = blk * Kernels.ADAM_BLOCK;
            int len = mk[blk].length;
            grads[k].buf.get(at, gBlock, 0, len);
            grads[k].buf.put(at, ZEROS, 0, len); // consumed: the next backward pass adds onto 0
            params[k].buf.get(at, pBlock, 0, len);
            Kernels.adam(
                gBlock,
                mk[blk],
                vk[blk],
                pBlock,
                len,
                alpha,
                c.getBeta1(),
                c.getBeta2(),
                c.getEpsilon(),
                scale);
            params[k].buf.put(at, pBlock, 0, len);
          }
        }
        return;
      }
      // DL4J's path (also Adam's first step, which sets up its state views).
      for (FloatMat g : divided) {
        FloatMat.scale(1f / mb, g);
      }
      block.update(iteration, epoch);
      FloatMat.axpy(-1f, blockGrad, blockParams);
      // The gradient views now hold the update: clear the trained ranges, as the Java path does.
      for (FloatMat g : grads) {
        for (int at = 0; at < g.length(); at += ZEROS.length) {
          g.buf.put(at, ZEROS, 0, Math.min(ZEROS.length, g.length() - at));
        }
      }
    }

    /** Writes the heap copies of Adam's state back into the updater's state views. */
    void flushState() {
      if (mHeap != null) {
        for (int k = 0; k < ranges.length; k++) {
          fromBlocks(mHeap[k], m[k]);
          fromBlocks(vHeap[k], v[k]);
        }
      }
    }

    private static float[][] toBlocks(FloatMat from) {
      int n = from.length();
      float[][] blocks = new float[(n + Kernels.ADAM_BLOCK - 1) / Kernels.ADAM_BLOCK][];
      for (int blk = 0; blk < blocks.length; blk++) {
        int at = blk * Kernels.ADAM_BLOCK;
        blocks[blk] = new float[Math.min(Kernels.ADAM_BLOCK, n - at)];
        from.buf.get(at, blocks[blk], 0, blocks[blk].length);
      }
      return blocks;
    }

    private static void fromBlocks(float[][] blocks, FloatMat to) {
      for (int blk = 0; blk < blocks.length; blk++) {
        to.buf.put(blk * Kernels.ADAM_BLOCK, blocks[blk], 0, blocks[blk].length);
      }
    }
  }

  /** A network gradient whose {@link #gradient()} is the flattened view array itself. */
  private static final class ViewGradient extends DefaultGradient {
    private final INDArray flat;

    ViewGradient(INDArray flat) {
      super(flat);
      this.flat = flat;
    }

    @Override
    public INDArray gradient() {
      return flat;
    }
  }

  /**
   * Row-major work arrays of one layer, per slot and shape (a minibatch size), allocated once
   * outside any workspace. A slot holds a handful of shapes (full and last training batches,
   * evaluation batches), found by a linear scan: several lookups a step, where a map keyed by a
   * record cost 3% of a Full FT step.
   */
  private static final class Buffers {
    private FloatMat[][] slots = new FloatMat[0][];

    FloatMat get(int slot, int rows, int cols) {
      if (slot >= slots.length) {
        slots = Arrays.copyOf(slots, slot + 1);
      }
      FloatMat[] shapes = slots[slot];
      if (shapes != null) {
        for (FloatMat m : shapes) {
          if (m.rows == rows && m.cols == cols) {
            return m;
          }
        }
      }
      FloatMat m = FloatMat.allocate(rows, cols);
      shapes = shapes == null ? new FloatMat[1] : Arrays.copyOf(shapes, shapes.length + 1);
      shapes[shapes.length - 1] = m;
      slots[slot] = shapes;
      return m;
    }

    void close() {
      for (FloatMat[] shapes : slots) {
        if (shapes != null) {
          for (FloatMat m : shapes) {
            WorkArrays.give(m.array);
          }
        }
      }
      slots = new FloatMat[0][];
    }
  }

  /** One layer's forward and backward pass. */
  private abstract static class Step {
    final Buffers buffers = new Buffers();

    /** The input and output of the last forward pass. */
    FloatMat in;

    FloatMat out;

    /** The keys of the parameters whose gradients this step computes. */
    abstract Set<String> trainedParams();

    /** The layer's output (for the last layer in training: the pre-activation the loss takes). */
    abstract FloatMat forward(FloatMat in, boolean training);

    /**
     * Writes this layer's parameter gradients (sums over the batch) into the network's gradient
     * view.
     *
     * @return dL/d(input), or null when {@code inputGradient} is false
     */
    abstract FloatMat backward(FloatMat eps, boolean inputGradient);

    /**
     * Looks up this layer's gradient views (zeroing those never computed) and adds them to the
     * network gradient, keyed as DL4J keys them.
     */
    abstract void bindGradients(int index, Gradient g);
  }

  /**
   * A DL4J dense or output layer: {@code act(in W + b)}, and its gradients without recomputation.
   */
  private static final class DenseStep extends Step {
    private final boolean relu;
    private final boolean output;
    private final boolean frozen;
    private final boolean trainW;
    private final boolean trainB;
    private final BaseLayer<?> layer;
    private final FloatMat w;
    private final FloatMat b;
    private FloatMat wGrad;
    private FloatMat bGrad;

    /** Whether wGrad holds zeros (the last update cleared it and nothing has written it since). */
    private boolean wGradZero;

    DenseStep(
        BaseLayer<?> layer,
        boolean relu,
        boolean output,
        boolean frozen,
        boolean trainW,
        boolean trainB) {
      this.relu = relu;
      this.output = output;
      this.frozen = frozen;
      this.trainW = trainW;
      this.trainB = trainB;
      this.layer = layer;
      this.w = FloatMat.of(layer.getParam("W"));
      this.b = FloatMat.of(layer.getParam("b"));
    }

    @Override
    Set<String> trainedParams() {
      Set<String> keys = new HashSet<>();
      if (trainW) {
        keys.add("W");
      }
      if (trainB) {
        keys.add("b");
      }
      return keys;
    }

    @Override
    FloatMat forward(FloatMat in, boolean training) {
      FloatMat z = buffers.get(0, in.rows, w.cols);
      FloatMat.gemm(in, false, w, false, 1f, 0f, z);
      return forwardFromProduct(in, z, training);
    }

    /** As forward, with {@code in W} given (it may be this layer's own output buffer). */
    FloatMat forwardFromProduct(FloatMat in, FloatMat xw, boolean logits) {
      FloatMat z = buffers.get(0, in.rows, w.cols);
      Kernels.addBias(xw, b, relu, z);
      if (output && !logits) {
        Kernels.softmax(z);
      }
      this.in = in;
      this.out = z;
      return z;
    }

    @Override
    FloatMat backward(FloatMat eps, boolean inputGradient) {
      int mb = eps.rows;
      FloatMat delta = eps;
      if (relu) {
        delta = buffers.get(1, mb, w.cols);
        Kernels.reluMask(out, eps, delta);
      }
      if (trainB) {
        Kernels.columnSums(delta, bGrad);
      }
      if (trainW) {
        // Onto the zeros the last update left (same result bit for bit: BLAS's beta 0 clears, then
        // adds).
        FloatMat.gemm(in, true, delta, false, 1f, wGradZero ? 1f : 0f, wGrad);
        wGradZero = false;
      }
      if (!inputGradient) {
        return null;
      }
      FloatMat epsIn = buffers.get(2, mb, w.rows);
      FloatMat.gemm(delta, false, w, true, 1f, 0f, epsIn);
      return epsIn;
    }

    @Override
    void bindGradients(int index, Gradient g) {
      Map<String, INDArray> views = gradientViews(layer);
      INDArray wg = views.get("W");
      INDArray bg = views.get("b");
      // Gradients never computed stay 0, as DL4J leaves them (frozen) or as they become under
      // Sgd(0).
      if (!trainW) {
        wg.assign(0.0);
      }
      if (!trainB) {
        bg.assign(0.0);
      }
      wGrad = FloatMat.of(wg);
      bGrad = FloatMat.of(bg);
      if (frozen) {
        return; // FrozenLayerWithBackprop reports no gradients
      }
      if (output) {
        g.setGradientFor(index + "_W", wg);
        g.setGradientFor(index + "_b", bg);
      } else {
        g.setGradientFor(index + "_b", bg);
        g.setGradientFor(index + "_W", wg);
      }
    }
  }

  /** A TauGate layer: keeps z and the gate from forward. */
  private static final class TauGateStep extends Step {
    private final TauGateLayerImpl layer;
    private final FloatMat tau;
    private final FloatMat gamma;
    private FloatMat tauGrad;
    private FloatMat gammaGrad;
    private FloatMat g;
    private boolean hard;

    TauGateStep(TauGateLayerImpl layer) {
      this.layer = layer;
      this.tau = FloatMat.of(layer.getParam(TauGateLayer.TAU_KEY));
      this.gamma = FloatMat.of(layer.getParam(TauGateLayer.GAMMA_KEY));
    }

    @Override
    Set<String> trainedParams() {
      return Set.of(TauGateLayer.TAU_KEY, TauGateLayer.GAMMA_KEY);
    }

    @Override
    FloatMat forward(FloatMat z, boolean training) {
      TauGateLayer c = layer.layerConf();
      FloatMat out = buffers.get(0, z.rows, z.cols);
      hard = c.isHardGate();
      this.in = z;
      this.out = out;
      if (!training) {
        // Inference keeps no gates (only backward reads them); hard gates need no exponential at
        // all.
        g = null;
        if (hard) {
          Kernels.tauGateHardInference(z, tau, gamma, out);
        } else {
          Kernels.tauGateSoftInference(z, tau, gamma, c.getSharpness(), out);
        }
        return out;
      }
      g = buffers.get(1, z.rows, z.cols);
      // Only a sparsity penalty needs the gates of units whose ReLU is off (their output is 0
      // whatever the
      // gate, and without the penalty their gradients are 0 too): elsewhere those gates are
      // skipped, as in
      // inference, which halves the exponentials and changes no number.
      boolean allGates = c.getLambda() != 0.0;
      double sum = Kernels.tauGateForward(z, tau, gamma, c.getSharpness(), hard, allGates, g, out);
      layer.setLastPenalty(
          c.getLambda() == 0.0
              ? 0.0
              : c.getLambda() * sum / ((double) z.rows * c.effectiveGatedUnits()));
      return out;
    }

    @Override
    FloatMat backward(FloatMat eps, boolean inputGradient) {
      if (g == null) {
        throw new IllegalStateException("TauGate backward pass without a training forward pass");
      }
      TauGateLayer c = layer.layerConf();
      FloatMat epsOut = buffers.get(2, eps.rows, eps.cols);
      double penaltyGrad = c.getLambda() == 0.0 ? 0.0 : c.getLambda() / c.effectiveGatedUnits();
      Kernels.tauGateBackward(
          in, g, eps, gamma, c.getSharpness(), hard, penaltyGrad, epsOut, tauGrad, gammaGrad);
      return epsOut;
    }

    @Override
    void bindGradients(int index, Gradient grad) {
      Map<String, INDArray> views = gradientViews(layer);
      tauGrad = FloatMat.of(views.get(TauGateLayer.TAU_KEY));
      gammaGrad = FloatMat.of(views.get(TauGateLayer.GAMMA_KEY));
      grad.setGradientFor(index + "_" + TauGateLayer.TAU_KEY, views.get(TauGateLayer.TAU_KEY));
      grad.setGradientFor(index + "_" + TauGateLayer.GAMMA_KEY, views.get(TauGateLayer.GAMMA_KEY));
    }
  }

  /**
   * A LoRA dense layer: {@code act(x W + b + scale (x A) B)}, keeping {@code x A} from forward;
   * gradients for A and B only ({@link LoRADenseLayerImpl#backward} in the same products).
   */
  private static final class LoRAStep extends Step {
    private final LoRADenseLayerImpl layer;
    private final boolean relu;
    private final float scale;
    private final int rank;
    private final FloatMat w;
    private final FloatMat bias;
    private final FloatMat a;
    private final FloatMat b;
    private FloatMat gradA;
    private FloatMat gradB;
    private FloatMat xa;

    LoRAStep(LoRADenseLayerImpl layer, boolean relu) {
      this.layer = layer;
      this.relu = relu;
      LoRADenseLayer c = (LoRADenseLayer) layer.conf().getLayer();
      this.scale = (float) c.scaling();
      this.rank = c.getRank();
      this.w = FloatMat.of(layer.getParam(LoRADenseLayer.WEIGHT_KEY));
      this.bias = FloatMat.of(layer.getParam(LoRADenseLayer.BIAS_KEY));
      this.a = FloatMat.of(layer.getParam(LoRADenseLayer.LORA_A_KEY));
      this.b = FloatMat.of(layer.getParam(LoRADenseLayer.LORA_B_KEY));
    }

    @Override
    Set<String> trainedParams() {
      return Set.of(LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY);
    }

    @Override
    FloatMat forward(FloatMat in, boolean training) {
      int mb = in.rows;
      xa = buffers.get(0, mb, rank);
      out = buffers.get(1, mb, w.cols);
      FloatMat.gemm(in, false, w, false, 1f, 0f, out);
      return lowRankAndBias(in);
    }

    /** As forward, with {@code in W} given. */
    FloatMat forwardFromProduct(FloatMat in, FloatMat xw) {
      int mb = in.rows;
      xa = buffers.get(0, mb, rank);
      out = buffers.get(1, mb, w.cols);
      Kernels.copy(xw, out);
      return lowRankAndBias(in);
    }

    /** {@code out += scale (in A) B}, then bias and activation. */
    private FloatMat lowRankAndBias(FloatMat in) {
      FloatMat.gemm(in, false, a, false, 1f, 0f, xa);
      FloatMat.gemm(xa, false, b, false, scale, 1f, out);
      Kernels.addBias(out, bias, relu, out);
      this.in = in;
      return out;
    }

    @Override
    FloatMat backward(FloatMat eps, boolean inputGradient) {
      int mb = eps.rows;
      FloatMat delta = eps;
      if (relu) {
        delta = buffers.get(2, mb, w.cols);
        Kernels.reluMask(out, eps, delta);
      }
      FloatMat deltaBt = buffers.get(3, mb, rank);
      FloatMat.gemm(xa, true, delta, false, scale, 0f, gradB);
      FloatMat.gemm(delta, false, b, true, 1f, 0f, deltaBt);
      FloatMat.gemm(in, true, deltaBt, false, scale, 0f, gradA);
      if (!inputGradient) {
        return null;
      }
      FloatMat epsOut = buffers.get(4, mb, w.rows);
      FloatMat.gemm(delta, false, w, true, 1f, 0f, epsOut);
      FloatMat.gemm(deltaBt, false, a, true, scale, 1f, epsOut);
      return epsOut;
    }

    @Override
    void bindGradients(int index, Gradient g) {
      Map<String, INDArray> grads = gradientViews(layer);
      // W and b are frozen: their gradients are 0, as the layer itself assigns them.
      grads.get(LoRADenseLayer.WEIGHT_KEY).assign(0.0);
      grads.get(LoRADenseLayer.BIAS_KEY).assign(0.0);
      gradA = FloatMat.of(grads.get(LoRADenseLayer.LORA_A_KEY));
      gradB = FloatMat.of(grads.get(LoRADenseLayer.LORA_B_KEY));
      for (String key :
          List.of(
              LoRADenseLayer.WEIGHT_KEY,
              LoRADenseLayer.BIAS_KEY,
              LoRADenseLayer.LORA_A_KEY,
              LoRADenseLayer.LORA_B_KEY)) {
        g.setGradientFor(index + "_" + key, grads.get(key));
      }
    }
  }

  /**
   * DL4J's LossLayer: no parameters; softmax at inference, the loss gradient passed down in
   * training.
   */
  private static final class LossStep extends Step {
    @Override
    Set<String> trainedParams() {
      return Set.of();
    }

    @Override
    FloatMat forward(FloatMat in, boolean training) {
      this.in = in;
      if (training) {
        this.out = in;
        return in;
      }
      FloatMat probs = buffers.get(0, in.rows, in.cols);
      Kernels.copy(in, probs);
      Kernels.softmax(probs);
      this.out = probs;
      return probs;
    }

    @Override
    FloatMat backward(FloatMat eps, boolean inputGradient) {
      return eps;
    }

    @Override
    void bindGradients(int index, Gradient g) {
      // no parameters
    }
  }
}
