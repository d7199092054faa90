package io.tausweep.model.nn;

import java.util.ArrayList;
import java.util.HashMap;
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
import org.nd4j.linalg.api.blas.BlasBufferUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A lean executor of one {@link MultiLayerNetwork}'s training step and inference pass, for the layer kinds tausweep
 * builds: DL4J dense and output layers (also inside {@code FrozenLayerWithBackprop}), {@link LossLayer},
 * {@link TauGateLayerImpl} and {@link LoRADenseLayerImpl}. The network stays the model: its parameter and gradient
 * views, its updater (Adam state included), iteration counter and score are the ones {@code net.fit(DataSet)} uses,
 * and the TauGate and LoRA math is the layers' own ({@code softForward}, {@code backward}, ...).
 *
 * <p>Why: with batches of 64 a DL4J step costs several times its arithmetic. {@code MultiLayerNetwork.fit}
 * recomputes every layer's pre-activation in backprop, computes the input gradient of the first layer and the weight
 * gradients of frozen layers (then zeroes them), and allocates every intermediate array per step. This executor runs
 * the same ND4J operations on the same array layouts, in place in buffers reused across steps, minus that work:
 * a parameter gets no gradient computation when its update is provably zero (inside {@code FrozenLayerWithBackprop},
 * LoRA's frozen {@code W} and {@code b}, or a plain {@code Sgd} updater with learning rate 0, as BitFit freezes
 * weights), and the first layer gets no input gradient. Parameters, scores and outputs are bit-identical to DL4J's
 * (asserted by {@code LeanNetTest} for every method).
 *
 * <p>{@link #compile} returns empty for anything else (another layer type or activation, dropout, weight noise,
 * layer norm, gradient normalization, constraints, preprocessors, truncated BPTT, a non-float network, a loss other
 * than MCXENT with softmax); callers then use DL4J's own {@code fit}/{@code output}. Not thread-safe: one executor
 * per network and thread. Arrays returned by {@link #output} are reused by the next call. The work arrays live
 * outside the JVM heap: {@link #close} frees them at once (else they wait for a garbage collection, which a small
 * heap may not run for a long time while the process grows by gigabytes).
 */
public final class LeanNet implements AutoCloseable {

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private final MultiLayerNetwork net;
    private final Layer[] layers;
    private final Step[] steps;
    private final ILossFunction loss;
    private final IActivation outputActivation;
    /** Whether the score is divided by the minibatch size (LossLayer always; OutputLayer when miniBatch). */
    private final boolean averageScore;
    /** The network gradient handed to the updater; bound on the first {@link #fit} (inference needs none). */
    private Gradient gradient;
    private Updater updater;
    /**
     * The updater blocks that can produce a non-zero update, and the gradients they divide by the minibatch size;
     * null when the network's updater is run whole.
     */
    private List<UpdaterBlock> activeBlocks;
    private List<INDArray> minibatchDivided;
    /** The flattened gradients and parameters as 1-d views, for {@code params -= update}. */
    private INDArray update1d;
    private INDArray params1d;

    private LeanNet(MultiLayerNetwork net, Step[] steps, ILossFunction loss, IActivation outputActivation,
            boolean averageScore) {
        this.net = net;
        this.layers = net.getLayers();
        this.steps = steps;
        this.loss = loss;
        this.outputActivation = outputActivation;
        this.averageScore = averageScore;
    }

    private void bindGradients() {
        if (net.getGradientsViewArray() == null) {
            net.initGradientsView();
        }
        INDArray flat = net.getGradientsViewArray();
        updater = net.getUpdater();
        // The Gradient DL4J's backprop hands its updater (the flattened view plus one entry per parameter), except
        // that gradient() returns the updater's own view array: DefaultGradient returns a reshaped copy of the
        // view object, which sends BaseMultiLayerUpdater down its "external gradient" path, re-slicing every
        // parameter's view on every step. Both paths run the same updater ops on the same memory.
        boolean internal = updater instanceof BaseMultiLayerUpdater<?> u && u.getFlattenedGradientsView() == flat;
        gradient = internal ? new ViewGradient(flat) : new DefaultGradient(flat);
        for (int i = 0; i < steps.length; i++) {
            steps[i].bindGradients(i, gradient);
        }
        if (internal) {
            selectBlocks((BaseMultiLayerUpdater<?>) updater);
        }
        update1d = flat.reshape(flat.length());
        params1d = net.params();
        params1d = params1d.reshape(params1d.length());
    }

    /**
     * An executor for {@code net}, or empty if the network has a layer or setting it does not handle.
     *
     * @param net an initialised network
     * @return the executor, or empty when DL4J's own path must be used
     */
    public static Optional<LeanNet> compile(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (net.getLayers() == null || net.getLayers().length < 2 || conf.getDataType() != DataType.FLOAT
                || conf.getBackpropType() != BackpropType.Standard
                || (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty())
                || !net.getListeners().isEmpty()) {
            return Optional.empty();
        }
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
            org.deeplearning4j.nn.conf.layers.OutputLayer c = (org.deeplearning4j.nn.conf.layers.OutputLayer)
                    o.conf().getLayer();
            if (o.hasLayerNorm() || !o.hasBias()) {
                return Optional.empty();
            }
            loss = c.getLossFn();
            act = c.getActivationFn();
            average = o.conf().isMiniBatch();
            steps.add(new DenseStep(o, act, true, false, trainable(o, "W"), trainable(o, "b")));
        } else if (out instanceof LossLayer l) {
            org.deeplearning4j.nn.conf.layers.LossLayer c = (org.deeplearning4j.nn.conf.layers.LossLayer)
                    l.conf().getLayer();
            loss = c.getLossFn();
            act = c.getActivationFn();
            average = true;
            steps.add(new LossStep(act));
        } else {
            return Optional.empty();
        }
        if (!(loss instanceof LossMCXENT mc) || mc.getWeights() != null || !(act instanceof ActivationSoftmax)) {
            return Optional.empty();
        }
        return Optional.of(new LeanNet(net, steps.toArray(new Step[0]), loss, act, average));
    }

    /**
     * One training step on a minibatch, exactly as {@code net.fit(new DataSet(x, y))}: forward, loss, backward,
     * the network's updater, {@code params -= update}, iteration count + 1. Sets and returns the score that
     * {@code net.score()} then reports (the mean loss plus regularization, e.g. TauGate's sparsity penalty).
     *
     * @param x features [batch, nIn], float, 'c' order
     * @param y one-hot labels [batch, classes], float
     * @return the minibatch score
     */
    public double fit(INDArray x, INDArray y) {
        if (gradient == null) {
            bindGradients();
        }
        int mb = (int) x.size(0);
        INDArray a = x;
        for (Step s : steps) {
            a = s.forward(a, true);
        }
        // a is the output layer's pre-activation; the loss applies softmax to copies of it.
        INDArray delta = loss.computeGradient(y, a, outputActivation, null);
        double score = loss.computeScore(y, a, outputActivation, null, false);
        if (averageScore) {
            score /= mb;
        }
        double reg = 0.0;
        for (Layer l : layers) {
            reg += l.calcRegularizationScore(true);
        }
        score += reg;

        INDArray eps = delta;
        for (int i = steps.length - 1; i >= 0; i--) {
            eps = steps[i].backward(eps, i > 0);
        }

        // As StochasticGradientDescent.optimize: the updater turns gradients into updates in place, then
        // params -= update, with the same iteration and epoch counters.
        int iteration = BaseOptimizer.getIterationCount(net);
        int epochCount = BaseOptimizer.getEpochCount(net);
        if (activeBlocks == null) {
            updater.update(net, gradient, iteration, epochCount, mb, NO_WORKSPACES);
        } else {
            // BaseMultiLayerUpdater.update: divide by the minibatch, pre-apply (no gradient normalization here), then
            // each block's updater in place; minus the blocks whose update is 0 (see selectBlocks).
            for (INDArray g : minibatchDivided) {
                g.divi(mb);
            }
            for (UpdaterBlock ub : activeBlocks) {
                ub.update(iteration, epochCount);
            }
        }
        Nd4j.getBlasWrapper().level1().axpy(update1d.length(), -1.0, update1d, params1d);
        BaseOptimizer.incrementIterationCount(net, 1);
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
     * The network's output for a batch, as {@code net.output(x, false)} computes it (softmax probabilities).
     *
     * @param x features [batch, nIn], float, 'c' order
     * @return [batch, classes]; valid until the next call with the same batch size
     */
    public INDArray output(INDArray x) {
        INDArray a = x;
        for (Step s : steps) {
            a = s.forward(a, false);
        }
        return a;
    }

    /** Frees the work arrays; the executor must not be used afterwards. The network is untouched. */
    @Override
    public void close() {
        for (Step s : steps) {
            s.buffers.close();
        }
    }

    /** The network this executor runs. */
    public MultiLayerNetwork network() {
        return net;
    }

    private static Step hiddenStep(Layer l) {
        boolean frozen = false;
        Layer u = l;
        if (u instanceof FrozenLayerWithBackprop f) {
            frozen = true;
            u = f.getUnderlying();
        }
        if (u instanceof DenseLayer d && plainLayer(d.conf().getLayer())) {
            org.deeplearning4j.nn.conf.layers.DenseLayer c = (org.deeplearning4j.nn.conf.layers.DenseLayer)
                    d.conf().getLayer();
            IActivation act = c.getActivationFn();
            if (d.hasLayerNorm() || !d.hasBias() || !(isRelu(act) || act instanceof ActivationIdentity)) {
                return null;
            }
            return new DenseStep(d, act, false, frozen, !frozen && trainable(d, "W"), !frozen && trainable(d, "b"));
        }
        if (!frozen && u instanceof TauGateLayerImpl t && plainLayer(t.conf().getLayer())) {
            return new TauGateStep(t);
        }
        if (!frozen && u instanceof LoRADenseLayerImpl r && plainLayer(r.conf().getLayer())) {
            IActivation act = ((LoRADenseLayer) r.conf().getLayer()).getActivationFn();
            if (!(isRelu(act) || act instanceof ActivationIdentity)) {
                return null;
            }
            return new LoRAStep(r, act);
        }
        return null;
    }

    /** No dropout, weight noise, gradient normalization or constraints. */
    private static boolean plainLayer(org.deeplearning4j.nn.conf.layers.Layer c) {
        if (c.getIDropout() != null || (c.getConstraints() != null && !c.getConstraints().isEmpty())) {
            return false;
        }
        if (c instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
            return b.getWeightNoise() == null && (b.getGradientNormalization() == null
                    || b.getGradientNormalization() == GradientNormalization.None);
        }
        return true;
    }

    private static boolean isRelu(IActivation act) {
        return act instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }

    /** False when the parameter's update is provably zero: a plain Sgd with learning rate 0 (BitFit's weights). */
    private static boolean trainable(Layer l, String key) {
        IUpdater u = l.conf().getLayer().getUpdaterByParam(key);
        return !(u instanceof Sgd s && s.getLearningRate() == 0.0 && s.getLearningRateSchedule() == null);
    }

    private static Map<String, INDArray> gradientViews(Layer l) {
        return l.conf().getLayer().initializer().getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
    }

    /**
     * Keeps the updater blocks that hold a parameter this executor computes gradients for. The others hold only
     * parameters whose gradient is 0 on every step (frozen layers, LoRA's W and b, BitFit's Sgd(0) weights): on
     * them Adam leaves its state at 0 and returns a 0 update, Sgd and NoOp return 0, and 0 / batch is 0, so
     * skipping them changes nothing but the time (for TauGate, Adam over the 118k frozen weights every step).
     */
    private void selectBlocks(BaseMultiLayerUpdater<?> u) {
        Map<Object, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            index.put(layers[i], i);
        }
        List<UpdaterBlock> active = new ArrayList<>();
        List<INDArray> divided = new ArrayList<>();
        for (UpdaterBlock ub : u.getUpdaterBlocks()) {
            if (ub.skipDueToPretrainConfig(false)) {
                continue;
            }
            boolean trains = false;
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                Integer i = index.get(ps.getLayer());
                if (i == null) {
                    return; // not this network's layer: run the whole updater
                }
                if (steps[i].trainedParams().contains(ps.getParamName())) {
                    trains = true;
                    if (ps.getLayer().updaterDivideByMinibatch(ps.getParamName())) {
                        divided.add(ps.getGradView());
                    }
                }
            }
            if (trains) {
                active.add(ub);
            }
        }
        activeBlocks = active;
        minibatchDivided = divided;
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

    /** Work arrays of one layer, per minibatch size, allocated once outside any workspace. */
    private static final class Buffers {
        private final Map<Key, INDArray> arrays = new HashMap<>();

        private record Key(int slot, long rows, long cols) {}

        INDArray get(int slot, long rows, long cols, char order) {
            return arrays.computeIfAbsent(new Key(slot, rows, cols),
                    k -> Nd4j.createUninitializedDetached(DataType.FLOAT, order, rows, cols));
        }

        void close() {
            for (INDArray a : arrays.values()) {
                a.close();
            }
            arrays.clear();
        }
    }

    /** One layer's forward and backward pass. */
    private abstract static class Step {
        final Buffers buffers = new Buffers();

        /** The keys of the parameters whose gradients this step computes. */
        abstract Set<String> trainedParams();

        /** The layer's output (for the last layer in training: the pre-activation the loss takes). */
        abstract INDArray forward(INDArray in, boolean training);

        /**
         * Writes this layer's parameter gradients (sums over the batch) into the network's gradient view.
         *
         * @return dL/d(input), or null when {@code inputGradient} is false
         */
        abstract INDArray backward(INDArray eps, boolean inputGradient);

        /**
         * Looks up this layer's gradient views (zeroing those never computed) and adds them to the network gradient,
         * keyed as DL4J keys them.
         */
        abstract void bindGradients(int index, Gradient g);
    }

    /** A DL4J dense or output layer: the operations of BaseLayer/BaseOutputLayer, without recomputation. */
    private static final class DenseStep extends Step {
        private final IActivation act;
        private final boolean relu;
        private final boolean output;
        private final boolean frozen;
        private final boolean trainW;
        private final boolean trainB;
        private final BaseLayer<?> layer;
        private final INDArray w;
        private final INDArray b;
        private INDArray wGrad;
        private INDArray bGrad;
        private INDArray in;
        private INDArray z;

        DenseStep(BaseLayer<?> layer, IActivation act, boolean output, boolean frozen, boolean trainW,
                boolean trainB) {
            this.act = act;
            this.relu = isRelu(act);
            this.output = output;
            this.frozen = frozen;
            this.trainW = trainW;
            this.trainB = trainB;
            this.layer = layer;
            this.w = layer.getParam("W");
            this.b = layer.getParam("b");
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
        INDArray forward(INDArray in, boolean training) {
            long mb = in.size(0);
            // DL4J's 'c' layout. An 'f' result would save the copy below, but the next product then reads a
            // transposed operand, which OpenBLAS's AVX-512 small-matrix kernels round differently.
            INDArray out = buffers.get(0, mb, w.size(1), 'c');
            // in.mmuli(w, out), step by step: for a 'c' result mmuli multiplies into a new 'f' array and copies;
            // here the 'f' array is a reused buffer instead of an off-heap allocation per call.
            INDArray f = buffers.get(3, mb, w.size(1), 'f');
            Nd4j.getBlasWrapper().level3().gemm(in.ordering(), BlasBufferUtil.getCharForTranspose(w),
                    BlasBufferUtil.getCharForTranspose(f), 1.0, in, w, 0.0, f);
            out.assign(f);
            out.addiRowVector(b);
            if (!output || !training) {
                act.getActivation(out, training);
            }
            this.in = in;
            this.z = out;
            return out;
        }

        @Override
        INDArray backward(INDArray eps, boolean inputGradient) {
            long mb = eps.size(0);
            INDArray delta = eps;
            if (relu) {
                // 1[relu(z) > 0] == 1[z > 0]: the activated output stands in for the pre-activation.
                delta = buffers.get(1, mb, w.size(1), 'c');
                Nd4j.exec(new RectifiedLinearDerivative(z, eps, delta, 0.0));
            }
            if (trainB) {
                delta.sum(bGrad, 0);
            }
            if (trainW) {
                Nd4j.gemm(in, delta, wGrad, true, false, 1.0, 0.0);
            }
            if (!inputGradient) {
                return null;
            }
            INDArray epsNext = buffers.get(2, w.size(0), mb, 'f');
            return w.mmuli(delta.transpose(), epsNext).transpose();
        }

        @Override
        void bindGradients(int index, Gradient g) {
            Map<String, INDArray> views = gradientViews(layer);
            wGrad = views.get("W");
            bGrad = views.get("b");
            // Gradients never computed stay 0, as DL4J leaves them (frozen) or as they become under Sgd(0).
            if (!trainW) {
                wGrad.assign(0.0);
            }
            if (!trainB) {
                bGrad.assign(0.0);
            }
            if (frozen) {
                return; // FrozenLayerWithBackprop reports no gradients
            }
            if (output) {
                g.setGradientFor(index + "_W", wGrad);
                g.setGradientFor(index + "_b", bGrad);
            } else {
                g.setGradientFor(index + "_b", bGrad);
                g.setGradientFor(index + "_W", wGrad);
            }
        }
    }

    /** A TauGate layer, through the layer's own soft/hard kernels; keeps x and the gate from forward. */
    private static final class TauGateStep extends Step {
        private final TauGateLayerImpl layer;
        private final INDArray tau;
        private final INDArray gamma;
        private INDArray tauGrad;
        private INDArray gammaGrad;
        private INDArray z;
        private INDArray x;
        private INDArray g;
        private boolean hard;

        TauGateStep(TauGateLayerImpl layer) {
            this.layer = layer;
            this.tau = layer.getParam(TauGateLayer.TAU_KEY);
            this.gamma = layer.getParam(TauGateLayer.GAMMA_KEY);
        }

        @Override
        Set<String> trainedParams() {
            return Set.of(TauGateLayer.TAU_KEY, TauGateLayer.GAMMA_KEY);
        }

        @Override
        INDArray forward(INDArray in, boolean training) {
            TauGateLayer c = layer.layerConf();
            long mb = in.size(0);
            long n = in.size(1);
            INDArray out = buffers.get(0, mb, n, 'c');
            hard = c.isHardGate();
            if (hard) {
                layer.setLastPenalty(TauGateLayerImpl.hardForward(c, in, tau, gamma, out));
            } else {
                x = buffers.get(1, mb, n, 'c');
                g = buffers.get(2, mb, n, 'c');
                layer.setLastPenalty(TauGateLayerImpl.softForward(c, in, tau, gamma, x, g, out));
            }
            z = in;
            return out;
        }

        @Override
        INDArray backward(INDArray eps, boolean inputGradient) {
            long mb = eps.size(0);
            long n = eps.size(1);
            INDArray m = buffers.get(3, mb, n, 'c');
            INDArray epsOut = buffers.get(4, mb, n, 'c');
            if (hard) {
                TauGateLayerImpl.hardBackward(layer.layerConf(), z, tau, eps, gamma, buffers.get(2, mb, n, 'c'), m,
                        epsOut, tauGrad, gammaGrad);
            } else {
                TauGateLayerImpl.softBackward(layer.layerConf(), z, x, g, eps, gamma, m, epsOut, tauGrad, gammaGrad);
            }
            return epsOut;
        }

        @Override
        void bindGradients(int index, Gradient g) {
            Map<String, INDArray> views = gradientViews(layer);
            tauGrad = views.get(TauGateLayer.TAU_KEY);
            gammaGrad = views.get(TauGateLayer.GAMMA_KEY);
            g.setGradientFor(index + "_" + TauGateLayer.TAU_KEY, tauGrad);
            g.setGradientFor(index + "_" + TauGateLayer.GAMMA_KEY, gammaGrad);
        }
    }

    /** A LoRA dense layer, through the layer's own kernels; keeps x A from forward. */
    private static final class LoRAStep extends Step {
        private final LoRADenseLayerImpl layer;
        private final IActivation act;
        private final boolean relu;
        private final double scale;
        private final int rank;
        private final INDArray w;
        private final INDArray bias;
        private final INDArray a;
        private final INDArray b;
        private Map<String, INDArray> grads;
        private INDArray in;
        private INDArray xa;
        private INDArray z;

        LoRAStep(LoRADenseLayerImpl layer, IActivation act) {
            this.layer = layer;
            this.act = act;
            this.relu = isRelu(act);
            LoRADenseLayer c = (LoRADenseLayer) layer.conf().getLayer();
            this.scale = c.scaling();
            this.rank = c.getRank();
            this.w = layer.getParam(LoRADenseLayer.WEIGHT_KEY);
            this.bias = layer.getParam(LoRADenseLayer.BIAS_KEY);
            this.a = layer.getParam(LoRADenseLayer.LORA_A_KEY);
            this.b = layer.getParam(LoRADenseLayer.LORA_B_KEY);
        }

        @Override
        Set<String> trainedParams() {
            return Set.of(LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY);
        }

        @Override
        INDArray forward(INDArray in, boolean training) {
            long mb = in.size(0);
            xa = buffers.get(0, mb, rank, 'f');
            z = buffers.get(1, mb, w.size(1), 'f');
            LoRADenseLayerImpl.forward(in, w, bias, a, b, scale, xa, z);
            act.getActivation(z, training);
            this.in = in;
            return z;
        }

        @Override
        INDArray backward(INDArray eps, boolean inputGradient) {
            long mb = eps.size(0);
            INDArray delta = eps;
            if (relu) {
                delta = buffers.get(2, mb, w.size(1), 'f');
                Nd4j.exec(new RectifiedLinearDerivative(z, eps, delta, 0.0));
            }
            INDArray deltaBt = buffers.get(3, mb, rank, 'f');
            INDArray epsOut = inputGradient ? buffers.get(4, mb, w.size(0), 'f') : null;
            LoRADenseLayerImpl.backward(in, xa, delta, w, a, b, scale, deltaBt, grads.get(LoRADenseLayer.LORA_A_KEY),
                    grads.get(LoRADenseLayer.LORA_B_KEY), epsOut);
            return epsOut;
        }

        @Override
        void bindGradients(int index, Gradient g) {
            grads = gradientViews(layer);
            // W and b are frozen: their gradients are 0, as the layer itself assigns them.
            grads.get(LoRADenseLayer.WEIGHT_KEY).assign(0.0);
            grads.get(LoRADenseLayer.BIAS_KEY).assign(0.0);
            for (String key : List.of(LoRADenseLayer.WEIGHT_KEY, LoRADenseLayer.BIAS_KEY, LoRADenseLayer.LORA_A_KEY,
                    LoRADenseLayer.LORA_B_KEY)) {
                g.setGradientFor(index + "_" + key, grads.get(key));
            }
        }
    }

    /** DL4J's LossLayer: no parameters; the loss gradient is the epsilon below it. */
    private static final class LossStep extends Step {
        private final IActivation act;

        LossStep(IActivation act) {
            this.act = act;
        }

        @Override
        Set<String> trainedParams() {
            return Set.of();
        }

        @Override
        INDArray forward(INDArray in, boolean training) {
            if (training) {
                return in;
            }
            // LossLayer.activate applies the activation to a copy (same layout) of its input.
            INDArray out = buffers.get(0, in.size(0), in.size(1), in.ordering());
            out.assign(in);
            return act.getActivation(out, false);
        }

        @Override
        INDArray backward(INDArray eps, boolean inputGradient) {
            return eps;
        }

        @Override
        void bindGradients(int index, Gradient g) {
            // no parameters
        }
    }
}
