package io.tausweep.model.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * One updater block with parameters that train. Adam runs as a Java loop over just the trained
 * parameters' ranges: the libnd4j Adam op costs about 0.3 ms a call whatever its length, and DL4J
 * puts TauGate's 512 trained parameters in one block with the 118k frozen ones (same updater
 * settings), whose gradients are always 0, so that Adam keeps their state at 0 and their update at
 * 0. Anything else runs DL4J's own block updater (as does Adam's first step, which creates its
 * state views); then {@code params -= update} over the block.
 */
final class ActiveBlock {
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
   * Adam's state views in the network's updater, per trained range, and their working copies on the
   * heap in blocks of {@link Kernels#ADAM_BLOCK} (the last one shorter), so that a step walks each
   * range once, a block at a time, with the block's gradient and parameters copied in (and the
   * parameters out) through two small arrays that stay in the L1 cache: whole-range copies cost a
   * third more (three extra passes over 0.5 MB for Full FT).
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
    if (javaAdam && block.getGradientUpdater() instanceof AdamUpdater adam && adam.getM() != null) {
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
                      NDArrayIndex.interval(ranges[k][0] - blockStart, ranges[k][1] - blockStart)));
          v[k] =
              FloatMat.of(
                  vAll.get(
                      NDArrayIndex.interval(ranges[k][0] - blockStart, ranges[k][1] - blockStart)));
          mHeap[k] = toBlocks(m[k]);
          vHeap[k] = toBlocks(v[k]);
        }
      }
      Adam c = adam.getConfig();
      double lr = c.getLearningRate(iteration, epoch);
      float alpha = Kernels.adamStepSize(lr, c.getBeta1(), c.getBeta2(), c.getEpsilon(), iteration);
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

  /** The blocks {@link #select} keeps, and the dense steps whose W gradient they zero. */
  record Selection(List<ActiveBlock> blocks, DenseStep[] zeroedDense) {}

  /**
   * Keeps the updater blocks that hold a parameter this executor computes gradients for. The others
   * hold only parameters whose gradient is 0 on every step (frozen layers, LoRA's W and b, BitFit's
   * Sgd(0) weights): on them Adam leaves its state at 0 and returns a 0 update, Sgd and NoOp return
   * 0, and 0 / batch is 0, so skipping them changes nothing but the time (for TauGate, Adam over
   * the 118k frozen weights every step).
   *
   * @return the blocks to run and the dense layers whose W gradient they leave at zero, or null
   *     when the updater holds another network's layer (then the whole updater runs)
   */
  static Selection select(
      BaseMultiLayerUpdater<?> u, MultiLayerNetwork net, Step[] steps, FloatMat update1d) {
    Layer[] layers = net.getLayers();
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
          return null; // not this network's layer: run the whole updater
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
    return new Selection(active, zeroedDense.toArray(new DenseStep[0]));
  }
}
